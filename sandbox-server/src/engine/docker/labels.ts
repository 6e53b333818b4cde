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
} as const;

/**
 * Labels cannot change after a container is created, but its name can: a
 * sandbox's mutable facts live in its name, so they survive a server restart
 * with no second record to keep in step and vanish with the container.
 *   drydock-sb-<session>                     as created
 *   drydock-sb-<session>.<learner>           a warm sandbox claimed by <learner>
 *   drydock-sb-<session>.<learner>.<expiry>  …whose lifetime was extended (expiry: ms, base 36)
 */
export interface NameRecord {
  learnerId?: string;
  expiresAt?: number;
}

export function sandboxName(sessionId: string, record: NameRecord = {}): string {
  const base = `drydock-sb-${sessionId}`;
  if (!record.learnerId) return base;
  return record.expiresAt ? `${base}.${record.learnerId}.${record.expiresAt.toString(36)}` : `${base}.${record.learnerId}`;
}

export function parseSandboxName(name: string): NameRecord {
  const [, learnerId, expiry] = name.replace(/^\//, '').split('.');
  const expiresAt = expiry ? parseInt(expiry, 36) : undefined;
  return { learnerId: learnerId || undefined, expiresAt: expiresAt && Number.isFinite(expiresAt) ? expiresAt : undefined };
}
