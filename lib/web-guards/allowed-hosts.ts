import { hostname, networkInterfaces } from 'node:os';

/**
 * The host names this server answers to [DRYDOCK_ALLOWED_HOSTS].
 *
 * Why: DNS rebinding. A page on attacker.example can re-point its own name at
 * this server; the browser then sends Host *and* Origin `attacker.example`,
 * so a same-origin check (Origin's host = Host) passes and the page could
 * open a terminal. Answering only to names the operator chose closes that:
 * the attacker's name is not on the list.
 *
 * Default, when the variable is unset: localhost, 127.0.0.1, [::1], the
 * machine's host name, the address HOST binds (when it is a specific one) and
 * the machine's own interface addresses. None of these can be rebound: an
 * attacker's page cannot make a browser send `Host: localhost` or an IP
 * literal, since those are names the attacker does not control (the IP
 * addresses are there so a classroom on a LAN can use http://192.168.1.10:3000).
 * Set, the list replaces the default. Names compare case-insensitively,
 * without a trailing dot; the port is not part of the match.
 */
export class AllowedHosts {
  private readonly names: ReadonlySet<string>;

  constructor(names: Iterable<string>) {
    this.names = new Set([...names].map(canonicalName).filter((n): n is string => n !== null));
  }

  static fromEnv(env: Readonly<Record<string, string | undefined>>, bindHost: string): AllowedHosts {
    const raw = env.DRYDOCK_ALLOWED_HOSTS?.trim();
    if (!raw) return new AllowedHosts(defaultHostNames(bindHost));
    const names = raw.split(',').map((n) => n.trim()).filter(Boolean);
    for (const name of names) {
      if (canonicalName(name) === null) {
        throw new Error(`DRYDOCK_ALLOWED_HOSTS: "${name}" is not a host name (write names or addresses without scheme or port, e.g. drydock.example.org,localhost)`);
      }
    }
    return new AllowedHosts(names);
  }

  /** The listed names (for the server log). */
  list(): string[] {
    return [...this.names];
  }

  /** Judges a request's Host header: allowed, missing or malformed, or a name not on the list. */
  check(hostHeader: string | undefined): { ok: true } | { ok: false; status: 400 | 421; message: string } {
    if (!hostHeader) return { ok: false, status: 400, message: 'Bad Request: the request has no Host header' };
    const name = nameOfHostHeader(hostHeader);
    if (name === null) return { ok: false, status: 400, message: 'Bad Request: the Host header is malformed' };
    if (this.names.has(name)) return { ok: true };
    return {
      ok: false,
      status: 421,
      message: `Misdirected Request: this Drydock server does not answer to the host name "${name.slice(0, 100)}". If it is yours, add the name to DRYDOCK_ALLOWED_HOSTS on the server.`,
    };
  }
}

// A DNS name or IPv4 address, or a bracketed IPv6 address; then an optional port.
const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[a-z0-9_](?:[a-z0-9_.-]{0,252}))(?::(\d{1,5}))?$/i;

/** The host name of a Host header (lower case, no trailing dot), or null when it is not a plain host[:port]. */
export function nameOfHostHeader(header: string): string | null {
  const match = HOST_HEADER.exec(header.trim());
  if (!match) return null;
  return canonicalName(match[1]!);
}

function canonicalName(name: string): string | null {
  let n = name.trim().toLowerCase();
  if (n.includes(':') && !n.startsWith('[')) n = `[${n}]`; // a bare IPv6 address, as HOST or os.networkInterfaces() write it
  if (n.endsWith('.')) n = n.slice(0, -1);
  return /^(\[[0-9a-f:.]+\]|[a-z0-9_][a-z0-9_.-]*)$/.test(n) && n.length <= 253 ? n : null;
}

function defaultHostNames(bindHost: string): string[] {
  const names = ['localhost', '127.0.0.1', '[::1]', hostname()];
  if (bindHost && bindHost !== '0.0.0.0' && bindHost !== '::') names.push(bindHost);
  for (const addresses of Object.values(networkInterfaces())) {
    // Link-local IPv6 addresses are left out: in a URL they need a zone (%eth0), which browsers do not send.
    for (const a of addresses ?? []) if (!/^fe[89ab]/i.test(a.address)) names.push(a.address);
  }
  return names;
}
