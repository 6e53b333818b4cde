import { readFileSync } from 'node:fs';

/** Linux capability numbers → names (linux/capability.h). */
const CAPABILITY_NAMES = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID',
  'SETPCAP', 'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW',
  'IPC_LOCK', 'IPC_OWNER', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT',
  'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD',
  'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP', 'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG',
  'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF', 'CHECKPOINT_RESTORE',
] as const;

/** Names of the capabilities set in a CapBnd-style hex mask. Bits beyond the known table are ignored. */
export function capabilitiesFromMask(hexMask: string): string[] {
  const mask = BigInt(`0x${hexMask}`);
  return CAPABILITY_NAMES.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

/**
 * Every capability in this process's bounding set. A Docker-in-Docker sandbox
 * needs nearly all of them, but `--privileged` asks for *all* and fails on hosts
 * whose bounding set lacks one (these machines lack SYS_RESOURCE), so we ask
 * for exactly what the host can grant. Assumes the engine runs on this host
 * with the same bounding set; override with DRYDOCK_SANDBOX_CAPS (comma list).
 */
export function hostBoundingCapabilities(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.DRYDOCK_SANDBOX_CAPS) return env.DRYDOCK_SANDBOX_CAPS.split(',').map((c) => c.trim().toUpperCase()).filter(Boolean);
  const status = readFileSync('/proc/self/status', 'utf8');
  const match = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status);
  if (!match?.[1]) throw new Error('cannot read CapBnd from /proc/self/status');
  return capabilitiesFromMask(match[1]);
}
