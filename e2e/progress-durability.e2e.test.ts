import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Docker from 'dockerode';
import { cleanupServer, PROMPT, TerminalSocket } from '../sandbox-server/test/support';
import { ROOM_FOR_A_LEARNER_PER_TEST, startPlatformProcess, type RunningPlatform } from './support/platform-process';

interface Verdict {
  passed: boolean;
  attempt: number;
  everPassed: boolean;
}

/** A learner as the HTTP API knows them: their cookie, and the id in it. */
interface Learner {
  cookie: string;
  id: string;
}

/**
 * Progress is never lost: the real platform (npm start) is killed with
 * SIGKILL while it grades, restarted on the same data folder, and the
 * learner's attempts, their sandbox and the database are all intact.
 *
 * One data folder for the file. Every test is a new learner who makes an
 * attempt and then has the platform killed under their next check
 * (killWhileGrading); the next test that needs the platform starts it again.
 * So each test runs alone and in any order, and reads only its own learner's rows.
 */
describe('progress survives kill -9 in the middle of grading', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'drydock-durability-'));
  let platform: RunningPlatform;
  let serverId = '';

  const check = async (url: string, learner: Learner): Promise<Response> =>
    fetch(`${url}/api/lessons/containers-101/exercises/exit-three/check`, { method: 'POST', headers: { cookie: learner.cookie, origin: url } });
  const progress = async (url: string, learner: Learner) =>
    ((await (await fetch(`${url}/api/progress`, { headers: { cookie: learner.cookie } })).json()) as { lessons: Record<string, { exercises: Record<string, { attempts: number; passed: boolean }> }> }).lessons;
  const start = () => startPlatformProcess({ dataDir, env: ROOM_FOR_A_LEARNER_PER_TEST });

  /** The platform on the file's data folder, started again if a test killed it. */
  const running = async (): Promise<RunningPlatform> => {
    if (platform.child.exitCode !== null || platform.child.signalCode !== null) platform = await start();
    return platform;
  };

  /** A new learner (the cookie the first page gives), whose sandbox is up. */
  const learnerWithSandbox = async (url: string): Promise<Learner> => {
    const page = await fetch(`${url}/lessons/containers-101`);
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    const socket = await TerminalSocket.open(`${url.replace('http', 'ws')}/ws/terminal?env=dind:containers-101`, { cookie, origin: url });
    await socket.waitForText('the sandbox prompt', PROMPT, 0, 60_000);
    await socket.close();
    return { cookie, id: cookie.split('=')[1]!.split('.')[1]! };
  };

  /**
   * A new learner's first check is recorded (it fails: nothing done yet); then
   * the platform is killed with SIGKILL 15 ms into their second check. Resolves
   * once the platform has exited, with the first verdict and what the second
   * check's request came to.
   */
  const killWhileGrading = async (): Promise<{ learner: Learner; first: Verdict; outcome: Response | Error }> => {
    const killed = await running();
    const learner = await learnerWithSandbox(killed.url);
    const first = (await (await check(killed.url, learner)).json()) as Verdict;
    const inFlight = check(killed.url, learner).catch((error: Error) => error);
    await new Promise((r) => setTimeout(r, 15));
    killed.child.kill('SIGKILL');
    const outcome = await inFlight;
    await new Promise((resolve) => (killed.child.exitCode !== null || killed.child.signalCode !== null ? resolve(null) : killed.child.once('exit', resolve)));
    return { learner, first, outcome };
  };

  before(async () => {
    platform = await start();
    serverId = platform.serverId;
  });
  after(async () => {
    await platform?.stop();
    assert.deepEqual(await cleanupServer(new Docker(), serverId), { containers: 0, networks: 0, volumes: 0 });
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a recorded attempt, then SIGKILL while the next check runs', async () => {
    const { first, outcome } = await killWhileGrading();
    assert.deepEqual([first.passed, first.attempt], [false, 1]);
    // Either the check finished before the kill (a full verdict) or the connection died; never a half answer.
    if (!(outcome instanceof Error)) assert.equal(outcome.status, 200);
    console.log(`# the kill landed ${outcome instanceof Error ? 'mid-grade (the connection died)' : 'after the verdict'}`);
  });

  test('the database is intact and every stored attempt has its progress row', async () => {
    const { learner } = await killWhileGrading();
    const db = new Database(join(dataDir, 'drydock.db'), { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      const attempts = (db.prepare('SELECT count(*) AS n FROM check_attempts WHERE learner_id = ?').get(learner.id) as { n: number }).n;
      const recorded = (db.prepare('SELECT attempts FROM exercise_progress WHERE learner_id = ?').get(learner.id) as { attempts: number }).attempts;
      assert.ok(attempts === 1 || attempts === 2, `attempts stored: ${attempts}`);
      assert.equal(recorded, attempts, 'progress agrees with the attempts (written in one transaction)');
    } finally {
      db.close();
    }
  });

  test('after a restart: same sandbox, same progress, and the attempt count goes on', async () => {
    const { learner } = await killWhileGrading();
    platform = await start();
    assert.equal(platform.serverId, serverId);
    const before = (await progress(platform.url, learner))['containers-101']!.exercises['exit-three']!;
    const socket = await TerminalSocket.open(`${platform.url.replace('http', 'ws')}/ws/terminal?env=dind:containers-101`, { cookie: learner.cookie, origin: platform.url });
    const hello = await socket.waitForHello();
    assert.equal(hello.reattached, true, 'the restarted server adopted the sandbox');
    socket.type("docker run --name three busybox sh -c 'exit 3'; echo done-$((1+1))\r");
    await socket.waitForText('the container to run', /done-2/, 0, 30_000);
    await socket.close();
    const next = (await (await check(platform.url, learner)).json()) as Verdict;
    assert.deepEqual([next.passed, next.attempt], [true, before.attempts + 1]);
    assert.equal((await progress(platform.url, learner))['containers-101']!.exercises['exit-three']!.passed, true);
  });
});
