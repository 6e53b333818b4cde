import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { z } from 'zod';
import { openDataDir, type DataDir } from '../../lib/config/data-dir';
import { LEARNER_COOKIE, newLearnerId, signLearnerCookie } from '../../lib/identity/learner-identity';
import { silentLogger } from '../../lib/logging/logger';
import { Store } from '../../lib/store';
import { AllowedHosts } from '../../lib/web-guards/allowed-hosts';
import { ClientAddresses } from '../../lib/web-guards/client-address';
import { createSiteGuard } from '../../lib/web-guards/site-guard';
import {
  CheckResponseSchema,
  DirectoryListingSchema,
  FileSavedSchema,
  HintResponseSchema,
  SandboxFileBodySchema,
  SolutionResponseSchema,
  ClassGradesFileSchema,
  ClassGridSchema,
  ClassListResponseSchema,
  ClassRuntimeStatusSchema,
  DashboardEventSchema,
  EndedClassSchema,
  ErrorBodySchema,
  ExtendResponseSchema,
  InstructorSessionResponseSchema,
  JoinResponseSchema,
  LearnerEventSchema,
  MessageResponseSchema,
  NewClassResponseSchema,
  ProgressResponseSchema,
  ResetResponseSchema,
  LearnerEnvironmentsSchema,
  LessonValuesResponseSchema,
} from '../../protocol/http';
import type { SandboxService } from '../../sandbox-server/src/sandbox-service';
import type { SessionManager } from '../../sandbox-server/src/sessions/session-manager';
import { RecordingClient, setup, shutdownManagers } from '../../sandbox-server/src/sessions/test/session-fixtures';
import { FakeDriver } from '../../sandbox-server/test/fake-driver';
import { ClassEvents } from '../classroom/class-events';
import { DEFAULT_CLASSROOM_SETTINGS } from '../classroom/class-grid';
import { ClassRuntime } from '../classroom/class-runtime';
import { createClassroom } from '../classroom/class-services';
import { openInstructorAccess } from '../classroom/instructor-auth';
import { createHttpApp, nodeListener, type HttpApp } from './app';
import type { Exercise } from '../../lib/lesson-format/schema';
import { lessons } from '../../lib/lesson-format/lesson-library';

/**
 * Contract tests: every JSON and Server-Sent Events route of the platform,
 * over real HTTP through the whole router (site guard included), each answer
 * parsed with the protocol/http schema the browser parses it with, refusals
 * (ErrorBody) as much as successes. Sandboxes are the fake driver's; grading
 * answers a fixed verdict.
 */
