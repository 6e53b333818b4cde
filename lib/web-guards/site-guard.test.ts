import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { silentLogger } from '../logging/logger';
import { AllowedHosts } from './allowed-hosts';
import { contentSecurityPolicy, createSiteGuard, NONCE_HEADER } from './site-guard';

/**
 * The guard in front of a plain Node server whose routes write their heads in
 * each of the ways Node allows (and Next.js uses): setHeader then end, an
 * explicit writeHead with headers, the raw array form, a stream.
 */
describe('site guard over real HTTP', () => {
  let server: Server;
  let port = 0;
  const seen: IncomingMessage[] = [];
  const routes: Record<string, (res: ServerResponse) => void> = {
    '/implicit': (res) => {
      res.setHeader('cache-control', 's-maxage=31536000');
      res.setHeader('set-cookie', 'a=1; Path=/');
      res.end('page');
    },
    '/explicit': (res) => res.writeHead(200, { 'Cache-Control': 'public, max-age=60', 'Set-Cookie': ['b=2', 'c=3'], 'X-Frame-Options': 'ALLOWALL' }).end('x'),
    '/reason': (res) => res.writeHead(302, 'Found', { location: '/elsewhere' }).end(),
    '/array': (res) => res.writeHead(200, ['cache-control', 'public, max-age=60', 'set-cookie', 'd=4', 'set-cookie', 'e=5']).end(),
    '/asset': (res) => {
      res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      res.write('chunk');
      res.end();
    },
  };

  before(async () => {
    const guard = createSiteGuard({ hosts: new AllowedHosts(['localhost', '127.0.0.1']), log: silentLogger });
    server = createServer((req, res) => {
      if (!guard.request(req, res)) return;
      seen.push(req);
      (routes[req.url ?? ''] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res);
    });
    server.on('upgrade', (req, socket) => {
      if (guard.upgrade(req, socket)) socket.end('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** A raw request (fetch cannot set Host) answered with its status, headers and body. */
  const send = (path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> =>
    new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host: `localhost:${port}`, ...headers }, setHost: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });

  const assertSecurityHeaders = (headers: IncomingMessage['headers'], what: string): void => {
    assert.match(String(headers['content-security-policy']), /frame-ancestors 'none'/, what);
    assert.match(String(headers['content-security-policy']), /script-src 'self' 'nonce-[A-Za-z0-9+/]+=*'(;|$)/, what);
    assert.equal(headers['x-frame-options'], 'DENY', what);
    assert.equal(headers['x-content-type-options'], 'nosniff', what);
    assert.equal(headers['referrer-policy'], 'same-origin', what);
  };

  test('every response carries the security headers, however its head was written (a route cannot weaken them)', async () => {
    for (const path of ['/implicit', '/explicit', '/reason', '/array', '/asset', '/missing']) assertSecurityHeaders((await send(path)).headers, path);
    assert.equal((await send('/reason')).status, 302);
    assert.equal((await send('/reason')).headers.location, '/elsewhere');
  });

  test('a response that sets a cookie is private, no-store, whatever the route said; others keep their caching', async () => {
    const implicit = await send('/implicit');
    assert.deepEqual(implicit.headers['set-cookie'], ['a=1; Path=/']);
    assert.equal(implicit.headers['cache-control'], 'private, no-store');
    const explicit = await send('/explicit');
    assert.deepEqual(explicit.headers['set-cookie'], ['b=2', 'c=3']);
    assert.equal(explicit.headers['cache-control'], 'private, no-store');
    const array = await send('/array');
    assert.deepEqual(array.headers['set-cookie'], ['d=4', 'e=5']);
    assert.equal(array.headers['cache-control'], 'private, no-store');
    assert.equal((await send('/asset')).headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  test('connect-src names the page host for the terminal socket; each response has its own nonce, handed to the page (the browser’s copies are replaced)', async () => {
    const a = await send('/implicit', { 'content-security-policy': "script-src 'nonce-chosen'", [NONCE_HEADER]: 'chosen' });
    const b = await send('/implicit');
    const csp = String(a.headers['content-security-policy']);
    assert.match(csp, new RegExp(`connect-src 'self' ws://localhost:${port} wss://localhost:${port}`));
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    assert.notEqual(nonce, /'nonce-([^']+)'/.exec(String(b.headers['content-security-policy']))![1]);
    const req = seen.at(-2)!;
    assert.equal(req.headers[NONCE_HEADER], nonce);
    assert.equal(req.headers['content-security-policy'], csp);
  });

  test('another Host gets 421 with a clear message and nothing else (no route runs); no Host is a 400', async () => {
    const before = seen.length;
    const rebound = await send('/implicit', { host: `attacker.example:${port}` });
    assert.equal(rebound.status, 421);
    assert.match(rebound.body, /does not answer to the host name "attacker\.example"/);
    assert.equal(rebound.headers['set-cookie'], undefined);
    assertSecurityHeaders(rebound.headers, '421');
    assert.match(String(rebound.headers['content-security-policy']), /connect-src 'self';/, 'no socket source for a refused host');
    assert.equal(seen.length, before, 'the route never saw it');
    const noHost = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/implicit', setHost: false }, (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.end();
    });
    assert.equal(noHost, 400);
  });

  test('a WebSocket upgrade for another Host is refused before any handler sees it', async () => {
    const upgrade = (host: string) =>
      new Promise<string>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/ws/terminal', setHost: false, headers: { host, origin: `http://${host}`, connection: 'Upgrade', upgrade: 'websocket' } });
        req.on('upgrade', (res, socket) => {
          socket.destroy();
          resolve(String(res.statusCode));
        });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve(`${res.statusCode} ${body}`));
        });
        req.on('error', reject);
        req.end();
      });
    assert.equal(await upgrade(`localhost:${port}`), '101');
    assert.match(await upgrade(`attacker.example:${port}`), /^421 Misdirected Request: this Drydock server does not answer to the host name "attacker\.example"/);
  });

  test('next dev gets eval, production does not', () => {
    assert.doesNotMatch(contentSecurityPolicy('n', 'localhost'), /unsafe-eval/);
    assert.match(contentSecurityPolicy('n', 'localhost', true), /script-src 'self' 'nonce-n' 'unsafe-eval'/);
  });
});
