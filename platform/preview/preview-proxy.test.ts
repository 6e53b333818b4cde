import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { silentLogger } from '../../lib/logging/logger';
import { ClientAddresses } from '../../lib/web-guards/client-address';
import { previewLabel, signPass } from './preview-pass';
import { previewOriginsFromEnv } from './preview-origin';
import { EngineUnavailableError } from '../../sandbox-server/src/engine/errors';
import { acceptableSetCookies, PREVIEW_COOKIE, PreviewProxy, withoutCookie } from './preview-proxy';

const secret = Buffer.alloc(32, 7);
const LEARNER = 'learner-aaaaaaaaaaaaaaaa';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request to the test's front server, with the Host header a browser would send for `host`. */
function ask(port: number, host: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The preview proxy in front of a learner's "server" (a plain HTTP server here, reached as the fake sandbox's port 9090). */
describe('PreviewProxy', () => {
  let learnerServer: Server;
  let front: Server;
  let frontPort = 0;
  let sandboxId = 'sandbox-one';
  const seen: IncomingHttpHeaders[] = [];
  let proxy: PreviewProxy;
  const wss = new WebSocketServer({ noServer: true });

  before(async () => {
    learnerServer = createServer((req, res) => {
      seen.push(req.headers);
      res.setHeader('set-cookie', ['mine=1; Path=/', 'wide=1; Domain=localhost; Path=/', `${PREVIEW_COOKIE}=forged; Path=/`]);
      res.end(`hello from the sandbox ${req.url}`);
    });
    learnerServer.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (m) => ws.send(`echo:${String(m)}`))));
    await new Promise<void>((r) => learnerServer.listen(0, '127.0.0.1', r));
    const learnerPort = (learnerServer.address() as AddressInfo).port;
    proxy = new PreviewProxy({
      secret,
      origins: previewOriginsFromEnv({}),
      clients: new ClientAddresses(),
      log: silentLogger,
      sandboxes: {
        sandboxIdOf: (learnerId) => (learnerId === LEARNER ? sandboxId : undefined),
        openPort: async (_id, port) => {
          await Promise.resolve();
          if (port === 7001) throw new EngineUnavailableError('Docker Engine is not reachable (ECONNREFUSED)');
          // 9090 is the learner's server; anything else: nobody listens (the relay ends at once).
          return connect(port === 9090 ? learnerPort : 1, '127.0.0.1');
        },
      },
    });
    front = createServer((req, res) => (proxy.handles(req) ? proxy.request(req, res) : res.writeHead(418).end('platform')));
    front.on('upgrade', (req, socket, head) => (proxy.handles(req) ? proxy.upgrade(req, socket, head) : socket.destroy()));
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    frontPort = (front.address() as AddressInfo).port;
  });
  after(async () => {
    wss.close();
    front.closeAllConnections();
    learnerServer.closeAllConnections();
    await new Promise((r) => front.close(r));
    await new Promise((r) => learnerServer.close(r));
  });

  /** Opens the preview of a port as the platform would, and returns the preview host and its cookie. */
  async function enter(port = 9090): Promise<{ host: string; cookie: string }> {
    const url = new URL(proxy.entryUrl({ sandboxId, learnerId: LEARNER, profile: 'dind', port }, `localhost:${frontPort}`) ?? '');
    const entry = await ask(frontPort, url.host, url.pathname + url.search);
    assert.equal(entry.status, 303);
    assert.equal(entry.headers.location, '/');
    assert.equal(entry.headers['referrer-policy'], 'no-referrer');
    const setCookie = entry.headers['set-cookie']?.[0] ?? '';
    assert.match(setCookie, new RegExp(`^${PREVIEW_COOKIE}=[^;]+; Path=/; HttpOnly; SameSite=Lax`));
    assert.doesNotMatch(setCookie, /Domain=/i, 'host-only');
    return { host: url.host, cookie: setCookie.split(';')[0] ?? '' };
  }

  test('a preview opens only through a ticket, and its host serves the learner’s server and nothing of the platform', async () => {
    const { host, cookie } = await enter();
    assert.match(host, /^[0-9a-f]{32}\.preview\.localhost:\d+$/);
    // Without the cookie: refused, and no connection into the sandbox is made.
    const stranger = await ask(frontPort, host, '/');
    assert.equal(stranger.status, 403);
    assert.match(stranger.body, /Open this preview from the lesson/);
    const page = await ask(frontPort, host, '/some/page?x=1', { cookie: `${cookie}; theirs=2` });
    assert.equal(page.status, 200);
    assert.equal(page.body, 'hello from the sandbox /some/page?x=1');
    const upstream = seen.at(-1) ?? {};
    assert.equal(upstream.cookie, 'theirs=2', 'the preview’s own cookie never reaches the learner’s server');
    assert.equal(upstream.host, host, 'the server sees the host the browser asked for (its own redirects then stay on the preview)');
    assert.equal(upstream['x-forwarded-for'], '127.0.0.1');
    assert.deepEqual(page.headers['set-cookie'], ['mine=1; Path=/'], 'cookies for a wider domain, or named like the preview’s, are dropped');
    // The platform's own pages are not served on a preview host, whatever the path.
    assert.equal((await ask(frontPort, host, '/api/progress', { cookie })).body, 'hello from the sandbox /api/progress');
    assert.equal((await ask(frontPort, `localhost:${frontPort}`, '/')).status, 418, 'a platform host is not the preview’s');
  });

  test('a ticket is refused when forged, expired, or used at another preview’s host', async () => {
    const label = previewLabel(secret, sandboxId, 9090);
    const host = `${label}.preview.localhost:${frontPort}`;
    const expired = signPass(secret, 'ticket', { label, learnerId: LEARNER, profile: 'dind', port: 9090, expiresAt: Date.now() - 1 });
    assert.equal((await ask(frontPort, host, `/.drydock-preview/enter?ticket=${expired}`)).status, 403);
    const forged = signPass(Buffer.alloc(32, 8), 'ticket', { label, learnerId: LEARNER, profile: 'dind', port: 9090, expiresAt: Date.now() + 60_000 });
    assert.equal((await ask(frontPort, host, `/.drydock-preview/enter?ticket=${forged}`)).status, 403);
    const otherPort = new URL(proxy.entryUrl({ sandboxId, learnerId: LEARNER, profile: 'dind', port: 8080 }, `localhost:${frontPort}`) ?? '');
    assert.equal((await ask(frontPort, host, otherPort.pathname + otherPort.search)).status, 403, 'a ticket opens only its own host');
    // A cookie is not a ticket, and a ticket is not a cookie.
    const cookieAsTicket = signPass(secret, 'cookie', { label, learnerId: LEARNER, profile: 'dind', port: 9090, expiresAt: Date.now() + 60_000 });
    assert.equal((await ask(frontPort, host, `/.drydock-preview/enter?ticket=${cookieAsTicket}`)).status, 403);
    const ticketAsCookie = signPass(secret, 'ticket', { label, learnerId: LEARNER, profile: 'dind', port: 9090, expiresAt: Date.now() + 60_000 });
    assert.equal((await ask(frontPort, host, '/', { cookie: `${PREVIEW_COOKIE}=${ticketAsCookie}` })).status, 403);
  });

  test('a cookie of another preview opens nothing here, and a replaced sandbox’s preview is gone', async () => {
    const a = await enter(9090);
    const b = await enter(8080);
    assert.equal((await ask(frontPort, b.host, '/', { cookie: a.cookie })).status, 403);
    // A shadowing cookie set for a wider domain does not hide the right one.
    assert.equal((await ask(frontPort, a.host, '/', { cookie: `${PREVIEW_COOKIE}=junk; ${a.cookie}` })).status, 200);
    sandboxId = 'sandbox-two';
    try {
      const gone = await ask(frontPort, a.host, '/', { cookie: a.cookie });
      assert.equal(gone.status, 410);
      assert.match(gone.body, /sandbox this preview showed is gone/);
    } finally {
      sandboxId = 'sandbox-one';
    }
  });

  test('nothing listening on the port is a 502 that says what to do', async () => {
    const { host, cookie } = await enter(8080);
    const answer = await ask(frontPort, host, '/', { cookie });
    assert.equal(answer.status, 502);
    assert.match(answer.body, /Nothing in your sandbox answered on port 8080/);
  });

  test('an engine that is away is a 503 that says so, not a server error', async () => {
    const { host, cookie } = await enter(7001);
    const answer = await ask(frontPort, host, '/', { cookie });
    assert.equal(answer.status, 503);
    assert.match(answer.body, /Docker engine is not answering/);
  });

  test('a WebSocket goes through to the learner’s server, and not without the cookie', async () => {
    const { host, cookie } = await enter();
    const url = `ws://127.0.0.1:${frontPort}/live`;
    const refused = new WebSocket(url, { headers: { host } });
    const status = await new Promise<number>((resolve) => refused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    assert.equal(status, 403);
    const ws = new WebSocket(url, { headers: { host, cookie } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send('ping');
    const reply = await new Promise<string>((resolve) => ws.once('message', (m) => resolve(String(m))));
    assert.equal(reply, 'echo:ping');
    ws.close();
  });
});

describe('preview cookie filters', () => {
  test('Set-Cookie with a Domain attribute, or named like the preview’s, is dropped', () => {
    assert.deepEqual(acceptableSetCookies(['a=1', 'b=2; domain=.example.org', 'c=3; Path=/; DOMAIN = x', `${PREVIEW_COOKIE}=x`, 'domainname=4; Path=/']), ['a=1', 'domainname=4; Path=/']);
  });
  test('the preview cookie is taken out of what the learner’s server sees', () => {
    assert.equal(withoutCookie(`a=1; ${PREVIEW_COOKIE}=x; b=2`, PREVIEW_COOKIE), 'a=1; b=2');
    assert.equal(withoutCookie(`${PREVIEW_COOKIE}=x`, PREVIEW_COOKIE), '');
  });
});

describe('previewOriginsFromEnv', () => {
  const label = 'a'.repeat(32);
  test('the default serves *.preview.localhost on the platform’s port, to loopback browsers only', () => {
    const origins = previewOriginsFromEnv({});
    assert.equal(origins.urlFor(label, 'localhost:3000'), `http://${label}.preview.localhost:3000`);
    assert.equal(origins.urlFor(label, '127.0.0.1:3000'), `http://${label}.preview.localhost:3000`);
    assert.equal(origins.urlFor(label, '192.168.1.5:3000'), null);
    assert.equal(origins.labelOf(`${label}.preview.localhost:3000`), label);
    assert.equal(origins.labelOf(`${label}.PREVIEW.localhost`), label);
    assert.equal(origins.labelOf('localhost:3000'), null);
    assert.equal(origins.labelOf(`x${label}.preview.localhost`), null);
    assert.equal(origins.labelOf(`${label}.preview.localhost.evil.org`), null);
  });
  test('a configured origin is used everywhere, and a malformed one stops the start', () => {
    const origins = previewOriginsFromEnv({ DRYDOCK_PREVIEW_ORIGIN: 'https://*.preview.drydock.example.net' });
    assert.equal(origins.urlFor(label, '192.168.1.5:3000'), `https://${label}.preview.drydock.example.net`);
    assert.equal(origins.labelOf(`${label}.preview.drydock.example.net`), label);
    assert.equal(origins.labelOf(`${label}.preview.localhost`), null);
    assert.equal(origins.secureFor('x'), true);
    assert.throws(() => previewOriginsFromEnv({ DRYDOCK_PREVIEW_ORIGIN: 'preview.example.org' }), /DRYDOCK_PREVIEW_ORIGIN must look like/);
  });
});
