import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Docker from 'dockerode';
import { cleanupServer, PROMPT, TerminalSocket } from '../sandbox-server/test/support';
import { startPlatformProcess, type RunningPlatform } from './support/platform-process';

interface Verdict {
  passed: boolean;
  attempt: number;
  everPassed: boolean;
}

/**
 * Progress is never lost: the real platform (npm start) is killed with
 * SIGKILL while it grades, restarted on the same data folder, and the
 * learner's attempts, their sandbox and the database are all intact.
 */
describe('progress survives kill -9 in the middle of grading', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'drydock-durability-'));
  let platform: RunningPlatform;
  let cookie = '';
  let serverId = '';

  const check = async (url: string): Promise<Response> =>
    fetch(`${url}/api/lessons/containers-101/exercises/exit-three/check`, { method: 'POST', headers: { cookie, origin: url } });
  const progress = async (url: string) =>
    ((await (await fetch(`${url}/api/progress`, { headers: { cookie } })).json()) as { lessons: Record<string, { exercises: Record<string, { attempts: number; passed: boolean }> }> }).lessons;

  before(async () => {
    platform = await startPlatformProcess({ dataDir });
    serverId = platform.serverId;
    const page = await fetch(`${platform.url}/lessons/containers-101`);
    cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    const socket = await TerminalSocket.open(`${platform.url.replace('http', 'ws')}/ws/terminal?profile=dind`, { cookie, origin: platform.url });
    await socket.waitForText('the sandbox prompt', PROMPT, 0, 60_000);
    await socket.close();
  });
  after(async () => {
    await platform?.stop();
    assert.deepEqual(await cleanupServer(new Docker(), serverId), { containers: 0, networks: 0, volumes: 0 });
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a recorded attempt, then SIGKILL while the next check runs', async () => {
    const first = (await (await check(platform.url)).json()) as Verdict;
    assert.deepEqual([first.passed, first.attempt], [false, 1]);
    const inFlight = check(platform.url).catch((error: Error) => error);
    await new Promise((r) => setTimeout(r, 15));
    platform.child.kill('SIGKILL');
    const outcome = await inFlight;
    // Either the check finished before the kill (a full verdict) or the connection died; never a half answer.
    if (!(outcome instanceof Error)) assert.equal(outcome.status, 200);
    console.log(`# the kill landed ${outcome instanceof Error ? 'mid-grade (the connection died)' : 'after the verdict'}`);
    await new Promise((resolve) => (platform.child.exitCode !== null ? resolve(null) : platform.child.once('exit', resolve)));
  });

  test('the database is intact and every stored attempt has its progress row', () => {
    const db = new Database(join(dataDir, 'drydock.db'), { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      const attempts = (db.prepare('SELECT count(*) AS n FROM check_attempts').get() as { n: number }).n;
      const recorded = (db.prepare('SELECT attempts FROM exercise_progress').get() as { attempts: number }).attempts;
      assert.ok(attempts === 1 || attempts === 2, `attempts stored: ${attempts}`);
      assert.equal(recorded, attempts, 'progress agrees with the attempts (written in one transaction)');
    } finally {
      db.close();
    }
  });

  test('after a restart: same sandbox, same progress, and the attempt count goes on', async () => {
    platform = await startPlatformProcess({ dataDir });
    assert.equal(platform.serverId, serverId);
    const before = (await progress(platform.url))['containers-101']!.exercises['exit-three']!;
    const socket = await TerminalSocket.open(`${platform.url.replace('http', 'ws')}/ws/terminal?profile=dind`, { cookie, origin: platform.url });
    const hello = await socket.waitForHello();
    assert.equal(hello.reattached, true, 'the restarted server adopted the sandbox');
    socket.type("docker run --name three busybox sh -c 'exit 3'; echo done-$((1+1))\r");
    await socket.waitForText('the container to run', /done-2/, 0, 30_000);
    await socket.close();
    const next = (await (await check(platform.url)).json()) as Verdict;
    assert.deepEqual([next.passed, next.attempt], [true, before.attempts + 1]);
    assert.equal((await progress(platform.url))['containers-101']!.exercises['exit-three']!.passed, true);
  });
});
