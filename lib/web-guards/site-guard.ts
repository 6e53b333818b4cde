import { randomBytes } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../logging/logger';
import type { AllowedHosts } from './allowed-hosts';

/**
 * Request header through which the guard hands pages this response's CSP
 * nonce (page-nonce.ts reads it; that module is for pages only, it pulls in
 * Next's request storage). Any copy the browser sends is replaced.
 */
export const NONCE_HEADER = 'x-drydock-nonce';

/** What a response that sets a cookie may be cached as: by the browser that asked, for no one else, and not stored. */
export const PRIVATE_NO_STORE = 'private, no-store';

/**
 * The Content-Security-Policy of every response, as strict as the pages allow
 * (checked in Chromium by e2e/site-headers.e2e.test.ts):
 * - script-src: this origin's files, and inline scripts only with this
 *   response's nonce (Next.js streams its page data in inline scripts and
 *   puts the nonce it finds in the request's CSP header on them; the theme
 *   script in app/layout.tsx reads it too). `next dev` also needs eval.
 * - style-src allows inline styles: xterm.js writes its own <style> elements
 *   and React renders style attributes (progress bars); neither can carry a
 *   nonce. Styles cannot run code.
 * - connect-src: fetch and Server-Sent Events to this origin, and the
 *   terminal WebSocket, named with the page's own host (already checked
 *   against the allow-list) for browsers where 'self' does not cover ws:.
 * - frame-ancestors 'none': no page can be framed (clickjacking), with
 *   X-Frame-Options for older browsers.
 */
export function contentSecurityPolicy(nonce: string, host: string | null, dev = false): string {
  const sockets = host ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The headers every response carries, whoever wrote it (a route, Next.js, an error, a redirect). */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    // A page another site opens gets no handle on our window, nor it on theirs.
    'cross-origin-opener-policy': 'same-origin',
    // Other sites cannot embed our responses (scripts, images, JSON) in theirs.
    'cross-origin-resource-policy': 'same-origin',
  };
}

/**
 * The platform's one HTTP middleware for what every response must carry and
 * which requests are answered at all:
 * - a request whose Host is not an allowed name gets 421 (400 without one)
 *   and nothing else, on HTTP and on WebSocket upgrades alike;
 * - every response gets the security headers, set as its head is written
 *   (after any route or Next.js set its own), so none can be left out;
 * - a response that sets a cookie is `Cache-Control: private, no-store`,
 *   whatever the route said: Next.js marks static pages `s-maxage=31536000`,
 *   and a shared cache would hand one learner's cookie to everyone.
 */
export function createSiteGuard(options: { hosts: AllowedHosts; log: Logger; dev?: boolean }) {
  const { hosts, log } = options;
  const reported = new Set<string>();

  function refused(req: IncomingMessage, message: string): void {
    const host = String(req.headers.host ?? '(none)').slice(0, 100);
    if (reported.size < 100 && !reported.has(host)) {
      reported.add(host); // once per name: a scanner must not flood the log
      log.warn(`refused a request for host "${host}" (allowed: ${hosts.list().join(', ')}; DRYDOCK_ALLOWED_HOSTS): ${message}`);
    }
  }

  /** Call first for every request. Returns false when it has answered (the Host was refused). */
  function request(req: IncomingMessage, res: ServerResponse): boolean {
    const verdict = hosts.check(req.headers.host);
    const nonce = randomBytes(16).toString('base64');
    const csp = contentSecurityPolicy(nonce, verdict.ok ? req.headers.host! : null, options.dev);
    enforceOnHead(res, securityHeaders(csp));
    // Next.js takes the nonce for its own scripts from the request's CSP header; pages read NONCE_HEADER.
    // Both replace anything the browser sent.
    delete req.headers['content-security-policy-report-only'];
    req.headers['content-security-policy'] = csp;
    req.headers[NONCE_HEADER] = nonce;
    if (verdict.ok) return true;
    refused(req, verdict.message);
    res.writeHead(verdict.status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', connection: 'close' }).end(`${verdict.message}\n`);
    return false;
  }

  /** Call first for every WebSocket upgrade. Returns false when it has refused the socket. */
  function upgrade(req: IncomingMessage, socket: Duplex): boolean {
    const verdict = hosts.check(req.headers.host);
    if (verdict.ok) return true;
    refused(req, verdict.message);
    socket.on('error', () => socket.destroy());
    const reason = verdict.status === 421 ? 'Misdirected Request' : 'Bad Request';
    const body = `${verdict.message}\n`;
    socket.end(`HTTP/1.1 ${verdict.status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    return false;
  }

  return { request, upgrade };
}

type WriteHead = ServerResponse['writeHead'];
type PlainWriteHead = (this: ServerResponse, statusCode: number, reason?: string) => ServerResponse;

/**
 * Makes `fixed` (and the cookie rule) the last word on the response's head.
 * Every way a head gets written goes through writeHead: an explicit call
 * (possibly with headers of its own, which Node merges over setHeader's), or
 * Node's implicit one on the first write/end (`_implicitHeader` calls
 * `this.writeHead`). So the headers passed to writeHead are applied first,
 * with Node's own merge rules, and then ours over them.
 */
export function enforceOnHead(res: ServerResponse, fixed: Record<string, string>): void {
  const original = res.writeHead as PlainWriteHead;
  const writeHead = function (this: ServerResponse, statusCode: number, ...rest: unknown[]) {
    const reason = typeof rest[0] === 'string' ? rest[0] : undefined;
    const given = (reason === undefined ? rest[0] : rest[1]) as OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined;
    if (Array.isArray(given)) {
      // Node's array form: [name, value, name, value…]; it replaces earlier values but keeps duplicates within.
      for (let i = 0; i < given.length; i += 2) this.removeHeader(String(given[i]));
      for (let i = 0; i + 1 < given.length; i += 2) this.appendHeader(String(given[i]), given[i + 1] as string | string[]);
    } else if (given) {
      for (const [name, value] of Object.entries(given)) if (value !== undefined) this.setHeader(name, value);
    }
    for (const [name, value] of Object.entries(fixed)) this.setHeader(name, value);
    const cookie = this.getHeader('set-cookie');
    if (cookie !== undefined && (!Array.isArray(cookie) || cookie.length > 0)) this.setHeader('cache-control', PRIVATE_NO_STORE);
    return reason === undefined ? original.call(this, statusCode) : original.call(this, statusCode, reason);
  };
  res.writeHead = writeHead as WriteHead;
}
