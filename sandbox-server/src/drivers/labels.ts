/** Labels on every container and network a sandbox-server creates (reattach/reap after restarts). */
export const Label = {
  learner: 'drydock.learner',
  profile: 'drydock.profile',
  session: 'drydock.session',
  server: 'drydock.server',
  created: 'drydock.created',
  expires: 'drydock.expires',
} as const;
