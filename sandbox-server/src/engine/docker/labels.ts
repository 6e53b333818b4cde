/** Labels on every container and network a sandbox-server creates (reattach/reap after restarts). */
export const Label = {
  learner: 'drydock.learner',
  profile: 'drydock.profile',
  session: 'drydock.session',
  server: 'drydock.server',
  created: 'drydock.created',
  expires: 'drydock.expires',
  /** The class a class registry serves (sandbox-server/src/registry/class-registry.ts). */
  class: 'drydock.class',
  /** The warm pool a sandbox was started for, before any learner claimed it (usually the class id). */
  pool: 'drydock.pool',
  /** What a non-sandbox container is for, e.g. 'registry' (so list() never mistakes it for a sandbox). */
  role: 'drydock.role',
  /** The lab a machine belongs to, on the machine and on the lab's network (lab-network.ts). */
  lab: 'drydock.lab',
  /** A lab machine's hostname (its alias on the lab network). */
  machine: 'drydock.machine',
  /** On the short-lived containers that read an image's own files (image-files.ts). */
  imageProbe: 'drydock.image-probe',
} as const;

/** Label drydock.role on everything a class registry creates. */
export const REGISTRY_ROLE = 'registry';

/**
 * Every container, network, volume and disk of a sandbox is named
 * drydock-sb-…, and nothing else is: how remove() and the orphan sweep tell a
 * sandbox's things from a class's.
 */
export const SANDBOX_PREFIX = 'drydock-sb-';

/** Names of everything a class registry creates (a class id is lowercase letters, digits, `-`, `_`, `.`). */
export function classRegistryNames(classId: string) {
  const base = `drydock-class-${classId}`;
  return {
    network: base,
    mirror: `${base}-mirror`,
    registry: `${base}-registry`,
    seeder: `${base}-seed`,
    source: `${base}-source`,
    mirrorVolume: `${base}-mirror`,
    registryVolume: `${base}-registry`,
  };
}

/** A container that reads an image's files once and goes (image-files.ts). */
export const imageProbeName = (random: string): string => `drydock-image-probe-${random}`;

/**
 * Labels cannot change after a container is created, but its name can: a
 * sandbox's mutable facts live in its name, so they survive a server restart
 * with no second record to keep in step and vanish with the container.
 *   drydock-sb-<session>                     as created
 *   drydock-sb-<session>.<learner>           a warm sandbox claimed by <learner>
 *   drydock-sb-<session>.<learner>.<expiry>  …whose lifetime was extended (expiry: ms, base 36)
 *   drydock-sb-<session>.<learner>.<expiry>.<environment>  …claimed for an environment other than
 *                                            the one it was made for (a warm sandbox made for the profile,
 *                                            claimed for a lesson's environment); expiry may be empty
 * A name allows only [a-zA-Z0-9_.-], so the environment (protocol/environment.ts)
 * is written with `_` for its `:` and `@`: dind_networking, dind_swarm_2.
 */
export interface NameRecord {
  learnerId?: string;
  expiresAt?: number;
  environment?: string;
}

export function sandboxName(sessionId: string, record: NameRecord = {}): string {
  const base = `${SANDBOX_PREFIX}${sessionId}`;
  if (!record.learnerId) return base;
  const expiry = record.expiresAt ? record.expiresAt.toString(36) : '';
  if (record.environment) return `${base}.${record.learnerId}.${expiry}.${record.environment.replace(/[:@]/g, '_')}`;
  return expiry ? `${base}.${record.learnerId}.${expiry}` : `${base}.${record.learnerId}`;
}

export function parseSandboxName(name: string): NameRecord {
  const [, learnerId, expiry, environment] = name.replace(/^\//, '').split('.');
  const expiresAt = expiry ? parseInt(expiry, 36) : undefined;
  return {
    learnerId: learnerId || undefined,
    expiresAt: expiresAt && Number.isFinite(expiresAt) ? expiresAt : undefined,
    environment: environment ? environmentFromName(environment) : undefined,
  };
}

/** dind_networking → dind:networking, dind_swarm_2 → dind:swarm@2 (see sandboxName). */
function environmentFromName(written: string): string {
  const [profile, name, machine] = written.split('_');
  if (!name) return profile ?? '';
  return machine ? `${profile}:${name}@${machine}` : `${profile}:${name}`;
}
