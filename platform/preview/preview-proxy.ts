import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../lib/logging/logger';
import type { ClientAddresses } from '../../lib/web-guards/client-address';
import { RateLimiter } from '../../lib/web-guards/rate-limiter';
import { EngineUnavailableError, SandboxNotFoundError } from '../../sandbox-server/src/engine/errors';
import { COOKIE_LIFETIME_MS, previewLabel, signPass, TICKET_LIFETIME_MS, verifyPass, type PreviewPass } from './preview-pass';
import type { PreviewOrigins } from './preview-origin';

/** The preview host's own cookie: the pass its ticket was traded for. */
export const PREVIEW_COOKIE = 'drydock_preview';
/** Where a ticket is traded for the cookie, on the preview host. Learner servers never see this path. */
export const PREVIEW_ENTRY_PATH = '/.drydock-preview/enter';

/** How the preview reaches sandboxes (platform.ts wires it to the sandbox service). */
export interface PreviewSandboxes {
  /** The learner's current sandbox for the profile, or undefined. */
  sandboxIdOf(learnerId: string, profile: string): string | undefined;
  /** A byte connection to 127.0.0.1:port inside the sandbox (SandboxDriver.openPort). */
  openPort(sandboxId: string, port: number): Promise<Duplex>;
}

export interface PreviewProxyOptions {
  secret: Buffer;
  origins: PreviewOrigins;
  sandboxes: PreviewSandboxes;
  clients: ClientAddresses;
  log: Logger;
  /** How long the learner's server may take to start its answer. default 30 s */
  answerTimeoutMs?: number;
  /** Connections one preview may hold open at once (each is an exec in the sandbox). default 12 */
  connectionsPerPreview?: number;
}

/** Hop-by-hop headers (RFC 9110 7.6.1): a proxy never forwards them. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * The web preview: requests to a preview host (preview-origin.ts) carried to
 * one port of one learner's sandbox, HTTP and WebSocket alike, over the
 * Docker API (SandboxDriver.openPort). It serves nothing of the platform:
 * platform.ts hands it every request whose Host names a preview, before the
 * platform's own guard and router, so no page, route or cookie of the
 * platform is reachable on a preview host.
 *
 * Who may look: whoever holds this host's cookie, which only a ticket from
 * the platform gives (the sandbox's learner, or an instructor of their
 * class; preview-pass.ts). The cookie is checked on every request, and so is
 * the sandbox: a preview of a sandbox that has been replaced is gone.
 */
export class PreviewProxy {
  private readonly answerTimeoutMs: number;
  private readonly connectionsPerPreview: number;
  /** Each request is an exec in the sandbox: a page's burst, then ten a second, per preview. */
  private readonly requests = new RateLimiter(60, 10);
  private readonly open = new Map<string, number>();

  constructor(private readonly options: PreviewProxyOptions) {
    this.answerTimeoutMs = options.answerTimeoutMs ?? 30_000;
    this.connectionsPerPreview = options.connectionsPerPreview ?? 12;
  }

  /** Whether this request is for a preview host (then request() or upgrade() must answer it). */
  handles(req: IncomingMessage): boolean {
    return this.options.origins.labelOf(req.headers.host) !== null;
  }

  /** Whether previews can be offered to a browser that reached the platform at `platformHost`. */
  offeredAt(platformHost: string): boolean {
    return this.options.origins.urlFor('0'.repeat(32), platformHost) !== null;
  }

  /**
   * The URL that opens the preview of `port` of this sandbox for whoever the
   * platform has let ask (a ticket inside), or null when previews are not
   * offered to a browser that reached the platform at `platformHost`.
   */
  entryUrl(target: { sandboxId: string; learnerId: string; profile: string; port: number }, platformHost: string, now = Date.now()): string | null {
    const label = previewLabel(this.options.secret, target.sandboxId, target.port);
    const base = this.options.origins.urlFor(label, platformHost);
    if (!base) return null;
    const ticket = signPass(this.options.secret, 'ticket', { label, learnerId: target.learnerId, profile: target.profile, port: target.port, expiresAt: now + TICKET_LIFETIME_MS });
    return `${base}${PREVIEW_ENTRY_PATH}?ticket=${encodeURIComponent(ticket)}`;
  }

