import type { IncomingHttpHeaders } from 'node:http';

/**
 * Same-origin check for anything that changes state, on HTTP and on the
 * terminal WebSocket upgrade alike: the Origin header must name the host the
 * request was sent to, or be one of `extra` (scheme://host[:port] exactly,
 * DRYDOCK_ALLOWED_ORIGINS for the sandbox server). No Origin is a refusal:
 * every browser sends one on a cross-site POST and on a WebSocket handshake.
 *
 * The Host itself is checked against the allow-list first (site-guard.ts),
 * so a rebound name (Host = Origin = attacker.example) never gets this far.
 */
export function isAllowedOrigin(req: { headers: Pick<IncomingHttpHeaders, 'origin' | 'host'> }, extra: ReadonlySet<string> = new Set()): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  if (extra.has(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
