import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ClientAddresses } from '../../lib/web-guards/client-address';
import { silentLogger } from '../../lib/logging/logger';
import { openDataDir, type DataDir } from '../../lib/config/data-dir';
import { LEARNER_COOKIE, newLearnerId, signLearnerCookie } from '../../lib/identity/learner-identity';
import { Store } from '../../lib/store';
import type { ClassGrid } from '../../protocol/http';
import { ClassEvents } from '../classroom/class-events';
import { DEFAULT_CLASSROOM_SETTINGS, type ConnectionState } from '../classroom/class-grid';
import { createClassroom } from '../classroom/class-services';
import { INSTRUCTOR_COOKIE, openInstructorAccess } from '../classroom/instructor-auth';
import { createHttpApp, nodeListener, type HttpApp } from './app';
import { safeNext } from './routes/sign-in-routes';

const root = mkdtempSync(join(tmpdir(), 'drydock-classroom-http-test-'));
let n = 0;
after(() => rmSync(root, { recursive: true, force: true }));
const freshDataDir = (): DataDir => openDataDir(join(root, `data-${++n}`));

describe('sign-in', () => {
  test('after sign-in, only instructor pages are redirect targets', () => {
    assert.equal(safeNext('/instructor/classes/abc'), '/instructor/classes/abc');
    for (const bad of [undefined, '//evil.example', 'https://evil.example/instructor', '/instructor/../lessons', '/instructorx', '/instructor/login', '/lessons/x']) {
      assert.equal(safeNext(bad), '/instructor', String(bad));
    }
  });
});

