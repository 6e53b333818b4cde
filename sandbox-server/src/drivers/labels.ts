/** Labels on every container and network a sandbox-server creates (reattach/reap after restarts). */
export const Label = {
  learner: 'drydock.learner',
  profile: 'drydock.profile',
  session: 'drydock.session',
  server: 'drydock.server',
  created: 'drydock.created',
  expires: 'drydock.expires',
  /** The class a class registry serves (sandbox-server/src/class-registry.ts). */
  class: 'drydock.class',
  /** What a non-sandbox container is for, e.g. 'registry' (so list() never mistakes it for a sandbox). */
  role: 'drydock.role',
} as const;
