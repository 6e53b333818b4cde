/**
 * Where previews are served: one host name per preview, under a domain of
 * their own, so that a preview is its own origin and shares no cookie and no
 * storage with the platform's pages (README: "Web preview").
 *
 * [DRYDOCK_PREVIEW_ORIGIN] a pattern with one `*`, e.g.
 * `https://*.preview.drydock.example.org`. Production should use a domain
 * that is not under the platform's own registrable domain (a different
 * "site"), so that not even a cookie set for a parent domain can travel
 * between them. The wildcard DNS name and its certificate must point at this
 * server.
 *
 * Unset: `http://*.preview.localhost:<the platform's port>`, which browsers
 * resolve to this machine by themselves (RFC 6761), so previews work with no
 * set-up for a learner on the platform's own machine. A learner who reaches
 * the platform by another name (a classroom LAN address) gets a clear "not
 * set up" instead: *.preview.localhost would name their own machine.
 */
export interface PreviewOrigins {
  /** The preview's base URL (no trailing slash) for a request that reached the platform at `platformHost`, or null when previews cannot be offered there. */
  urlFor(label: string, platformHost: string): string | null;
  /** The label of a request's Host when it names a preview, else null (the request is the platform's). */
  labelOf(host: string | undefined): string | null;
  /** Whether preview hosts are https (their cookie is then Secure). */
  secureFor(host: string): boolean;
  /** What an operator reads in the log at start. */
  describe(): string;
}

const LABEL = '([0-9a-f]{32})';
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Splits a Host header into lowercase name and port ('' when absent). */
function splitHost(host: string): { name: string; port: string } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(host.trim().toLowerCase());
  return match ? { name: match[1] ?? '', port: match[2] ?? '' } : { name: '', port: '' };
}

export function previewOriginsFromEnv(env: Readonly<Record<string, string | undefined>>): PreviewOrigins {
  const configured = env.DRYDOCK_PREVIEW_ORIGIN?.trim();
  if (!configured) return loopbackOrigins();
  const match = /^(https?):\/\/\*\.([a-z0-9.-]+?)(?::(\d{1,5}))?\/?$/i.exec(configured);
  if (!match) throw new Error(`DRYDOCK_PREVIEW_ORIGIN must look like https://*.preview.example.org[:port]; got "${configured}"`);
  const [, scheme = 'https', domain = '', port = ''] = match;
  const suffix = port ? `:${port}` : '';
  const hostPattern = new RegExp(`^${LABEL}\\.${domain.toLowerCase().replace(/\./g, '\\.')}$`);
  return {
    urlFor: (label) => `${scheme.toLowerCase()}://${label}.${domain.toLowerCase()}${suffix}`,
    labelOf: (host) => (host ? (hostPattern.exec(splitHost(host).name)?.[1] ?? null) : null),
    secureFor: () => scheme.toLowerCase() === 'https',
    describe: () => `web previews at ${configured} (DRYDOCK_PREVIEW_ORIGIN)`,
  };
}

function loopbackOrigins(): PreviewOrigins {
  const hostPattern = new RegExp(`^${LABEL}\\.preview\\.localhost$`);
  return {
    urlFor(label, platformHost) {
      const { name, port } = splitHost(platformHost);
      if (!LOOPBACK_NAMES.has(name)) return null;
      return `http://${label}.preview.localhost${port ? `:${port}` : ''}`;
    },
    labelOf: (host) => (host ? (hostPattern.exec(splitHost(host).name)?.[1] ?? null) : null),
    secureFor: () => false,
    describe: () => 'web previews at http://*.preview.localhost:<port> for browsers on this machine only (set DRYDOCK_PREVIEW_ORIGIN for others)',
  };
}
