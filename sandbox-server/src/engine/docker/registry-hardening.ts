import type Docker from 'dockerode';

/**
 * Every learner can reach these containers, so they get little: no
 * capabilities, no privilege gain, a read-only root, modest limits. The
 * image runs as the unprivileged docker-registry user.
 */
export const REGISTRY_HARDENING: Docker.HostConfig = {
  CapDrop: ['ALL'],
  SecurityOpt: ['no-new-privileges'],
  ReadonlyRootfs: true,
  Tmpfs: { '/tmp': 'rw,nosuid,nodev,size=64m' },
  Memory: 512 * 1024 * 1024,
  PidsLimit: 256,
  RestartPolicy: { Name: 'no' },
  // A registry sits on every sandbox's network: it must never route between
  // them. (A new network namespace inherits the host's ip_forward=1; the
  // host's internal-network rules drop such traffic too, this does not rely on it.)
  Sysctls: { 'net.ipv4.ip_forward': '0' },
};
