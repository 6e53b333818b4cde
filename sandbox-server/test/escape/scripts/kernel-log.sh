# The host kernel's log: dmesg, syslog(2), /proc/kmsg, /dev/kmsg (made with
# mknod if absent), and writing into it (the host looks for the nonce).
r=$(dmesg 2>&1 | head -2)
case $r in *"not permitted"*|*"failed"*|"") blocked "dmesg: $(why "$r")";; *) escaped "dmesg: $(head -1 <<<"$r")";; esac
r=$(busybox dmesg 2>&1 | head -2)
case $r in *"not permitted"*|*"failed"*|"") blocked "busybox dmesg: $(why "$r")";; *) escaped "busybox dmesg: $(head -1 <<<"$r")";; esac
perl -e '
  my $buf = "\0" x 4096;
  my $n = syscall(103, 3, $buf, 4096);   # syslog(SYSLOG_ACTION_READ_ALL)
  if ($n > 0) { my $t = substr($buf, 0, 120); $t =~ tr/\x20-\x7e/./c; print "ESCAPED: syslog(2) read $n bytes: $t\n" }
  elsif ($n == 0) { print "NOTE: syslog(2) READ_ALL returned 0 bytes\n" }
  else { print "BLOCKED: syslog(2): $!\n" }
  my $size = syscall(103, 10, 0, 0);     # SYSLOG_ACTION_SIZE_BUFFER
  print $size >= 0 ? "ESCAPED: syslog(2) SIZE_BUFFER answered $size\n" : "BLOCKED: syslog(2) SIZE_BUFFER: $!\n";
'
if r=$(timeout 1 head -c 120 /proc/kmsg 2>&1) && [ -n "$r" ]; then escaped "/proc/kmsg: $r"; else blocked "/proc/kmsg: $(why "${r:-nothing to read}")"; fi
kmsg=/dev/kmsg
if [ ! -e $kmsg ]; then
  kmsg=/dev/drydock-kmsg
  if r=$(mknod $kmsg c 1 11 2>&1); then note "made $kmsg with mknod"; else blocked "mknod /dev/kmsg (c 1 11): $(why "$r")"; fi
fi
if [ -e $kmsg ]; then
  if r=$(timeout 1 head -c 120 $kmsg 2>&1) && [ -n "$r" ]; then escaped "$kmsg: $(tr -c '[:print:]' . <<<"$r")"; else blocked "read $kmsg: $(why "${r:-nothing}")"; fi
  if r=$(write_to $kmsg "<4>$DRYDOCK_NONCE"); then escaped "wrote into the kernel log through $kmsg"; else blocked "write $kmsg: $r"; fi
fi
rm -f /dev/drydock-kmsg
