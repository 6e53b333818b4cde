import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * Who is asking: the address a limit or a cap is counted against.
 *
 * Forwarded headers are trusted only from proxies the operator named
 * [DRYDOCK_TRUSTED_PROXIES: comma list of addresses, or `loopback`]; from any
 * other peer, X-Forwarded-For is ignored, so a client cannot pick the address
 * it is counted as. Behind trusted proxies the client is the right-most
 * address in X-Forwarded-For that is not itself a trusted proxy (each proxy
 * appends what it saw, so anything left of that may be forged).
 */
export class ClientAddresses {
  private readonly trusted: ReadonlySet<string>;
  private readonly trustLoopback: boolean;

  constructor(trustedProxies: readonly string[] = []) {
    const list = trustedProxies.map((p) => normalise(p.trim())).filter(Boolean);
    this.trustLoopback = list.includes('loopback');
    this.trusted = new Set(list.filter((p) => p !== 'loopback'));
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env): ClientAddresses {
    const raw = env.DRYDOCK_TRUSTED_PROXIES ?? '';
    const list = raw.split(',').map((p) => p.trim()).filter(Boolean);
    for (const p of list) {
      if (p !== 'loopback' && isIP(normalise(p)) === 0) {
        throw new Error(`DRYDOCK_TRUSTED_PROXIES: "${p}" is not an IP address (nor "loopback")`);
      }
    }
    return new ClientAddresses(list);
  }

  private isTrusted(address: string): boolean {
    if (this.trusted.has(address)) return true;
    return this.trustLoopback && isLoopback(address);
  }

  /** The client's address as this server should count it. */
  of(req: IncomingMessage): string {
    const peer = normalise(req.socket.remoteAddress ?? '');
    if (!this.isTrusted(peer)) return peer || 'unknown';
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((h) => normalise(h.trim()))
      .filter((h) => isIP(h) !== 0);
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i] as string;
      if (!this.isTrusted(hop)) return hop;
    }
    return hops[0] ?? peer;
  }

  /** True when the request came through a trusted proxy that said it was HTTPS. */
  isHttps(req: IncomingMessage): boolean {
    const peer = normalise(req.socket.remoteAddress ?? '');
    return this.isTrusted(peer) && req.headers['x-forwarded-proto'] === 'https';
  }
}

/** `::ffff:1.2.3.4` and `1.2.3.4` are one client. */
function normalise(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

function isLoopback(address: string): boolean {
  return address === '::1' || /^127\./.test(address);
}
