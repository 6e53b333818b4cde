/**
 * The seccomp profile of hardened (user-namespace) sandboxes.
 *
 * Docker's default profile cannot run an inner engine: it refuses `keyctl`,
 * which runc needs for every inner container ("unable to join session
 * keyring"). `seccomp=unconfined` (the capability tier) would drop the filter
 * altogether. This profile allows what a Docker host needs and refuses the
 * syscalls a sandbox never needs (keyrings, see below, answer ENOSYS), chosen because they either act on the
 * whole host (the kernel also refuses most of them to a user namespace; this
 * is the second wall) or are large, often-exploited kernel surface.
 * Refused calls fail with EPERM, as under Docker's own profile.
 */
const REFUSED: Record<string, readonly string[]> = {
  'kernel code and the running kernel': ['kexec_load', 'kexec_file_load', 'init_module', 'finit_module', 'delete_module', 'create_module', 'get_kernel_syms', 'query_module', 'uselib'],
  'machine state': ['reboot', 'swapon', 'swapoff', 'acct', 'quotactl', 'quotactl_fd', 'nfsservctl', 'sysfs', 'ustat', '_sysctl'],
  'the host clock': ['settimeofday', 'clock_settime', 'clock_adjtime', 'adjtimex', 'stime'],
  'hardware and the kernel log': ['iopl', 'ioperm', 'pciconfig_read', 'pciconfig_write', 'pciconfig_iobase', 'syslog', 'vm86', 'vm86old', 'lookup_dcookie'],
  // open_by_handle_at read the host's root filesystem from the capability tier.
  'file handles that bypass the mount namespace': ['open_by_handle_at', 'name_to_handle_at', 'fanotify_init'],
  'large, often-exploited kernel surface': ['bpf', 'perf_event_open', 'userfaultfd', 'io_uring_setup', 'io_uring_enter', 'io_uring_register'],
};

/**
 * Kernel keyrings answer "not implemented" rather than "not permitted". Every
 * sandbox's root is the same host uid, and the kernel's key quota is per uid
 * (kernel.keys.maxkeys, 200 by default): runc creates a session keyring for
 * every inner container and exec, so a few busy sandboxes exhausted it and
 * every other sandbox's `docker run` then failed with "disk quota exceeded";
 * a learner could do the same on purpose with keyctl. runc skips keyrings
 * when keyctl is ENOSYS (an older kernel, as far as it knows); with EPERM, as
 * in Docker's default profile, it refuses to start any container.
 */
const UNIMPLEMENTED = ['keyctl', 'add_key', 'request_key'];

export interface SeccompProfile {
  defaultAction: 'SCMP_ACT_ALLOW';
  architectures: string[];
  syscalls: { names: string[]; action: 'SCMP_ACT_ERRNO'; errnoRet: number }[];
}

const EPERM = 1;
const ENOSYS = 38;

export function sandboxSeccompProfile(arch: string = process.arch): SeccompProfile {
  return {
    defaultAction: 'SCMP_ACT_ALLOW',
    // Every ABI of the host's architecture, so a 32-bit syscall cannot walk around the filter.
    architectures: arch === 'arm64' ? ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'] : ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    syscalls: [
      { names: Object.values(REFUSED).flat(), action: 'SCMP_ACT_ERRNO', errnoRet: EPERM },
      { names: UNIMPLEMENTED, action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS },
    ],
  };
}

/** Every refused syscall, for the escape suite and the README. */
export const REFUSED_SYSCALLS: readonly string[] = [...Object.values(REFUSED).flat(), ...UNIMPLEMENTED];
