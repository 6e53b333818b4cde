import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startPlatformProcess, type RunningPlatform } from '../e2e/support/platform-process';
import { ensureNextBuild } from '../scripts/lib/build-next';
import { LEARNER_COOKIE } from '../lib/identity/learner-identity';
import { INSTRUCTOR_COOKIE } from './classroom/instructor-auth';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * The hardening a stranger meets, over real HTTP against the real platform
 * (scripts/start.ts, the production build): security headers on every kind of
 * response, no cookie on a response a shared cache may keep, the Host
 * allow-list on pages and on the terminal socket, forwarded headers not
 * trusted by default, /healthz, and signing out.
 */
describe('the public site over real HTTP (production build)', () => {
  let platform: RunningPlatform;
  let port = 0;
  let self = '';
  let secret = '';

  before(async () => {
    ensureNextBuild(process.cwd(), (m) => console.log(`# ${m}`));
    platform = await startPlatformProcess();
    port = Number(new URL(platform.url).port);
    self = `127.0.0.1:${port}`;
    secret = /instructor secret \(shown only this once; keep it\): (\S+)/.exec(platform.log())?.[1] ?? '';
    assert.ok(secret, `no instructor secret in the log:\n${platform.log()}`);
  });
  after(async () => {
    await platform?.destroy();
  });

  /** A raw request: fetch cannot send another Host, nor a WebSocket upgrade. */
  const http = (path: string, options: { method?: string; host?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', setHost: false, headers: { host: options.host ?? self, ...options.headers } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('upgrade', (res, socket) => {
        socket.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
      });
      req.on('error', reject);
      req.end(options.body);
    });

  const upgrade = (host: string, cookie?: string): Promise<Answer> =>
    http('/ws/terminal', {
      host,
      headers: {
        origin: `http://${host}`,
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...(cookie ? { cookie } : {}),
      },
    });

  const learnerCookie = async (): Promise<string> => {
    const first = await http('/');
    return String(first.headers['set-cookie']?.[0]).split(';')[0]!;
  };

  const assertHardened = (answer: Answer, what: string): void => {
    const csp = String(answer.headers['content-security-policy'] ?? '');
    assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/, `${what}: CSP ${csp}`);
    assert.match(csp, /(^|; )script-src 'self' 'nonce-[A-Za-z0-9+/]{22}=='(;|$)/, `${what}: scripts only from this origin or with the nonce`);
    assert.match(csp, /(^|; )object-src 'none'(;|$)/, what);
    assert.match(csp, /(^|; )base-uri 'none'(;|$)/, what);
    assert.equal(answer.headers['x-frame-options'], 'DENY', what);
    assert.equal(answer.headers['x-content-type-options'], 'nosniff', what);
    assert.equal(answer.headers['referrer-policy'], 'same-origin', what);
  };

  test('every response carries the CSP (frame-ancestors none), X-Frame-Options, nosniff and Referrer-Policy: pages, API, assets, errors, redirects, refusals', async () => {
    const page = await http('/');
    const asset = /\/_next\/static\/[\w/.-]+\.js/.exec(page.body)?.[0];
    assert.ok(asset, 'the catalogue loads a script from /_next/static');
    const cases: [string, Answer, number][] = [
      ['catalogue page', page, 200],
      ['lesson page', await http('/lessons/containers-101'), 200],
      ['sign-in page', await http('/instructor/login'), 200],
      ['redirect to sign-in', await http('/instructor/classes/abcdefghjkmn'), 302],
      ['Next.js 404 page', await http('/no-such-page'), 404],
      ['static asset', await http(asset), 200],
      ['API', await http('/api/progress'), 200],
      ['API error', await http('/api/no-such-route'), 404],
      ['cross-origin POST refused', await http('/api/classes/join', { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'application/json' }, body: '{}' }), 403],
      ['instructor API without sign-in', await http('/api/instructor/classes'), 401],
      ['health', await http('/healthz'), 200],
      ['foreign Host', await http('/', { host: `attacker.example:${port}` }), 421],
    ];
    for (const [what, answer, status] of cases) {
      assert.equal(answer.status, status, what);
      assertHardened(answer, what);
    }
  });

  test('a page’s scripts all carry the nonce of its own CSP, and it allows the terminal socket of its own host', async () => {
    const page = await http('/lessons/containers-101');
    const csp = String(page.headers['content-security-policy']);
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    assert.match(csp, new RegExp(`(^|; )connect-src 'self' ws://${self} wss://${self}(;|$)`));
    const scripts = page.body.match(/<script\b[^>]*>/g) ?? [];
    assert.ok(scripts.length >= 3, `found ${scripts.length} scripts`);
    for (const tag of scripts) assert.ok(tag.includes(` nonce="${nonce}"`), `without this response's nonce: ${tag}`);
    const again = await http('/lessons/containers-101');
    assert.notEqual(/'nonce-([^']+)'/.exec(String(again.headers['content-security-policy']))![1], nonce, 'a fresh nonce per response');
  });

  test('a response that sets a cookie is Cache-Control: private, no-store (over Next.js’s own header); build assets set no cookie and stay cacheable', async () => {
    for (const [path, headers] of [
      ['/', {}],
      ['/', { rsc: '1' }],
      ['/lessons/containers-101', {}],
      ['/no-such-page', {}],
      ['/join', {}],
    ] as const) {
      const answer = await http(path, { headers });
      assert.match(String(answer.headers['set-cookie']), new RegExp(`^${LEARNER_COOKIE}=`), `${path} ${JSON.stringify(headers)} sets the learner cookie`);
      assert.equal(answer.headers['cache-control'], 'private, no-store', `${path} ${JSON.stringify(headers)}`);
    }
    const cookie = await learnerCookie();
    const known = await http('/', { headers: { cookie } });
    assert.equal(known.headers['set-cookie'], undefined, 'a known learner gets no new cookie');

    const asset = /\/_next\/static\/[\w/.-]+\.js/.exec((await http('/')).body)![0];
    const fresh = await http(asset);
    assert.equal(fresh.headers['set-cookie'], undefined, 'no cookie on an asset, even for a browser without one');
    assert.equal(fresh.headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  test('a Host not on the allow-list gets 421 and nothing else, on pages and on the terminal socket; the default list answers to localhost', async () => {
    const rebound = await http('/', { host: `attacker.example:${port}`, headers: { origin: `http://attacker.example:${port}` } });
    assert.equal(rebound.status, 421);
    assert.equal(rebound.body, `Misdirected Request: this Drydock server does not answer to the host name "attacker.example". If it is yours, add the name to DRYDOCK_ALLOWED_HOSTS on the server.\n`);
    assert.equal(rebound.headers['set-cookie'], undefined);
    assert.equal((await http('/', { host: `localhost:${port}` })).status, 200);
    assert.equal((await http('/', { host: '' })).status, 400);

    // DNS rebinding: Host and Origin agree (the attacker's name), with a real learner cookie.
    const cookie = await learnerCookie();
    const socket = await upgrade(`attacker.example:${port}`, cookie);
    assert.equal(socket.status, 421);
    assert.match(socket.body, /does not answer to the host name "attacker\.example"/);
    // The same request for an allowed name reaches the terminal endpoint (which then wants a cookie, or a matching Origin).
    const allowed = await upgrade(`localhost:${port}`);
    assert.equal(allowed.status, 401, allowed.body);
    assert.match(allowed.body, /load a lesson page first/);
  });

  test('forwarded headers are not trusted by default: X-Forwarded-Proto does not make the cookie Secure', async () => {
    const plain = await http('/', { headers: { 'x-forwarded-proto': 'https' } });
    assert.match(String(plain.headers['set-cookie']), /HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    assert.doesNotMatch(String(plain.headers['set-cookie']), /Secure/);
  });

  let instructorCookie = '';

  test('/healthz: anyone learns only that it is up; the instructor also how many sandboxes run', async () => {
    const anonymous = await http('/healthz');
    assert.equal(anonymous.body, '{"ok":true}');
    const signIn = await http('/instructor/login', {
      method: 'POST',
      headers: { origin: `http://${self}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ secret }).toString(),
    });
    assert.equal(signIn.status, 303);
    assert.equal(signIn.headers['cache-control'], 'private, no-store');
    instructorCookie = String(signIn.headers['set-cookie']?.[0]).split(';')[0]!;
    assert.match(instructorCookie, new RegExp(`^${INSTRUCTOR_COOKIE}=`));
    const detailed = JSON.parse((await http('/healthz', { headers: { cookie: instructorCookie } })).body) as { ok: boolean; sandboxes: number };
    assert.equal(detailed.ok, true);
    assert.equal(typeof detailed.sandboxes, 'number');
  });

  test('signing out is POST-only and same-origin only', async () => {
    const signedIn = async () => (await http('/api/instructor/session', { headers: { cookie: instructorCookie } })).status === 200;
    assert.ok(await signedIn());
    const cookies = `${instructorCookie}; ${await learnerCookie()}`;
    const viaGet = await http('/instructor/logout', { headers: { cookie: cookies } });
    assert.equal(viaGet.headers['set-cookie'], undefined, 'a GET (a link, an image) does not sign out');
    for (const origin of [undefined, 'http://evil.example', `http://localhost:${port}`]) {
      const refused = await http('/instructor/logout', { method: 'POST', headers: { cookie: cookies, ...(origin ? { origin } : {}) } });
      assert.equal(refused.status, 403, `Origin ${origin}`);
      assert.equal(refused.headers['set-cookie'], undefined);
    }
    assert.ok(await signedIn(), 'still signed in');
    const out = await http('/instructor/logout', { method: 'POST', headers: { cookie: instructorCookie, origin: `http://${self}` } });
    assert.equal(out.status, 303);
    assert.match(String(out.headers['set-cookie']), new RegExp(`^${INSTRUCTOR_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0$`));
  });
});
