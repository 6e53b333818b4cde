# The host's clock. settimeofday(NULL, NULL) changes nothing, but answers 0
# only to a process that may set the host's time (CAP_SYS_TIME over the host):
# a pure permission probe. Nothing here ever sets a clock.
perl -e 'my $r = syscall(164, 0, 0); print $r == 0 ? "ESCAPED: settimeofday: may set the host clock\n" : "BLOCKED: settimeofday: $!\n"'
r=$(busybox hwclock -r 2>&1) && escaped "read the hardware clock: $r" || blocked "hwclock -r: $(why "$r")"
true
