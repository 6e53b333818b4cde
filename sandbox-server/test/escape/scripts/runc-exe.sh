# CVE-2019-5736 and its kin: while the host's runc enters the sandbox (the
# host runs `docker exec` meanwhile), open its binary through /proc/PID/exe
# for writing, or hold it and reopen it after runc is gone; and look through
# its descriptors and working directory for host paths (CVE-2024-21626).
perl -e '
  use Fcntl; $| = 1;
  my $end = time + $ARGV[0]; my (%seen, @held);
  while (time < $end) {
    opendir(my $d, "/proc") or next;
    for my $p (readdir $d) {
      next unless $p =~ /^\d+$/ && $p != $$;
      open(my $c, "<", "/proc/$p/comm") or next; my $comm = <$c> // ""; chomp $comm; close $c;
      next unless $comm =~ /^runc/ && !$seen{"$p $comm"}++;
      print "NOTE: saw $comm ($p)\n";
      if (sysopen(my $w, "/proc/$p/exe", O_WRONLY)) { print "ESCAPED: opened the runc binary of $p for writing\n" } else { print "BLOCKED: open /proc/$p/exe for writing: $!\n" }
      if (sysopen(my $h, "/proc/$p/exe", 010000000)) { push @held, $h } else { print "BLOCKED: hold /proc/$p/exe: $!\n" }
      for my $l ("/proc/$p/cwd", "/proc/$p/root", glob("/proc/$p/fd/*")) {
        my $t = readlink($l); next unless defined $t;
        print "NOTE: $l -> $t\n" unless $t =~ m{^(/dev/null|pipe:|socket:|anon_inode:|/$)};
        if (-d $l && opendir(my $x, $l)) { my @n = grep { !/^\./ } readdir $x; print "ESCAPED: listed $l ($t): @n[0..($#n < 8 ? $#n : 8)]\n" if $t ne "/" && grep { $_ eq "drydock-engine" || $_ eq "containerd" } @n }
      }
    }
  }
  for my $h (@held) { my $fd = fileno $h; if (sysopen(my $w, "/proc/self/fd/$fd", O_WRONLY)) { print "ESCAPED: reopened a held runc binary for writing\n" } else { print "BLOCKED: reopen the held runc binary for writing: $!\n" } }
  print(%seen ? "CONTROL: saw-runc ok\n" : "CONTROL: saw-runc FAILED: no runc entered the sandbox while watching\n");
' "$DRYDOCK_SECONDS"
