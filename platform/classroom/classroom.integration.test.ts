import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { cleanupServer, countLabelled, RecordingClient, registryImage, requireDocker, startTestSandboxServer, stripAnsi, testConfig, waitFor, type TestSandboxServer } from '../../sandbox-server/test/support';
import { execInSandbox } from '../../sandbox-server/test/sandboxes';
import { Label } from '../../sandbox-server/src/engine/docker/labels';
import { silentLogger } from '../../lib/logging/logger';
import type { SessionManager } from '../../sandbox-server/src/sessions/session-manager';
import { Store } from '../../lib/store';
import { ClassRuntime } from './class-runtime';

const CLASS_SIZE = Number(process.env.DRYDOCK_TEST_CLASS_SIZE ?? 10);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * A whole class on the real engine, through the class runtime the platform
 * uses: its registry mirror and a warm pool of CLASS_SIZE sandboxes, every
 * learner claims one and gets a prompt without waiting for a container, every
 * inner engine pulls and runs a container through the mirror, then ending the
 * class leaves nothing labelled with it.
 */
describe(`a class of ${CLASS_SIZE} learners (real engine)`, () => {
  const config = testConfig();
  let server: TestSandboxServer;
  let manager: SessionManager;
  let store: Store;
  let runtime: ClassRuntime;
  let classId = '';
  const learners = Array.from({ length: CLASS_SIZE }, (_, i) => `learner-${i}`);
  const clients = new Map<string, RecordingClient>();
  let docker: Docker;

  before(async () => {
    docker = await requireDocker();
    server = await startTestSandboxServer(config);
    manager = server.service.manager;
    store = new Store(server.data.databasePath);
    runtime = new ClassRuntime({ store, sandboxes: server.service, data: server.data, settings: { registry: true, registryImage: registryImage(), warmPoolMax: CLASS_SIZE }, log: silentLogger });
  });
  after(async () => {
    runtime.close();
    await server.close();
    store.close();
    assert.deepEqual(await cleanupServer(docker, config.serverId), { containers: 0, networks: 0, volumes: 0 });
  });

  test('creating the class starts its registry mirror and warms one sandbox per expected learner', async () => {
    const record = store.classes.create({ name: 'Full room', lessonIds: ['containers-101'], durationMinutes: 90, expectedLearners: CLASS_SIZE });
    classId = record.id;
    for (const learner of learners) {
      store.touchLearner(learner);
      store.classes.join({ code: record.joinCode, learnerId: learner, displayName: learner });
    }
    const started = performance.now();
    runtime.prepare(record);
    await waitFor('the warm pool', () => runtime.status(classId).warm.state !== 'filling' && runtime.status(classId).warm.state !== 'off', 300_000, 250);
    const status = runtime.status(classId);
    console.log(`# class ready: registry mirror + ${status.warm.waiting} warm sandboxes in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    assert.equal(status.registry.state, 'ready', status.registry.message);
    assert.deepEqual(status.warm, { state: 'ready', target: CLASS_SIZE, waiting: CLASS_SIZE });
    const labelled = await countLabelled(docker, `${Label.class}=${classId}`);
    assert.equal(labelled.containers, CLASS_SIZE + 2, 'the sandboxes, the mirror and the class registry');
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
    assert.equal(runtime.status(classId).warm.waiting, 0, 'all claimed');
    const infos = await server.service.driver.list();
    assert.deepEqual(infos.map((i) => i.learnerId).sort(), [...learners].sort(), 'each claim is recorded on the container');
  });

  test('every sandbox runs its own inner engine; idle memory per sandbox measured', async () => {
    const results = await Promise.all(
      // Each engine drops its offline busybox and pulls it again, from the class mirror.
      learners.map((learner) => execInSandbox(server.service, learner, 'dind', ['sh', '-c', `docker rmi -f busybox >/dev/null && docker pull -q busybox >/dev/null && docker run --rm busybox echo hello-${learner}`], { timeoutMs: 120_000 })),
    );
    results.forEach((r, i) => assert.equal(r.stdout.trim(), `hello-${learners[i]}`, r.stderr));
    const memory = await Promise.all(
      (await server.service.driver.list()).map(async (info) => {
        const stats = (await docker.getContainer(info.id).stats({ stream: false })) as { memory_stats: { usage?: number; stats?: { cache?: number; inactive_file?: number } } };
        const { usage = 0, stats: s = {} } = stats.memory_stats;
        return (usage - (s.inactive_file ?? s.cache ?? 0)) / 1024 / 1024;
      }),
    );
    console.log(`# idle memory per sandbox: median ${median(memory).toFixed(0)} MiB (min ${Math.min(...memory).toFixed(0)}, max ${Math.max(...memory).toFixed(0)})`);
    assert.equal(memory.length, CLASS_SIZE);
  });

  test('ending the class removes its sandboxes and everything made for them', async () => {
    const ended = await runtime.end(classId);
    assert.equal(ended?.removedSandboxes, CLASS_SIZE);
    for (const client of clients.values()) assert.equal(client.closed?.code, 4410, 'each learner is told the class ended');
    assert.deepEqual(await countLabelled(docker, `${Label.class}=${classId}`), { containers: 0, networks: 0, volumes: 0 });
  });
});
