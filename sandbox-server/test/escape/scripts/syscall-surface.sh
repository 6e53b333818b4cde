# Kernel surface the hardened tier's seccomp profile refuses: each call with
# arguments that fail harmlessly when the kernel does take it. EPERM (or
# ENOSYS, the keyrings' answer) is the refusal; anything else reached the
# kernel code behind it.
perl -MPOSIX -e '
  my @calls = (
    [bpf => 321, 5, "\0" x 128, 128],                 # BPF_PROG_LOAD of nothing: EINVAL
    [userfaultfd => 323, 1],                          # UFFD_USER_MODE_ONLY: a descriptor
    [io_uring_setup => 425, 1, 0],                    # no params: EFAULT
    [perf_event_open => 298, 0, 0, -1, -1, 0],        # no attr: EFAULT
    [fanotify_init => 300, 0, 0],
    [keyctl => 250, 0, -3, 0],                        # KEYCTL_GET_KEYRING_ID of the session keyring
    [add_key => 248, "user", "drydock-probe", "x", 1, -2],
    [request_key => 249, "user", "drydock-none", 0, 0],
    [kexec_load => 246, 0, 0, 0, 0xFFFF0000],         # invalid flags: EINVAL after the capability check
    [kexec_file_load => 320, -1, -1, 0, 0, 0],
    [swapon => 167, "/drydock-none", 0],
    [acct => 163, "/drydock-none"],
    [iopl => 172, 3],
    [ioperm => 173, 0x80, 1, 1],
    [open_by_handle_at => 304, -1, "\0" x 16, 0],
    [name_to_handle_at => 303, -100, "/", "\0" x 136, "\0" x 4, 0],
  );
  for my $abi (["", 0], [" (x32)", 0x40000000]) {
    for my $c (@calls) {
      my ($name, $nr, @args) = @$c;
      my $r = syscall($nr | $abi->[1], @args); my $e = $! + 0; my $m = "$!";
      if ($r >= 0) { print "ESCAPED: $name$abi->[0] succeeded\n"; POSIX::close($r) if $name =~ /^(userfaultfd|fanotify_init)$/ }
      elsif ($e == 1) { print "BLOCKED: $name$abi->[0]: $m\n" }
      elsif ($e == 38) { print "BLOCKED: $name$abi->[0]: $m (by the profile, or not in this kernel)\n" }
      else { print "ESCAPED: $name$abi->[0] reached the kernel: $m\n" }
    }
  }'
