# Loading kernel code: init_module, finit_module and delete_module, called
# with arguments that fail harmlessly *after* the capability check (an empty
# image, a bad descriptor, a module that does not exist), in the 64-bit and
# x32 ABIs. EPERM is the refusal; any other error got past it.
perl -e '
  my %calls = (init_module => [175, 0, 0, ""], finit_module => [313, -1, "", 0], delete_module => [176, "drydock_none", 04000]);
  for my $abi (["x86_64", 0], ["x32", 0x40000000]) {
    for my $name (sort keys %calls) {
      my ($nr, @args) = @{ $calls{$name} };
      my $r = syscall($nr | $abi->[1], @args); my $e = $! + 0; my $m = "$!";
      if ($r >= 0) { print "ESCAPED: $name ($abi->[0]) succeeded\n" }
      elsif ($e == 1) { print "BLOCKED: $name ($abi->[0]): $m\n" }
      elsif ($e == 38) { print "NOTE: $name ($abi->[0]): $m (not in this kernel or this ABI)\n" }
      else { print "ESCAPED: $name ($abi->[0]) got past the capability check: $m\n" }
    }
  }'
r=$(modprobe drydock_none 2>&1); note "modprobe: $(why "$r")"
