import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { cleanupServer, countLabelled, RecordingClient, requireDocker, stripAnsi, testConfig, testDriver, waitFor } from '../test/support';
import { Label } from './drivers/labels';
import { silentLogger } from './logger';
import { SessionManager } from './session-manager';

const CLASS_SIZE = Number(process.env.DRYDOCK_TEST_CLASS_SIZE ?? 10);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * A whole class on the real engine: a warm pool of CLASS_SIZE sandboxes, every
 * learner claims one and gets a prompt without waiting for a container, every
 * inner engine runs a container, then ending the class leaves nothing labelled
 * with it.
 */
describe(`a class of ${CLASS_SIZE} learners (real engine)`, () => {
  const config = testConfig();
  const driver = testDriver(config);
  const manager = new SessionManager(driver, config, silentLogger);
  const classId = `class-${config.serverId}`;
  const learners = Array.from({ length: CLASS_SIZE }, (_, i) => `learner-${i}`);
  const clients = new Map<string, RecordingClient>();
  let docker: Docker;

  before(async () => {
    docker = await requireDocker();
    manager.setPlacement(() => ({ classId, pool: classId }));
  });
  after(async () => {
    manager.shutdown();
    assert.deepEqual(await cleanupServer(docker, config.serverId), { containers: 0, networks: 0, volumes: 0 });
  });

  test('creating the class warms one sandbox per expected learner', async () => {
    const filled = await manager.warm({ pool: classId, count: CLASS_SIZE, profile: 'dind', classId });
    console.log(`# warm pool: ${filled.started} sandboxes ready in ${(filled.durationMs / 1000).toFixed(1)} s`);
    assert.equal(filled.failed, 0);
    assert.equal(manager.warmCount(classId), CLASS_SIZE);
    assert.deepEqual(await countLabelled(docker, `${Label.class}=${classId}`), { containers: CLASS_SIZE, networks: CLASS_SIZE, volumes: CLASS_SIZE });
  });

  test('every learner gets a prompt from a warm sandbox at once', async () => {
    const waits: number[] = [];
    await Promise.all(
      learners.map(async (learner) => {
        const client = new RecordingClient();
        clients.set(learner, client);
        const started = performance.now();
        const session = await manager.connect(learner, 'dind', client);
        await session.resize({ cols: 100, rows: 30 });
        await waitFor(`${learner}'s prompt`, () => stripAnsi(client.output).includes('root@sandbox:~#'), 10_000);
        waits.push(performance.now() - started);
      }),
    );
    console.log(`# first prompt from the warm pool: median ${median(waits).toFixed(0)} ms, max ${Math.max(...waits).toFixed(0)} ms over ${waits.length} learners`);
    assert.equal(manager.warmCount(classId), 0, 'all claimed');
    const infos = await driver.list();
    assert.deepEqual(infos.map((i) => i.learnerId).sort(), [...learners].sort(), 'each claim is recorded on the container');
  });

  test('every sandbox runs its own inner engine; idle memory per sandbox measured', async () => {
    const results = await Promise.all(
      learners.map((learner) => manager.exec(learner, 'dind', ['sh', '-c', `docker run --rm busybox echo hello-${learner}`], { timeoutMs: 60_000 })),
    );
    results.forEach((r, i) => assert.equal(r.stdout.trim(), `hello-${learners[i]}`, r.stderr));
    const memory = await Promise.all(
      (await driver.list()).map(async (info) => {
        const stats = (await docker.getContainer(info.id).stats({ stream: false })) as { memory_stats: { usage?: number; stats?: { cache?: number; inactive_file?: number } } };
        const { usage = 0, stats: s = {} } = stats.memory_stats;
        return (usage - (s.inactive_file ?? s.cache ?? 0)) / 1024 / 1024;
      }),
    );
    console.log(`# idle memory per sandbox: median ${median(memory).toFixed(0)} MiB (min ${Math.min(...memory).toFixed(0)}, max ${Math.max(...memory).toFixed(0)})`);
    assert.equal(memory.length, CLASS_SIZE);
  });

  test('ending the class removes its sandboxes and everything made for them', async () => {
    const removed = await manager.removeClass(classId);
    assert.equal(removed, CLASS_SIZE);
    for (const client of clients.values()) assert.equal(client.closed?.code, 4410, 'each learner is told the class ended');
    assert.deepEqual(await countLabelled(docker, `${Label.class}=${classId}`), { containers: 0, networks: 0, volumes: 0 });
  });
});