  request(req: IncomingMessage, res: ServerResponse): void {
    this.serve(req, res).catch((error: Error) => {
      const known = knownFailure(error);
      if (!known) this.options.log.error(`preview ${req.method} ${req.url}: ${error.stack ?? error.message}`);
      if (res.headersSent) return void res.destroy();
      if (known) page(res, known.status, known.title, known.text);
      else page(res, 500, 'Preview failed', 'The preview failed on the server; the server log has the details.');
    });
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.serveUpgrade(req, socket, head).catch((error: Error) => {
      const known = knownFailure(error);
      if (known) return rawRefusal(socket, known.status, known.text);
      this.options.log.error(`preview upgrade ${req.url}: ${error.stack ?? error.message}`);
      socket.destroy();
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const label = this.options.origins.labelOf(req.headers.host) ?? '';
    const url = new URL(req.url ?? '/', 'http://preview');
    if (url.pathname === PREVIEW_ENTRY_PATH) return this.enter(req, res, label, url.searchParams.get('ticket') ?? undefined);

    const access = this.authorize(req, label);
    if ('refusal' in access) return page(res, access.refusal.status, access.refusal.title, access.refusal.text);
    const { pass, sandboxId } = access;
    const busy = this.admit(label);
    if (busy) return page(res, busy.status, busy.title, busy.text);
    let released = false;
    const release = () => {
      if (!released) this.release(label);
      released = true;
    };
    res.once('close', release);

    const connection = await this.options.sandboxes.openPort(sandboxId, pass.port);
    res.once('close', () => connection.destroy());
    const upstream = httpRequest({
      method: req.method,
      path: req.url,
      headers: this.upstreamHeaders(req),
      createConnection: () => connection as never,
      timeout: this.answerTimeoutMs,
      // A learner's server may be sloppy (busybox httpd's CGI ends header lines with LF alone), and browsers take that.
      // Node's strict parser guards a connection shared between clients against request smuggling; this one carries
      // one request of one viewer to one sandbox and is closed after it, so leniency risks nothing.
      insecureHTTPParser: true,
    });
    upstream.once('timeout', () => upstream.destroy(new Error('no answer in time')));
    upstream.once('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, this.downstreamHeaders(answer.headers));
      answer.pipe(res);
    });
    upstream.once('error', (error: NodeJS.ErrnoException) => {
      if (res.headersSent) return void res.destroy();
      if (error.code?.startsWith('HPE_')) return page(res, 502, `Port ${pass.port} does not speak HTTP`, `The server on port ${pass.port} in your sandbox answered with something that is not HTTP (${error.message}).`);
      page(res, 502, `Nothing answers on port ${pass.port}`, nothingAnswers(pass.port, error.message, relayErrorOf(connection)));
    });
    req.pipe(upstream);
  }

  private async serveUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const label = this.options.origins.labelOf(req.headers.host) ?? '';
    const access = this.authorize(req, label);
    if ('refusal' in access) return rawRefusal(socket, access.refusal.status, access.refusal.text);
    const busy = this.admit(label);
    if (busy) return rawRefusal(socket, busy.status, busy.text);
    socket.once('close', () => this.release(label));

    const connection = await this.options.sandboxes.openPort(access.sandboxId, access.pass.port);
    socket.once('close', () => connection.destroy());
    const headers = this.upstreamHeaders(req);
    // An upgrade keeps its Connection and Upgrade headers (they are the request).
    headers.connection = 'Upgrade';
    if (req.headers.upgrade) headers.upgrade = req.headers.upgrade;
    const upstream = httpRequest({ method: req.method, path: req.url, headers, createConnection: () => connection as never, timeout: this.answerTimeoutMs, insecureHTTPParser: true });
    upstream.once('timeout', () => upstream.destroy(new Error('no answer in time')));
    upstream.once('upgrade', (answer, upstreamSocket, upstreamHead) => {
      upstream.setTimeout(0);
      socket.write(`HTTP/1.1 101 ${answer.statusMessage ?? 'Switching Protocols'}\r\n${headerLines(answer.rawHeaders)}\r\n`);
      if (upstreamHead.length > 0) socket.write(upstreamHead);
      if (head.length > 0) upstreamSocket.write(head);
      upstreamSocket.pipe(socket).pipe(upstreamSocket);
      upstreamSocket.once('close', () => socket.destroy());
      socket.once('close', () => upstreamSocket.destroy());
      upstreamSocket.once('error', () => socket.destroy());
      socket.once('error', () => upstreamSocket.destroy());
    });
    upstream.once('response', (answer) => {
      // The server refused the upgrade: its answer goes back as it is, then the connection ends.
      socket.write(`HTTP/1.1 ${answer.statusCode ?? 502} ${answer.statusMessage ?? ''}\r\n${headerLines(withoutHopByHop(answer.rawHeaders))}connection: close\r\n\r\n`);
      answer.pipe(socket);
    });
    upstream.once('error', (error) => rawRefusal(socket, 502, nothingAnswers(access.pass.port, error.message, relayErrorOf(connection))));
    upstream.end();
  }

