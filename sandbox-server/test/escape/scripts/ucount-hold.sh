# Host root owns every sandbox's user namespace, so the kernel charges what a
# sandbox's processes hold to host root's per-user counts too: inotify
# instances (fs.inotify.max_user_instances, 128 by default) and queued
# real-time signals (RLIMIT_SIGPENDING). A holder takes as many as it can of
# one (DRYDOCK_WHAT: inotify | sigpending) and keeps them for DRYDOCK_SECONDS,
# while the host checks whether host root and a neighbour can still get one.
rm -f /root/drydock-hold.out
setsid perl -MPOSIX -e '
  $0 = "drydock-holder"; my ($what, $seconds) = @ARGV; my ($n, @keep) = (0);
  # Opened first: a holder of inotify instances ends by running out of descriptors.
  open(my $o, ">", "/root/drydock-hold.out") or die "cannot write the report: $!";
  if ($what eq "inotify") {
    while ($n < 20000) { my $fd = syscall(294, 0); last if $fd < 0; push @keep, $fd; $n++ }     # inotify_init1: 20000 is far past the default 128
  } else {
    sigprocmask(SIG_BLOCK, POSIX::SigSet->new(34)) or die;                                      # SIGRTMIN, blocked: it stays queued
    my $info = pack("iii", 34, 0, -1) . ("\0" x 116);                                           # si_code SI_QUEUE
    while ($n < 2000000 && syscall(129, $$ + 0, 34, $info) == 0) { $n++ }                       # rt_sigqueueinfo to itself
  }
  my $why = "$!";
  print $o "HELD: $n ($why)\n"; close $o;
  sleep $seconds;
' "$DRYDOCK_WHAT" "$DRYDOCK_SECONDS" </dev/null >/dev/null 2>&1 &
for _ in $(seq 300); do [ -s /root/drydock-hold.out ] && break; sleep 0.1; done
cat /root/drydock-hold.out 2>/dev/null || echo "HELD: 0 (the holder did not report)"
