# Allocates (and touches) up to 2 GiB in one process: the sandbox's OOM
# killer must stop it at the sandbox's memory limit.
perl -e 'my @a; for my $i (1 .. 64) { push @a, "x" x (32 << 20) } print "ESCAPED: allocated 2 GiB\n"'
echo "EXIT: $?"
