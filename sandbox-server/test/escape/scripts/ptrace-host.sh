# Host processes: look for a host process by its unique command line
# (DRYDOCK_MARKER), then try the host pids given (DRYDOCK_HOST_PIDS, the
# marker's among them) with kill -0, nsenter, pidfd_open and PTRACE_ATTACH;
# whatever answers must not be the host process.
# A pattern that matches the marker but is not itself the marker (grep's own command line).
pat="${DRYDOCK_MARKER:0:1}[${DRYDOCK_MARKER:1:1}]${DRYDOCK_MARKER:2}"
hit=$(grep -l -a -- "$pat" /proc/[0-9]*/cmdline 2>/dev/null | grep -v self)
[ -n "$hit" ] && escaped "sees the host's marker process: $hit" || blocked "no process with the host marker's command line among $(ls -d /proc/[0-9]* | wc -l) visible"
note "visible processes: $(ps -eo comm= | sort | uniq -c | sort -rn | head -8 | awk '{print $2"x"$1}' | tr '\n' ' ')"
is_marker() { grep -qa -- "$pat" "/proc/$1/cmdline" 2>/dev/null; }
for p in $DRYDOCK_HOST_PIDS; do
  if [ ! -e /proc/$p ]; then blocked "host pid $p: no such process here"; continue; fi
  is_marker $p && escaped "host pid $p is the host's marker" || note "pid $p here is the sandbox's own $(cat /proc/$p/comm)"
done
perl -e '
  my $child = fork; if (!$child) { sleep 30; exit 0 }
  my $r = syscall(101, 16, $child, 0, 0);   # PTRACE_ATTACH its own child: the control
  print $r == 0 ? "CONTROL: ptrace ok\n" : "CONTROL: ptrace FAILED: $!\n"; kill 9, $child;
  for my $p (@ARGV) {
    my $fd = syscall(434, $p, 0);           # pidfd_open
    print $fd >= 0 ? "NOTE: pidfd_open($p) gave a descriptor\n" : "BLOCKED: pidfd_open($p): $!\n";
    if (syscall(101, 16, $p, 0, 0) == 0) {
      open(my $c, "<", "/proc/$p/cmdline"); my $l = <$c> // ""; $l =~ tr/\0/ /;
      print index($l, $ENV{DRYDOCK_MARKER}) >= 0 ? "ESCAPED: ptrace-attached the host marker ($p)\n" : "NOTE: attached pid $p here, the sandbox'"'"'s own ($l)\n";
      syscall(101, 17, $p, 0, 0);
    } else { print "BLOCKED: PTRACE_ATTACH $p: $!\n" }
  }' $DRYDOCK_HOST_PIDS
for p in $DRYDOCK_HOST_PIDS; do
  if r=$(nsenter -t "$p" -m -p true 2>&1); then is_marker $p && escaped "nsenter into the host marker $p" || note "nsenter -t $p reached the sandbox's own process"; else blocked "nsenter -t $p: $(why "$r")"; fi
done
kill -0 "$DRYDOCK_MARKER_PID" 2>/dev/null && ! is_marker "$DRYDOCK_MARKER_PID" && note "kill -0 $DRYDOCK_MARKER_PID hit one of the sandbox's own processes"
true