describe('every response satisfies the schema the browser parses', () => {
  const SECRET = 'contract-instructor-secret-7Qw2';
  const LESSON = 'containers-101';
  const EXERCISE = 'exit-three';
  const root = mkdtempSync(join(tmpdir(), 'drydock-contract-'));
  let data: DataDir;
  let store: Store;
  let runtime: ClassRuntime;
  let manager: SessionManager;
  let http: HttpApp;
  let server: Server;
  let base = '';
  let instructor = '';
  const ada = newLearnerId();
  let adaCookie = '';
  let classId = '';
  let joinCode = '';
  const graded: Exercise[] = [];

  before(async () => {
    data = openDataDir(join(root, 'data'));
    store = new Store(data.databasePath);
    const fake = setup({}, new FakeDriver({ files: { '/root/app/Dockerfile': 'FROM busybox\n', '/root/notes.txt': 'hi', '/root/blob.bin': 'a\u0000b', '/root/big.txt': 'x'.repeat(1024 * 1024 + 1) } }));
    manager = fake.manager;
    const { driver, config } = fake;
    const sandboxes: SandboxService = {
      config,
      driver,
      manager,
      classRegistries: {
        requireImage: () => Promise.reject(new Error('no class registries in this test')),
        createClassSpace: () => Promise.reject(new Error('no class registries in this test')),
        seedMirror: () => Promise.reject(new Error('no class registries in this test')),
        startService: () => Promise.reject(new Error('no class registries in this test')),
        connect: () => Promise.resolve(),
        exec: () => Promise.reject(new Error('no class registries in this test')),
        removeClass: () => Promise.resolve(),
      },
      handleUpgrade: () => false,
      clients: new ClientAddresses(),
      removeOrphans: () => Promise.resolve(0),
      close: () => manager.shutdown(),
    };
    runtime = new ClassRuntime({ store, sandboxes, data, settings: { registry: false, registryImage: 'none', warmPoolMax: 0 }, log: silentLogger });
    const classroom = createClassroom({ store, events: new ClassEvents(), connection: (id) => manager.connectionState(id), settings: DEFAULT_CLASSROOM_SETTINGS });
    http = createHttpApp({
      cookieSecret: data.cookieSecret,
      store,
      clients: new ClientAddresses(),
      log: silentLogger,
      classroom,
      access: openInstructorAccess(data.path, data.cookieSecret, { DRYDOCK_INSTRUCTOR_SECRET: SECRET }),
      runtime,
      grading: {
        sandboxIdOf: (learnerId, profile) => manager.sandboxIdOf(learnerId, profile),
        grade: async (_sandboxId, exercise) => ({
          exerciseId: (graded.push(exercise), exercise.id), // kept: the values test reads what was graded
          passed: false,
          durationMs: 12,
          checks: [
            { index: 0, passed: true, message: 'ok', expects: 'a container named three', exitCode: 0, timedOut: false, durationMs: 5, stdout: '', stderr: '' },
            { index: 1, passed: false, message: 'exit code 3 expected (found 0)', fail: 'exit code 3 expected', expects: 'exit code 3 expected', found: '0', hint: 'try exit 3', details: ['line 1: no'], exitCode: 1, timedOut: false, durationMs: 7, stdout: '', stderr: '' },
          ],
        }),
      },
      sandboxFiles: { sandboxIdOf: (learnerId, profile) => manager.sandboxIdOf(learnerId, profile), driver: fake.driver },
      sandboxCount: () => manager.size,
      pages: async (_req, res) => void res.writeHead(404, { 'content-type': 'text/html' }).end('<p>page</p>'),
    });
    const guard = createSiteGuard({ hosts: new AllowedHosts(['127.0.0.1']), log: silentLogger });
    server = createServer(nodeListener(http.router, { guard, log: silentLogger }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    adaCookie = `${LEARNER_COOKIE}=${signLearnerCookie(data.cookieSecret, ada)}`;
    const signIn = await fetch(`${base}/instructor/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, cookie: adaCookie },
      body: new URLSearchParams({ secret: SECRET }).toString(),
    });
    instructor = `${(signIn.headers.get('set-cookie') ?? '').split(';')[0]}; ${adaCookie}`;
  });
  after(async () => {
    http.dispose();
    runtime.close();
    shutdownManagers();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    store.close();
    rmSync(root, { recursive: true, force: true });
  });

  const call = (method: string, path: string, options: { cookie?: string; body?: unknown; origin?: string | null } = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        ...(options.cookie ? { cookie: options.cookie } : {}),
        ...(options.origin === null ? {} : { origin: options.origin ?? base }),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    });

  /** The answer's status, and its JSON body parsed with `schema` (a mismatch fails the test, naming the field). */
  async function body<S extends z.ZodType>(response: Response, schema: S, status: number): Promise<z.output<S>> {
    const text = await response.text();
    assert.equal(response.status, status, `${response.url}: ${text}`);
    assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8', response.url);
    return schema.parse(JSON.parse(text));
  }
  const refusal = (response: Response, status: number) => body(response, ErrorBodySchema, status);
  const empty = async (response: Response, status = 204) => {
    assert.equal(response.status, status, response.url);
    assert.equal(await response.text(), '');
  };

  test("the editor's file routes: the learner's own sandbox only, paths validated, sizes capped", async () => {
    const grace = newLearnerId();
    const graceCookie = `${LEARNER_COOKIE}=${signLearnerCookie(data.cookieSecret, grace)}`;
    const list = (path: string, cookie = graceCookie) => call('GET', `/api/sandbox/files?profile=dind&path=${encodeURIComponent(path)}`, { cookie });
    const read = (path: string) => call('GET', `/api/sandbox/file?profile=dind&path=${encodeURIComponent(path)}`, { cookie: graceCookie });
    const save = (body: unknown, options: { origin?: string; profile?: string } = {}) =>
      call('PUT', `/api/sandbox/file?profile=${options.profile ?? 'dind'}`, { cookie: graceCookie, body, origin: options.origin });
    assert.match((await refusal(await list('/root'), 409)).error, /no sandbox yet/);
    await manager.connect(grace, 'dind', new RecordingClient());

    const root = await body(await list('/root'), DirectoryListingSchema, 200);
    assert.deepEqual(
      root.entries.map((e) => [e.name, e.type]),
      [['app', 'directory'], ['big.txt', 'file'], ['blob.bin', 'file'], ['notes.txt', 'file']],
      'folders first, then files by name',
    );
    assert.equal((await body(await read('/root/app/Dockerfile'), SandboxFileBodySchema, 200)).content, 'FROM busybox\n');
    assert.match((await refusal(await read('/root/blob.bin'), 415)).error, /binary/);
    assert.match((await refusal(await read('/root/big.txt'), 413)).error, /1024 KiB/);
    assert.match((await refusal(await read('/root/none'), 404)).error, /does not exist/);
    assert.match((await refusal(await read('/root/app'), 422)).error, /not a file/);
    await refusal(await list('/root/notes.txt'), 422);
    for (const bad of ['root', '/root/../etc/shadow', '/root//x', '/root/', '/root/a\u0000b', `/${'a'.repeat(1100)}`]) {
      await refusal(await read(bad), 400);
    }
    await refusal(await call('GET', '/api/sandbox/files?profile=../x&path=/root', { cookie: graceCookie }), 400);

    const saved = await body(await save({ path: '/root/app/Dockerfile', content: 'FROM busybox\nCMD ["true"]\n' }), FileSavedSchema, 200);
    assert.deepEqual(saved, { path: '/root/app/Dockerfile', size: 26, created: false });
    assert.equal((await body(await read('/root/app/Dockerfile'), SandboxFileBodySchema, 200)).content, 'FROM busybox\nCMD ["true"]\n');
    assert.equal((await body(await save({ path: '/root/new/file.txt', content: '' }), FileSavedSchema, 200)).created, true);
    await refusal(await save({ path: '/root/app', content: 'x' }), 422);
    await refusal(await save({ path: '/root/../x', content: 'x' }), 400);
    assert.match((await refusal(await save({ path: '/root/huge', content: 'é'.repeat(600 * 1024) }), 400)).error, /over 1024 KiB/);
    await refusal(await save({ path: '/root/huge', content: 'x'.repeat(4 * 1024 * 1024) }), 413);
    await refusal(await save({ path: '/root/x', content: 'x' }, { origin: 'http://evil.example' }), 403);
    await refusal(await save({ path: '/root/x', content: 'x' }, { profile: 'NOPE' }), 400);
    // Another learner without a sandbox sees nothing of Grace's.
    await refusal(await list('/root', `${LEARNER_COOKIE}=${signLearnerCookie(data.cookieSecret, newLearnerId())}`), 409);
    // Saves come back two a second after a burst of ten: a fast loop meets a 429 (how soon depends on this machine's speed).
    let limited: Response | undefined;
    for (let i = 0; i < 100 && !limited; i++) {
      const response = await save({ path: '/root/x', content: 'x' });
      if (response.status === 429) limited = response;
      else await response.arrayBuffer();
    }
    assert.ok(limited, 'saves are rate-limited');
    assert.match(limited.headers.get('retry-after') ?? '', /^\d+$/);
    assert.match((await refusal(limited, 429)).error, /too many file requests/);
  });

  test('the lesson API: progress, check and position, with their refusals', async () => {
    const check = (exercise = EXERCISE, options = {}) => call('POST', `/api/lessons/${LESSON}/exercises/${exercise}/check`, { cookie: adaCookie, ...options });
    await refusal(await check(), 409); // no sandbox yet
    await refusal(await check('no-such-exercise'), 404);
    await refusal(await call('POST', `/api/lessons/no-such-lesson/exercises/${EXERCISE}/check`, { cookie: adaCookie }), 404);
    await refusal(await check(EXERCISE, { origin: 'http://evil.example' }), 403);
    await manager.connect(ada, `dind:${LESSON}`, new RecordingClient()); // her terminal opens the lesson's environment, as the lesson page would
    const verdict = await body(await check(), CheckResponseSchema, 200);
    assert.deepEqual(verdict.checks[1], { passed: false, message: 'exit code 3 expected (found 0)', fail: 'exit code 3 expected', expects: 'exit code 3 expected', found: '0', details: ['line 1: no'], hint: 'try exit 3' }, 'messages, never scripts or evidence');
    assert.deepEqual(verdict.checks[0], { passed: true, message: 'ok', expects: 'a container named three' }, 'a passed check says what it met');
    for (let i = 0; i < 5; i++) await check().then((r) => r.arrayBuffer());
    await refusal(await check(), 429);

    const progress = await body(await call('GET', '/api/progress', { cookie: adaCookie }), ProgressResponseSchema, 200);
    assert.ok(progress.lessons[LESSON]?.exercises[EXERCISE]);

    // The solution: given on request, the first look recorded (a second one keeps it), refused from a foreign origin.
    const solution = await body(await call('POST', `/api/lessons/${LESSON}/exercises/${EXERCISE}/solution`, { cookie: adaCookie }), SolutionResponseSchema, 200);
    assert.match(solution.solution, /--name three/);
    const again = await body(await call('POST', `/api/lessons/${LESSON}/exercises/${EXERCISE}/solution`, { cookie: adaCookie }), SolutionResponseSchema, 200);
    assert.equal(again.shownAt, solution.shownAt);
    await refusal(await call('POST', `/api/lessons/${LESSON}/exercises/no-such-exercise/solution`, { cookie: adaCookie }), 404);
    await refusal(await call('POST', `/api/lessons/${LESSON}/exercises/${EXERCISE}/solution`, { cookie: adaCookie, origin: 'http://evil.example' }), 403);

    // Hints: each one opened is recorded (the highest kept); a hint the exercise does not have is refused.
    const hint = (n: unknown, options = {}, exercise = EXERCISE) => call('POST', `/api/lessons/${LESSON}/exercises/${exercise}/hints`, { cookie: adaCookie, body: { hint: n }, ...options });
    assert.deepEqual(await body(await hint(1), HintResponseSchema, 200), { exerciseId: EXERCISE, hintsUsed: 1 });
    assert.deepEqual(await body(await hint(2), HintResponseSchema, 200), { exerciseId: EXERCISE, hintsUsed: 2 });
    assert.match((await refusal(await hint(3), 400)).error, /has 2 hints, not 3/);
    await refusal(await hint(0), 400);
    await refusal(await hint('1'), 400);
    await refusal(await hint(1, {}, 'no-such-exercise'), 404);
    await refusal(await hint(1, { origin: 'http://evil.example' }), 403);
    await refusal(await call('POST', `/api/lessons/${LESSON}/exercises/${EXERCISE}/hints`, { cookie: adaCookie, body: { hint: 1, pad: 'x'.repeat(300) } }), 413);
    // Hints and the solution share a rate limit per learner (a fresh learner here, so Ada's budget is left for the dashboard's test).
    const bo = `${LEARNER_COOKIE}=${signLearnerCookie(data.cookieSecret, newLearnerId())}`;
    let limited: Response | undefined;
    for (let i = 0; i < 20 && !limited; i++) {
      const response = await call('POST', `/api/lessons/${LESSON}/exercises/${EXERCISE}/${i % 2 ? 'solution' : 'hints'}`, { cookie: bo, body: { hint: 1 } });
      if (response.status === 429) limited = response;
      else await response.arrayBuffer();
    }
    assert.ok(limited, 'hints and solutions are rate-limited');
    assert.match(limited.headers.get('retry-after') ?? '', /^\d+$/);
    assert.match((await refusal(limited, 429)).error, /too many requests/);

    await empty(await call('PUT', `/api/lessons/${LESSON}/position`, { cookie: adaCookie, body: { slide: 2 } }));
    await refusal(await call('PUT', `/api/lessons/${LESSON}/position`, { cookie: adaCookie, body: { slide: -1 } }), 400);
    await refusal(await call('PUT', `/api/lessons/${LESSON}/position`, { cookie: adaCookie, body: '{oops' }), 400);
    await refusal(await call('PUT', `/api/lessons/${LESSON}/position`, { cookie: adaCookie, body: { slide: 1, pad: 'x'.repeat(2000) } }), 413);
    await refusal(await call('PUT', '/api/lessons/no-such-lesson/position', { cookie: adaCookie, body: { slide: 1 } }), 404);
    // A body sent in chunks (no Content-Length) is counted as it arrives.
    const chunked = (text: string) =>
      fetch(`${base}/api/lessons/${LESSON}/position`, {
        method: 'PUT',
        headers: { cookie: adaCookie, origin: base, 'content-type': 'application/json' },
        body: new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode(text.slice(0, 5))), c.enqueue(new TextEncoder().encode(text.slice(5))), c.close()) }),
        duplex: 'half',
      } as RequestInit);
    await empty(await chunked('{"slide":3}'));
    await refusal(await chunked(JSON.stringify({ slide: 3, pad: 'x'.repeat(2000) })), 413);
    await refusal(await call('GET', '/api/no-such-route', { cookie: adaCookie }), 404);
    const wrongMethod = await call('GET', '/api/classes/join', { cookie: adaCookie });
    assert.equal(wrongMethod.headers.get('allow'), 'POST');
    await refusal(wrongMethod, 405);
  });

  test("values drawn per learner: each learner's own, the same every time, and what their check and solution use", async () => {
    const grace = newLearnerId();
    const cookieOf = (id: string) => `${LEARNER_COOKIE}=${signLearnerCookie(data.cookieSecret, id)}`;
    const valuesOf = async (cookie: string, lesson = LESSON) => (await body(await call('GET', `/api/lessons/${lesson}/values`, { cookie }), LessonValuesResponseSchema, 200)).values;
    const mine = await valuesOf(cookieOf(grace));
    assert.match(mine.port ?? '', /^9\d{3}$/);
    assert.match(mine.name ?? '', /^[a-z]{5}$/);
    assert.deepEqual(await valuesOf(cookieOf(grace)), mine, 'the same values on every visit');
    const others = await Promise.all(Array.from({ length: 5 }, () => valuesOf(cookieOf(newLearnerId()))));
    assert.ok(others.some((v) => v.port !== mine.port || v.name !== mine.name), 'five other learners all drew the same values');
    // Every lesson of the course draws values now: another lesson's are its own names, drawn apart from this one's.
    const namespaces = lessons().get('namespaces');
    assert.ok(namespaces?.ok);
    assert.deepEqual(Object.keys(await valuesOf(cookieOf(grace), 'namespaces')).sort(), Object.keys(namespaces.lesson.manifest.values).sort(), "another lesson's values are that lesson's");
    await refusal(await call('GET', '/api/lessons/no-such-lesson/values', { cookie: cookieOf(grace) }), 404);

    const solution = await body(await call('POST', `/api/lessons/${LESSON}/exercises/serve-read-only/solution`, { cookie: cookieOf(grace) }), SolutionResponseSchema, 200);
    assert.ok(solution.solution.includes(`--name ${mine.name} -p ${mine.port}:80`), solution.solution);
    await manager.connect(grace, `dind:${LESSON}`, new RecordingClient());
    await body(await call('POST', `/api/lessons/${LESSON}/exercises/serve-read-only/check`, { cookie: cookieOf(grace) }), CheckResponseSchema, 200);
    const exercise = graded.at(-1)!;
    assert.equal(exercise.id, 'serve-read-only');
    assert.ok(!JSON.stringify(exercise).includes('${{'), 'a placeholder reached the grader');
    assert.deepEqual(exercise.checks[2], { docker: { container: mine.name, publishes: [`${mine.port}:80`] }, fail: `${mine.name} must publish its port 80 as host port ${mine.port}.`, hint: `docker port ${mine.name} shows what is published; -p takes HOST:CONTAINER.` });
  });

  test('the instructor API: session, classes, grid, runtime, follow, messages, extend, reset, with their refusals', async () => {
    await refusal(await call('GET', '/api/instructor/session', { cookie: adaCookie }), 401);
    await body(await call('GET', '/api/instructor/session', { cookie: instructor }), InstructorSessionResponseSchema, 200);
    await refusal(await call('POST', '/api/instructor/classes', { cookie: instructor, body: { name: '' } }), 400);
    const created = await body(
      await call('POST', '/api/instructor/classes', { cookie: instructor, body: { name: 'Contract', lessonIds: [LESSON], durationMinutes: 60, expectedLearners: 3 } }),
      NewClassResponseSchema,
      201,
    );
    classId = created.class.id;
    joinCode = created.class.joinCode;
    const list = await body(await call('GET', '/api/instructor/classes', { cookie: instructor }), ClassListResponseSchema, 200);
    assert.deepEqual(list.classes.map((c) => c.id), [classId]);
    await refusal(await call('GET', '/api/instructor/classes/abcdefghjkmn', { cookie: instructor }), 404);

    // Ada joins (the learner routes' own test is below), so the grid and live help have someone to show and help.
    await body(await call('POST', '/api/classes/join', { cookie: adaCookie, body: { code: joinCode, displayName: 'Ada' } }), JoinResponseSchema, 200);
    const grid = await body(await call('GET', `/api/instructor/classes/${classId}`, { cookie: instructor }), ClassGridSchema, 200);
    assert.deepEqual(grid.rows.map((r) => r.displayName), ['Ada']);
    await body(await call('GET', `/api/instructor/classes/${classId}/runtime`, { cookie: instructor }), ClassRuntimeStatusSchema, 200);

    const path = `/api/instructor/classes/${classId}`;
    await empty(await call('PUT', `${path}/follow`, { cookie: instructor, body: { lessonId: LESSON, slide: 1 } }));
    await refusal(await call('PUT', `${path}/follow`, { cookie: instructor, body: { lessonId: 'registries', slide: 1 } }), 400);
    await empty(await call('DELETE', `${path}/follow`, { cookie: instructor }));
    await body(await call('POST', `${path}/messages`, { cookie: instructor, body: { text: 'hello' } }), MessageResponseSchema, 200);
    await refusal(await call('POST', `${path}/messages`, { cookie: instructor, body: { text: 'psst', learnerId: 'not-in-class' } }), 404);
    await body(await call('POST', `${path}/learners/${ada}/extend`, { cookie: instructor, body: { minutes: 30 } }), ExtendResponseSchema, 200);
    await refusal(await call('POST', `${path}/learners/${ada}/extend`, { cookie: instructor, body: { minutes: 1 } }), 400);
    await body(await call('POST', `${path}/learners/${ada}/reset`, { cookie: instructor }), ResetResponseSchema, 200);
    await refusal(await call('POST', `${path}/learners/someone-else/reset`, { cookie: instructor }), 404);
    await refusal(await call('GET', `${path}/export?format=xml`, { cookie: instructor }), 400);
    await refusal(await call('POST', `${path}/end`, { cookie: instructor, origin: null }), 403);
  });

  test('the dashboard stream: every event a grid', async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/api/instructor/classes/${classId}/events`, { headers: { cookie: instructor }, signal: controller.signal });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('x-accel-buffering'), 'no');
    const events = readEvents(response.body!);
    DashboardEventSchema.parse(await events.next());
    await call('POST', '/api/classes/join', { cookie: adaCookie, body: { code: joinCode, displayName: 'Ada L.' } });
    const update = DashboardEventSchema.parse(await events.next());
    assert.deepEqual(update.data.rows.map((r) => r.displayName), ['Ada L.']);
    // Opening a hint updates the grid at once; her cell carries the hints and the solution she saw (the lesson API's test).
    await call('POST', `/api/lessons/${LESSON}/exercises/${EXERCISE}/hints`, { cookie: adaCookie, body: { hint: 1 } }).then((r) => r.arrayBuffer());
    const helped = DashboardEventSchema.parse(await events.next());
    const column = helped.data.columns.findIndex((c) => c.lessonId === LESSON && c.exerciseId === EXERCISE);
    const cell = helped.data.rows[0]!.cells[column]!;
    assert.equal(cell.hintsUsed, 2);
    assert.equal(typeof cell.solutionShownAt, 'number');
    controller.abort();
    await waitFor(() => http.dashboards.size === 0);
    await refusal(await call('GET', `/api/instructor/classes/${classId}/events`, { cookie: adaCookie }), 401);
    const head = await fetch(`${base}/api/instructor/classes/${classId}/events`, { method: 'HEAD', headers: { cookie: instructor } });
    assert.equal(head.status, 200);
    assert.equal(http.dashboards.size, 0, 'HEAD opens no stream');
  });

  test('the learner routes: joining, and the class events (every event a LearnerEvent) up to the end of the class', async () => {
    const stranger = `${LEARNER_COOKIE}=${signLearnerCookie(data.cookieSecret, newLearnerId())}`;
    await empty(await call('GET', '/api/classes/events', { cookie: stranger }));
    await refusal(await call('POST', '/api/classes/join', { cookie: stranger, body: { code: 'K7PM2O', displayName: 'Bo' } }), 400);
    await refusal(await call('POST', '/api/classes/join', { cookie: stranger, body: { code: 'ZZZZZZ', displayName: 'Bo' } }), 404);
    await refusal(await call('POST', '/api/classes/join', { cookie: stranger, body: { code: joinCode, displayName: 'Bo' }, origin: 'http://evil.example' }), 403);

    const controller = new AbortController();
    const response = await fetch(`${base}/api/classes/events`, { headers: { cookie: adaCookie }, signal: controller.signal });
    assert.equal(response.status, 200);
    const events = readEvents(response.body!);
    const received = [LearnerEventSchema.parse(await events.next())];
    assert.equal(received[0]!.event, 'class', 'the first event says which class');
    const path = `/api/instructor/classes/${classId}`;
    await call('POST', `${path}/messages`, { cookie: instructor, body: { text: 'hi Ada', learnerId: ada } });
    await call('PUT', `${path}/follow`, { cookie: instructor, body: { lessonId: LESSON, slide: 3 } });
    await manager.connect(ada, 'dind', new RecordingClient()); // the reset above took her sandbox; her terminal opens a new one
    await body(await call('POST', `${path}/learners/${ada}/extend`, { cookie: instructor, body: { minutes: 10 } }), ExtendResponseSchema, 200);
    // Her environments: listed, exported (her /root as .tar.gz), deleted.
    const listed = await body(await call('GET', `${path}/learners/${ada}/environments`, { cookie: instructor }), LearnerEnvironmentsSchema, 200);
    assert.deepEqual(listed.environments.map((e) => [e.environment, e.state]), [['dind', 'running']]);
    const exportedRoot = await call('GET', `${path}/learners/${ada}/environments/dind/export`, { cookie: instructor });
    assert.equal(exportedRoot.status, 200);
    assert.match(exportedRoot.headers.get('content-disposition') ?? '', /^attachment; filename="drydock-.*-dind-root\.tar\.gz"$/);
    assert.match(gunzipSync(Buffer.from(await exportedRoot.arrayBuffer())).toString('latin1'), /root\/notes\.txt/, 'her files are in the archive');
    await refusal(await call('GET', `${path}/learners/${ada}/environments/dind:no-such/export`, { cookie: instructor }), 404);
    await refusal(await call('GET', `${path}/learners/${ada}/environments/${encodeURIComponent('bad env')}/export`, { cookie: instructor }), 400);
    await refusal(await call('GET', `${path}/learners/${ada}/environments`, { cookie: adaCookie }), 401);
    await empty(await call('DELETE', `${path}/learners/${ada}/environments/dind`, { cookie: instructor }));
    await refusal(await call('DELETE', `${path}/learners/${ada}/environments/dind`, { cookie: instructor }), 404);
    await manager.connect(ada, 'dind', new RecordingClient()); // she opens a lesson again
    await body(await call('POST', `${path}/learners/${ada}/reset`, { cookie: instructor }), ResetResponseSchema, 200);
    const ended = await body(await call('POST', `${path}/end`, { cookie: instructor }), EndedClassSchema, 200);
    assert.match(ended.exports.json, /format=json$/);
    for (let event = await events.next(); event; event = await events.next()) received.push(LearnerEventSchema.parse(event));
    assert.deepEqual(
      received.map((e) => e.event),
      ['class', 'message', 'follow', 'sandbox', 'sandbox', 'sandbox', 'ended'],
    );
    controller.abort();
    await refusal(await call('POST', '/api/classes/join', { cookie: stranger, body: { code: joinCode, displayName: 'Bo' } }), 410);
    const exported = await call('GET', `${path}/export?format=json`, { cookie: instructor });
    assert.match(exported.headers.get('content-disposition') ?? '', /^attachment; filename="class-contract-.*\.json"$/);
    const grades = await body(exported, ClassGradesFileSchema, 200);
    assert.deepEqual([...new Set(grades.grades.map((g) => g.displayName))], ['Ada L.']);
    const exitThree = grades.grades.find((g) => g.exerciseId === EXERCISE)!;
    assert.deepEqual([exitThree.hintsUsed, exitThree.solutionShown, exitThree.passedAfterSolution], [2, true, false], 'hints and the look are in the grades; no pass to mark');
  });

});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The events of a Server-Sent Events body, one at a time, as `{ event, data }` with the data JSON-parsed; null when the stream ends. */
function readEvents(body: ReadableStream<Uint8Array>): { next(): Promise<{ event: string; data: unknown } | null> } {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next() {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const fields = buffer.slice(0, end).split('\n');
          buffer = buffer.slice(end + 2);
          const event = fields.find((f) => f.startsWith('event: '))?.slice(7);
          const data = fields.filter((f) => f.startsWith('data: ')).map((f) => f.slice(6));
          if (event && data.length > 0) return { event, data: JSON.parse(data.join('\n')) };
          continue; // a comment (keepalive)
        }
        const { value, done } = await reader.read();
        if (done) return null;
        buffer += decoder.decode(value, { stream: true });
      }
    },
  };
}