describe('classroom HTTP routes (without Next.js)', () => {
  const SECRET = 'the-instructor-secret-9Kq2';
  let data: DataDir;
  let store: Store;
  let server: Server;
  let base = '';
  let events: ClassEvents;
  let http: HttpApp;
  const connections = new Map<string, ConnectionState>();
  let instructorCookie = '';
  const learner = newLearnerId();
  let learnerCookie = '';

  before(async () => {
    data = freshDataDir();
    store = new Store(data.databasePath);
    const access = openInstructorAccess(data.path, data.cookieSecret, { DRYDOCK_INSTRUCTOR_SECRET: SECRET });
    events = new ClassEvents();
    const connection = (id: string): ConnectionState => connections.get(id) ?? { sockets: 0, lastInputAt: null };
    const classroom = createClassroom({ store, events, connection, settings: DEFAULT_CLASSROOM_SETTINGS });
    learnerCookie = signLearnerCookie(data.cookieSecret, learner);
    // The platform's router without sandboxes (no class runtime, no grading), and a stand-in for Next.js.
    http = createHttpApp({
      cookieSecret: data.cookieSecret,
      store,
      // As behind a reverse proxy on this machine: tests name the client in X-Forwarded-For.
      clients: new ClientAddresses(['loopback']),
      log: silentLogger,
      classroom,
      access,
      pages: async (req, res) => {
        res.writeHead(404, { 'x-page-instructor': String(req.headers['x-drydock-instructor'] ?? '') }).end('next.js');
      },
    });
    server = createServer(nodeListener(http.router, { log: silentLogger }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    http.dispose();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    store.close();
  });

  const get = (path: string, cookie = '') => fetch(`${base}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  const post = (path: string, body: unknown, cookie = '', origin: string | null = base) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}), ...(origin ? { origin } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  // As from a browser that loaded the sign-in page (so it has its learner cookie, and gets no new one).
  const login = (secret: string, next = '', origin: string | null = base) =>
    fetch(`${base}/instructor/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${LEARNER_COOKIE}=${learnerCookie}`, ...(origin ? { origin } : {}) },
      body: new URLSearchParams({ secret, next }).toString(),
    });

  test('sign-in: a wrong secret goes back to the form, a foreign origin is refused, the right one sets the cookie', async () => {
    const wrong = await login('nope', '/instructor/classes/x');
    assert.equal(wrong.status, 303);
    assert.equal(wrong.headers.get('location'), `/instructor/login?error=wrong&next=${encodeURIComponent('/instructor/classes/x')}`);
    assert.equal(wrong.headers.get('set-cookie'), null);
    assert.equal((await login(SECRET, '', 'http://evil.example')).status, 403);
    assert.equal((await login(SECRET, '', null)).status, 403);

    const ok = await login(SECRET, '//evil.example');
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get('location'), '/instructor', 'no open redirect');
    const setCookie = ok.headers.get('set-cookie') ?? '';
    assert.match(setCookie, new RegExp(`^${INSTRUCTOR_COOKIE}=i1\\.[0-9a-z]+\\.[\\w-]+; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200$`));
    instructorCookie = setCookie.split(';')[0]!;
  });

  test('the instructor API refuses no cookie, a learner cookie and a forged cookie (401 JSON)', async () => {
    const forged = `${INSTRUCTOR_COOKIE}=i1.${(Date.now() + 3600_000).toString(36)}.${randomBytes(32).toString('base64url')}`;
    const learnerValue = learnerCookie;
    for (const cookie of ['', `${LEARNER_COOKIE}=${learnerValue}`, `${INSTRUCTOR_COOKIE}=${learnerValue}`, forged, `${INSTRUCTOR_COOKIE}=1`]) {
      for (const path of ['/api/instructor/classes', '/api/instructor/session', '/api/instructor/classes/abcdefghjkmn/events', '/API/Instructor/classes', '//api/instructor/classes']) {
        const response = await get(path, cookie);
        assert.equal(response.status, 401, `${path} with "${cookie}"`);
        assert.deepEqual(await response.json(), { error: 'instructor sign-in required' });
      }
      const create = await post('/api/instructor/classes', { name: 'x', lessonIds: ['containers-101'], durationMinutes: 60, expectedLearners: 3 }, cookie);
      assert.equal(create.status, 401);
    }
    assert.equal(store.classes.list().length, 0, 'nothing was created');
    const ok = await get('/api/instructor/session', instructorCookie);
    assert.equal(ok.status, 200);
  });

  test('instructor pages redirect to sign-in without the cookie (however the path is spelled); a forged page header is dropped', async () => {
    for (const path of ['/instructor', '/instructor/classes/abc', '/Instructor/classes/abc', '/%69nstructor', '//instructor/']) {
      const response = await get(path, `${LEARNER_COOKIE}=${learnerCookie}`);
      assert.equal(response.status, 302, path);
      assert.match(response.headers.get('location') ?? '', /^\/instructor\/login\?next=/);
    }
    const spoofed = await fetch(`${base}/instructor`, { headers: { 'x-drydock-instructor': '1' }, redirect: 'manual' });
    assert.equal(spoofed.status, 302);
    const lesson = await fetch(`${base}/lessons/x`, { headers: { 'x-drydock-instructor': '1' } });
    assert.equal(lesson.headers.get('x-page-instructor'), '', 'the client copy of the header never reaches a page');
    // The sign-in page itself, and a signed-in instructor's pages, go on to Next.js with the header set.
    assert.equal((await get('/instructor/login')).status, 404);
    const page = await get('/instructor/classes/abc', instructorCookie);
    assert.equal(page.status, 404);
    assert.equal(page.headers.get('x-page-instructor'), '1');
    // Posting to a page is not a way around the guard.
    assert.equal((await post('/instructor', {}, `${LEARNER_COOKIE}=${learnerCookie}`)).status, 401);
  });

  test('creating a class: Origin checked, inputs validated with clear 400 messages', async () => {
    const good = { name: 'Tuesday group', lessonIds: ['containers-101'], durationMinutes: 90, expectedLearners: 2 };
    assert.equal((await post('/api/instructor/classes', good, instructorCookie, null)).status, 403);
    assert.equal((await post('/api/instructor/classes', good, instructorCookie, 'http://evil.example')).status, 403);
    const cases: [unknown, RegExp][] = [
      [{ ...good, name: '  ' }, /^name: give the class a name$/],
      [{ ...good, lessonIds: [] }, /^lessonIds: choose at least one lesson$/],
      [{ ...good, lessonIds: ['containers-101', 'containers-101'] }, /^lessonIds: a lesson is listed twice$/],
      [{ ...good, lessonIds: ['no-such-lesson'] }, /^lessonIds: there is no lesson "no-such-lesson"/],
      [{ ...good, durationMinutes: 2 }, /^durationMinutes: a class lasts at least 5 minutes$/],
      [{ ...good, expectedLearners: 1.5 }, /^expectedLearners: a whole number of learners$/],
      [{ ...good, extra: 1 }, /extra/],
      ['{not json', /^request body is not valid JSON$/],
    ];
    for (const [body, message] of cases) {
      const response = await post('/api/instructor/classes', body, instructorCookie);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.match(((await response.json()) as { error: string }).error, message);
    }
    const created = await post('/api/instructor/classes', good, instructorCookie);
    assert.equal(created.status, 201);
    const { class: record } = (await created.json()) as { class: { id: string; joinCode: string; name: string } };
    assert.equal(record.name, 'Tuesday group');
    const list = (await (await get('/api/instructor/classes', instructorCookie)).json()) as { classes: { id: string; members: number; open: boolean }[] };
    assert.deepEqual(
      list.classes.map((c) => [c.id, c.members, c.open]),
      [[record.id, 0, true]],
    );
  });

  test('joining: validated, idempotent per learner, unknown and ended codes refused; the dashboard stream updates on join and check', async () => {
    const record = store.classes.list()[0]!;
    const asLearner = `${LEARNER_COOKIE}=${learnerCookie}`;
    const join = (body: unknown, cookie = asLearner) => post('/api/classes/join', body, cookie);

    // Open the dashboard's event stream first.
    const controller = new AbortController();
    const stream = await fetch(`${base}/api/instructor/classes/${record.id}/events`, { headers: { cookie: instructorCookie }, signal: controller.signal });
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
    const grids = readGrids(stream.body!);
    assert.deepEqual((await grids.next()).rows, [], 'the first event is the snapshot, before anyone joined');

    for (const [body, status, message] of [
      [{ code: 'K7PM2O', displayName: 'Ann' }, 400, /^code: a join code is 6 letters and digits/],
      [{ code: record.joinCode, displayName: '   ' }, 400, /^displayName: enter the name your instructor will see$/],
      [{ code: record.joinCode, displayName: 'x'.repeat(41) }, 400, /at most 40 characters/],
      [{ code: record.joinCode, displayName: 'Ann\u202e' }, 400, /control or invisible/],
      [{ code: 'ZZZZZZ', displayName: 'Ann' }, 404, /^no open class has the code ZZZZZZ/],
    ] as const) {
      const response = await join(body);
      assert.equal(response.status, status, JSON.stringify(body));
      assert.match(((await response.json()) as { error: string }).error, message);
    }
    assert.equal((await post('/api/classes/join', { code: record.joinCode, displayName: 'Ann' }, asLearner, 'http://evil.example')).status, 403);

    const first = await join({ code: record.joinCode.toLowerCase(), displayName: ' Ann ' });
    assert.equal(first.status, 200);
    assert.deepEqual(await first.json(), { classId: record.id, name: record.name, displayName: 'Ann', resumed: false });
    const joinedGrid = await grids.next();
    assert.deepEqual(
      joinedGrid.rows.map((r) => r.displayName),
      ['Ann'],
      'the join reached the stream',
    );

    const again = await join({ code: record.joinCode, displayName: 'Ann Lee' });
    assert.deepEqual(await again.json(), { classId: record.id, name: record.name, displayName: 'Ann Lee', resumed: true });
    assert.equal(store.classes.members(record.id).length, 1, 'resumed, not duplicated');
    await grids.next();

    // A stored attempt, published as api.ts does after recording it, reaches the stream within a second.
    connections.set(learner, { sockets: 1, lastInputAt: Date.now() });
    const started = Date.now();
    store.progress.recordAttempt({ learnerId: learner, lessonId: 'containers-101', exerciseId: 'exit-three', passed: false, evidence: {}, durationMs: 1 });
    events.publishAttempt({ learnerId: learner, lessonId: 'containers-101', exerciseId: 'exit-three', passed: false, attempt: 1, at: Date.now() });
    const updated = await grids.next();
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
    const column = updated.columns.findIndex((c) => c.exerciseId === 'exit-three');
    assert.equal(updated.rows[0]!.cells[column]!.attempts, 1);
    assert.equal(updated.rows[0]!.status, 'active');
    assert.equal(updated.rows[0]!.displayName, 'Ann Lee');
    // Other learners' attempts do not wake this stream (nothing to wait for: just no error).
    events.publishAttempt({ learnerId: 'someone-else', lessonId: 'containers-101', exerciseId: 'exit-three', passed: true, attempt: 1, at: Date.now() });

    assert.equal(http.dashboards.size, 1);
    controller.abort();
    await waitFor(() => http.dashboards.size === 0);

    store.db.prepare('UPDATE classes SET ended_at = ? WHERE id = ?').run(Date.now(), record.id);
    const ended = await join({ code: record.joinCode, displayName: 'Ann' });
    assert.equal(ended.status, 410);
    assert.match(((await ended.json()) as { error: string }).error, /has ended/);
  });

  test('sign-in: an address flooding wrong secrets cannot starve another address, and is itself only slowed, never locked out', async () => {
    const from = (address: string, secret: string) =>
      fetch(`${base}/instructor/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${LEARNER_COOKIE}=${learnerCookie}`, origin: base, 'x-forwarded-for': address },
        body: new URLSearchParams({ secret, next: '' }).toString(),
      });
    const flood = Array.from({ length: 12 }, (_, i) => from('203.0.113.66', `guess-${i}-${randomBytes(8).toString('hex')}`));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    const instructor = await from('198.51.100.7', SECRET);
    const waited = Date.now() - started;
    assert.equal(instructor.status, 303);
    assert.equal(instructor.headers.get('location'), '/instructor');
    assert.match(instructor.headers.get('set-cookie') ?? '', new RegExp(`^${INSTRUCTOR_COOKIE}=i1\\.`));
    assert.ok(waited < 2000, `the instructor's sign-in waited ${waited} ms behind the flood`);

    const outcomes = (await Promise.all(flood)).map((r) => /error=(\w+)/.exec(r.headers.get('location') ?? '')?.[1]);
    assert.ok(outcomes.every((o) => o === 'wrong' || o === 'slow'), outcomes.join());
    assert.ok(outcomes.includes('slow'), 'what the flooding address sent beyond its share was turned away');
    // The same address with the right secret: slowed (its pace is spent), then signed in.
    const own = Date.now();
    const afterFlood = await from('203.0.113.66', SECRET);
    assert.equal(afterFlood.headers.get('location'), '/instructor');
    assert.ok(Date.now() - own >= 500, `the flooding address waited ${Date.now() - own} ms`);
  });

  test('joining is limited per learner and per address (429 with Retry-After); a wrong code costs 4 attempts, a join that works 1', async () => {
    const record = store.classes.create({ name: 'Limits', lessonIds: ['containers-101'], durationMinutes: 60, expectedLearners: 2 });
    const cookieOf = () => `${LEARNER_COOKIE}=${signLearnerCookie(data.cookieSecret, newLearnerId())}`;
    const joinFrom = (address: string, cookie: string, code: string) =>
      fetch(`${base}/api/classes/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: base, 'x-forwarded-for': address, ...(cookie ? { cookie } : {}) },
        body: JSON.stringify({ code, displayName: 'Bo' }),
      });
    const assertLimited = async (response: Response, who: string) => {
      assert.equal(response.status, 429);
      assert.match(response.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
      assert.match(((await response.json()) as { error: string }).error, new RegExp(`^too many attempts to join a class ${who}; wait \\d+ s and try again$`));
    };

    // One browser: 20 joins that work (each re-join costs 1), but only 5 wrong codes; then even the right code waits.
    const cy = cookieOf();
    for (let i = 0; i < 20; i++) assert.equal((await joinFrom('192.0.2.1', cy, record.joinCode)).status, 200, `join ${i + 1}`);
    const bo = cookieOf();
    for (let i = 0; i < 5; i++) assert.equal((await joinFrom('192.0.2.1', bo, 'ZZZZZZ')).status, 404, `wrong code ${i + 1}`);
    await assertLimited(await joinFrom('192.0.2.1', bo, record.joinCode), 'from this browser');

    // A new browser for every guess does not help: the address pays (60 / 4 = 15 wrong codes).
    for (let i = 0; i < 15; i++) assert.equal((await joinFrom('192.0.2.2', '', 'ZZZZZZ')).status, 404, `guess ${i + 1}`);
    await assertLimited(await joinFrom('192.0.2.2', '', record.joinCode), 'from your network');
    assert.equal((await joinFrom('192.0.2.3', '', record.joinCode)).status, 200, 'another address is not affected');

    // The join link's page counts too.
    const page = (address: string) => fetch(`${base}/join/${record.joinCode}`, { headers: { 'x-forwarded-for': address } });
    for (let i = 0; i < 60; i++) assert.equal((await page('192.0.2.4')).status, 404, 'on to "Next.js"');
    const refused = await page('192.0.2.4');
    assert.equal(refused.status, 429);
    assert.match(refused.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
    assert.match(await refused.text(), /^Too many attempts to join a class from your network; wait \d+ s and try again\.\n$/);
  });

  test('a learner cookie cannot open the dashboard stream of a class', async () => {
    const record = store.classes.list()[0]!;
    const response = await get(`/api/instructor/classes/${record.id}/events`, `${LEARNER_COOKIE}=${learnerCookie}`);
    assert.equal(response.status, 401);
    assert.equal((await get('/api/instructor/classes/abcdefghjkmn', instructorCookie)).status, 404);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The `grid` events of a Server-Sent Events body, one at a time. */
function readGrids(body: ReadableStream<Uint8Array>): { next(): Promise<ClassGrid> } {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next() {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = event.split('\n');
          const name = fields.find((f) => f.startsWith('event: '))?.slice(7);
          const data = fields.filter((f) => f.startsWith('data: ')).map((f) => f.slice(6));
          if (name === 'grid' && data.length > 0) return JSON.parse(data.join('\n')) as ClassGrid;
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
  };
}