  /** Trades a ticket from the platform for this preview host's cookie. */
  private enter(req: IncomingMessage, res: ServerResponse, label: string, ticket: string | undefined): void {
    const pass = verifyPass(this.options.secret, 'ticket', ticket);
    if (!pass || pass.label !== label) {
      return page(res, 403, 'This link has expired', 'Preview links work for one minute. Open the preview again from the lesson page (Web preview).');
    }
    const cookie = signPass(this.options.secret, 'cookie', { ...pass, expiresAt: Date.now() + COOKIE_LIFETIME_MS });
    const secure = this.options.origins.secureFor(req.headers.host ?? '') ? '; Secure' : '';
    res.writeHead(303, {
      location: '/',
      'set-cookie': `${PREVIEW_COOKIE}=${cookie}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${COOKIE_LIFETIME_MS / 1000}${secure}`,
      // The ticket is in this URL: never send it on as a Referer.
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    res.end();
  }

  /** The pass of this request and the sandbox it names, or why it is refused. */
  private authorize(req: IncomingMessage, label: string): { pass: PreviewPass; sandboxId: string } | { refusal: { status: number; title: string; text: string } } {
    // A page may have set a cookie of the same name for a wider domain; any one valid pass for this host will do.
    const pass = cookieValues(req.headers.cookie, PREVIEW_COOKIE)
      .map((value) => verifyPass(this.options.secret, 'cookie', value))
      .find((p): p is PreviewPass => p !== null && p.label === label);
    if (!pass) {
      return { refusal: { status: 403, title: 'Open this preview from the lesson', text: 'A web preview opens only for the learner whose sandbox it shows, and for their instructor. Open it from the lesson page (Web preview).' } };
    }
    const sandboxId = this.options.sandboxes.sandboxIdOf(pass.learnerId, pass.profile);
    if (!sandboxId || previewLabel(this.options.secret, sandboxId, pass.port) !== label) {
      return { refusal: { status: 410, title: 'This sandbox has ended', text: 'The sandbox this preview showed is gone (reset, or expired). Open the preview again from the lesson page.' } };
    }
    return { pass, sandboxId };
  }

  /** Counts a connection of this preview in, or says why not. */
  private admit(label: string): { status: number; title: string; text: string } | null {
    const wait = this.requests.take(label);
    if (wait > 0) return { status: 429, title: 'Too many requests', text: `This preview is asked too often; try again in ${wait} s.` };
    const open = this.open.get(label) ?? 0;
    if (open >= this.connectionsPerPreview) return { status: 503, title: 'Too many connections', text: `This preview already has ${open} connections open; close some tabs and reload.` };
    this.open.set(label, open + 1);
    return null;
  }

  private release(label: string): void {
    const open = (this.open.get(label) ?? 1) - 1;
    if (open > 0) this.open.set(label, open);
    else this.open.delete(label);
  }

  private upstreamHeaders(req: IncomingMessage): Record<string, string | string[]> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name)) continue;
      headers[name] = value;
    }
    // The preview's own cookie stays here: the learner's server never sees it.
    const cookies = withoutCookie(req.headers.cookie, PREVIEW_COOKIE);
    if (cookies) headers.cookie = cookies;
    else delete headers.cookie;
    if (req.headers['transfer-encoding']) headers['transfer-encoding'] = req.headers['transfer-encoding'];
    headers.connection = 'close';
    headers['x-forwarded-for'] = this.options.clients.of(req);
    headers['x-forwarded-host'] = req.headers.host ?? '';
    headers['x-forwarded-proto'] = this.options.origins.secureFor(req.headers.host ?? '') ? 'https' : 'http';
    return headers;
  }

  private downstreamHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined || HOP_BY_HOP.has(name)) continue;
      out[name] = value;
    }
    const cookies = acceptableSetCookies(headers['set-cookie']);
    if (cookies.length > 0) out['set-cookie'] = cookies;
    else delete out['set-cookie'];
    out['x-robots-tag'] = 'noindex';
    return out;
  }
}

