# Can this process still get one inotify instance / queue one real-time signal?
# Prints "ok" or the error. Usage: perl ucount-probe.pl inotify|sigpending
use strict; use warnings; use POSIX;
my $what = shift // 'inotify';
if ($what eq 'inotify') {
  my $fd = syscall(294, 0);
  print $fd >= 0 ? "ok\n" : "$!\n";
} else {
  sigprocmask(SIG_BLOCK, POSIX::SigSet->new(34)) or die;
  my $info = pack('iii', 34, 0, -1) . ("\0" x 116);
  print syscall(129, $$ + 0, 34, $info) == 0 ? "ok\n" : "$!\n";
}
