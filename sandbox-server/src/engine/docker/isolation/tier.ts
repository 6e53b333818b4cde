import Docker from 'dockerode';
import { hostBoundingCapabilities } from './capabilities';
import { sandboxSeccompProfile } from './seccomp-profile';
import type { HostOwner } from './sandbox-disk';

/**
 * How strongly a sandbox is walled off from its host (README, "Isolation tiers").
 *  - `userns` (default): learner root is root only inside a user namespace
 *    mapped to unprivileged host ids, on Drydock's own engine (scripts/engine/).
 *  - `capability`: the earlier Docker-in-Docker with most host capabilities.
 *    Learner root is host root in all but name; only for a trusted room, and
 *    only when the operator asks for it (DRYDOCK_ISOLATION=capability).
 */
export type IsolationTier = 'userns' | 'capability';

export const HARDENED_ENGINE_SOCKET = '/run/drydock-engine/docker.sock';
const OPERATOR_ENGINE_SOCKET = '/var/run/docker.sock';

/** Where a server run with `env` puts its sandboxes: DOCKER_HOST, else its tier's engine (Drydock's own for userns). */
export function sandboxEngineHost(env: NodeJS.ProcessEnv = process.env, tier: IsolationTier = isolationTierFromEnv(env)): string {
  return env.DOCKER_HOST || `unix://${tier === 'userns' ? HARDENED_ENGINE_SOCKET : OPERATOR_ENGINE_SOCKET}`;
}

/**
 * A client of that engine, so that whoever cleans up after a server (a test
 * harness with the server's env) looks where its sandboxes are. This
 * process's own DOCKER_HOST is left to docker-modem, which also reads its TLS
 * settings; another env's must name a unix socket.
 */
export function sandboxEngine(env: NodeJS.ProcessEnv = process.env, tier: IsolationTier = isolationTierFromEnv(env)): Docker {
  const host = sandboxEngineHost(env, tier);
  if (env.DOCKER_HOST && env.DOCKER_HOST === process.env.DOCKER_HOST) return new Docker();
  if (host.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
  throw new Error(`DOCKER_HOST=${host}: only a unix:// socket can be named for another process's engine`);
}

export function isolationTierFromEnv(env: NodeJS.ProcessEnv = process.env): IsolationTier {
  const raw = (env.DRYDOCK_ISOLATION ?? 'userns').trim();
  if (raw === 'userns' || raw === 'capability') return raw;
  throw new Error(`DRYDOCK_ISOLATION must be "userns" (the default) or "capability", got "${raw}"`);
}

/**
 * Capabilities a hardened sandbox holds — inside its user namespace only,
 * where they let it run an engine (mount, namespaces, networks), not touch the
 * host. Docker's defaults plus SYS_ADMIN, NET_ADMIN and SYS_PTRACE. Nothing
 * that only means something in the host's namespace (SYS_MODULE, SYS_TIME,
 * SYSLOG, SYS_RAWIO, SYS_BOOT, DAC_READ_SEARCH…) is granted even there.
 */
export const USERNS_CAPABILITIES: readonly string[] = [
  'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP', 'NET_BIND_SERVICE',
  'NET_RAW', 'SYS_CHROOT', 'MKNOD', 'AUDIT_WRITE', 'SETFCAP', 'SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE',
];

/** Queued real-time signals a sandbox process may hold per uid (RLIMIT_SIGPENDING; a host's default is ~96000 for everyone). */
export const SIGPENDING_PER_UID = 1024;

/** The security part of a sandbox's HostConfig for a tier. */
export function securityHostConfig(tier: IsolationTier, capabilities?: string[]): Docker.HostConfig {
  if (tier === 'userns') {
    return {
      CapDrop: ['ALL'],
      CapAdd: [...USERNS_CAPABILITIES],
      SecurityOpt: [`seccomp=${JSON.stringify(sandboxSeccompProfile())}`, 'no-new-privileges:true'],
      // Docker's masked paths stay masked. /proc/sys and friends are not
      // mounted read-only, because the inner engine must set its containers'
      // network sysctls; host-wide knobs there still refuse a user namespace.
      ReadonlyPaths: [],
      // Its own cgroup tree as its root; it cannot see or name any other.
      CgroupnsMode: 'private',
      ReadonlyRootfs: true,
      // Host root created the sandbox's user namespace, so the kernel counts the real-time
      // signals queued to its processes against host root's RLIMIT_SIGPENDING as well
      // (escape suite: shared-sigpending). A low hard limit per sandbox process and uid,
      // which root in a user namespace cannot raise, keeps one sandbox from taking them all.
      Ulimits: [{ Name: 'sigpending', Soft: SIGPENDING_PER_UID, Hard: SIGPENDING_PER_UID }],
    } as Docker.HostConfig;
  }
  return {
    CapAdd: capabilities ?? hostBoundingCapabilities(),
    SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
    // API form of `--security-opt systempaths=unconfined`: inner runc must mount /proc freely.
    MaskedPaths: [],
    ReadonlyPaths: [],
    DeviceCgroupRules: ['a *:* rwm'],
  };
}

/**
 * The host ids an engine with userns-remap maps container root to, or null
 * when the engine does not remap. Its root dir is `<data-root>/<uid>.<gid>`.
 */
export async function engineUserNamespace(docker: Docker): Promise<HostOwner | null> {
  const info = (await docker.info()) as { SecurityOptions?: string[]; DockerRootDir?: string };
  if (!(info.SecurityOptions ?? []).some((o) => o === 'name=userns')) return null;
  const m = /\/(\d+)\.(\d+)$/.exec(info.DockerRootDir ?? '');
  if (!m) throw new Error(`the engine remaps user ids but its root dir "${info.DockerRootDir}" does not say to which`);
  return { uid: Number(m[1]), gid: Number(m[2]) };
}
