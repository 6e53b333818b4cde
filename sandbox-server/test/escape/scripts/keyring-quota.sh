# The kernel's key quota is per host uid, and every sandbox's root is the same
# host uid: 250 processes each make a session keyring of their own and hold
# it (DRYDOCK_SECONDS). The host then checks that a neighbour can still start
# containers (runc makes a keyring for each).
perl -e '
  my ($ok, $err) = (0, "");
  for my $i (1 .. 250) {
    pipe(my $r, my $w) or last;
    my $p = fork; last unless defined $p;
    if (!$p) { close $r; open(STDOUT, ">", "/dev/null"); open(STDERR, ">", "/dev/null"); $0 = "drydock-keyholder"; my $k = syscall(250, 1, "drydock-q-$$");   # KEYCTL_JOIN_SESSION_KEYRING
      print $w ($k >= 0 ? "ok\n" : "err $!\n"); close $w; sleep $ARGV[0] if $k >= 0; exit 0 }
    close $w; my $l = <$r> // ""; close $r; if ($l =~ /^ok/) { $ok++ } else { chomp($err = $l) }
  }
  print $ok ? "NOTE: made and holds $ok session keyrings\n" : "BLOCKED: keyctl(JOIN_SESSION_KEYRING): $err\n";
' "$DRYDOCK_SECONDS"