/**
 * The learner's server may set cookies for its own host only: one with a
 * Domain attribute could reach other previews or, on a shared parent
 * domain, the platform; one named like the preview's own would shadow it.
 */
export function acceptableSetCookies(values: string[] | undefined): string[] {
  return (values ?? []).filter((value) => {
    const [pair = '', ...attributes] = value.split(';');
    const name = pair.slice(0, pair.indexOf('=')).trim();
    if (name === PREVIEW_COOKIE) return false;
    return !attributes.some((a) => /^\s*domain\s*=/i.test(a));
  });
}

/**
 * Every value the Cookie header gives this name: a browser may send several
 * (a page can set one for a wider domain), where the platform's readCookie
 * keeps one. A pass has no character that needs percent-decoding.
 */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  return header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${name}=`))
    .map((part) => part.slice(name.length + 1));
}

/** The Cookie header without any cookie of this name; '' when nothing is left. */
export function withoutCookie(header: string | undefined, name: string): string {
  if (!header) return '';
  return header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '' && !part.startsWith(`${name}=`))
    .join('; ');
}

/** Failures of the engine seam a visitor is told about plainly (the sandbox went, the engine is away), not logged as bugs. */
function knownFailure(error: Error): { status: number; title: string; text: string } | null {
  if (error instanceof SandboxNotFoundError) return { status: 410, title: 'This sandbox has ended', text: 'The sandbox this preview showed is gone. Open the preview again from the lesson page.' };
  if (error instanceof EngineUnavailableError) return { status: 503, title: 'The Docker engine is not answering', text: 'The sandboxes’ Docker engine is not answering just now; try again in a minute, or tell your instructor.' };
  return null;
}

function relayErrorOf(connection: Duplex): string {
  return (connection as Duplex & { relayError?: string }).relayError ?? '';
}

function nothingAnswers(port: number, error: string, relay: string): string {
  const why = relay || error;
  return `Nothing in your sandbox answered on port ${port} (${why}). Start your server there, e.g. docker run -d -p ${port}:80 nginx, or python3 -m http.server ${port}, then reload this page.`;
}

/** Raw header pairs ([name, value, name, value…]) without the hop-by-hop ones. */
function withoutHopByHop(raw: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) kept.push(raw[i]!, raw[i + 1]!);
  return kept;
}

function headerLines(raw: string[]): string {
  let lines = '';
  for (let i = 0; i + 1 < raw.length; i += 2) lines += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return lines;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A small page of the preview's own (no script, no outside resource). */
function page(res: ServerResponse, status: number, title: string, text: string): void {
  const body = `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title><body style="font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#0f172a"><h1 style="font-size:1.25rem">${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p><p style="color:#475569;font-size:.875rem">Drydock web preview</p></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

function rawRefusal(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  socket.destroy();
}
