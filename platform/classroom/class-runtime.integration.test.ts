import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { cleanupServer, countLabelled, PROMPT, registryImage, requireDocker, startTestSandboxServer, TerminalSocket, testConfig, waitFor, type TestSandboxServer } from '../../sandbox-server/test/support';
import { execInSandbox } from '../../sandbox-server/test/sandboxes';
import { Label } from '../../sandbox-server/src/engine/docker/labels';
import { silentLogger } from '../../lib/logging/logger';
import { Store } from '../../lib/store';
import { ClassRuntime } from './class-runtime';

/**
 * A class's machinery on the real engine: its registry mirror seeded from the
 * lessons' images, warm sandboxes that use it, live help (extend, reset), and
 * ending the class: grades exported, nothing labelled with the class left.
 */
describe('class runtime (real engine)', () => {
  const config = testConfig();
  let docker: Docker;
  let server: TestSandboxServer;
  let store: Store;
  let runtime: ClassRuntime;
  let classId = '';
  const learners: { id: string; cookie: string; name: string }[] = [];
  /** Runs a script in the learner's sandbox (opening one if they have none); its stdout. */
  const execOk = async (learnerId: string, script: string): Promise<string> => {
    const r = await execInSandbox(server.service, learnerId, 'dind', ['bash', '-c', script], { timeoutMs: 60_000 });
    assert.equal(r.exitCode, 0, `\`${script}\` failed: ${r.stderr}`);
    return r.stdout.trim();
  };

  before(async () => {
    docker = await requireDocker();
    server = await startTestSandboxServer(config);
    store = new Store(server.data.databasePath);
    runtime = new ClassRuntime({ store, sandboxes: server.service, data: server.data, settings: { registry: true, registryImage: registryImage(), warmPoolMax: 2 }, log: silentLogger });
  });
  after(async () => {
    runtime.close();
    await server.close();
    store.close();
    assert.deepEqual(await cleanupServer(docker, config.serverId), { containers: 0, networks: 0, volumes: 0 });
  });

  test('creating a class starts its registry mirror, then warm sandboxes that use it', async () => {
    const record = store.classes.create({ name: 'Docker Friday', lessonIds: ['containers-101', 'registries'], durationMinutes: 60, expectedLearners: 5 });
    classId = record.id;
    const started = performance.now();
    runtime.prepare(record);
    await waitFor('the warm pool', () => runtime.status(classId).warm.state === 'ready', 180_000, 200);
    const status = runtime.status(classId);
    console.log(`# class ready (registry + ${status.warm.waiting} warm) in ${((performance.now() - started) / 1000).toFixed(1)} s; ${status.registry.message}`);
    assert.equal(status.registry.state, 'ready', status.registry.message);
    assert.deepEqual(status.warm, { state: 'ready', target: 2, waiting: 2 }, 'expected learners capped by warmPoolMax');
  });

  test('a learner who joins gets a warm sandbox whose engine pulls from the class mirror and pushes to the class registry, in their own namespace', async () => {
    for (const name of ['Ada', 'Grace']) {
      const learner = { ...server.newLearner(), name };
      learners.push(learner);
      store.touchLearner(learner.id); // the platform does this on the learner's first page load
      assert.equal(store.classes.join({ code: store.classes.get(classId)!.joinCode, learnerId: learner.id, displayName: name }).ok, true);
    }
    const ada = learners[0]!;
    const socket = await TerminalSocket.open(server.url, { origin: server.origin, cookie: ada.cookie });
    await socket.waitForHello(10_000);
    await socket.waitForText('the replayed prompt', PROMPT, 0, 10_000);
    assert.equal(runtime.status(classId).warm.waiting, 1, 'one warm sandbox was claimed');
    const r = await execInSandbox(server.service, ada.id, 'dind', ['bash', '-c', [
      "docker info --format '{{.RegistryConfig.Mirrors}}'",
      'docker rmi -f busybox >/dev/null',
      'docker pull -q busybox',
      'docker run --rm busybox echo pulled-from-the-mirror',
      'docker tag busybox drydock-registry:5000/ada/bb:1 && docker push -q drydock-registry:5000/ada/bb:1',
    ].join(' && ')], { timeoutMs: 60_000 });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /drydock-mirror:5000/);
    assert.match(r.stdout, /pulled-from-the-mirror/);
    assert.match(r.stdout, /drydock-registry:5000\/ada\/bb:1/);
    // The claim gave the sandbox Ada's login (namespace from her display name), and nobody else's.
    assert.equal(await execOk(ada.id, 'cat /root/.docker/drydock-registry'), 'drydock-registry:5000/ada');
    assert.deepEqual(Object.keys((JSON.parse(await execOk(ada.id, 'cat /root/.docker/config.json')) as { auths: object }).auths), ['drydock-registry:5000']);
    const intruding = await execInSandbox(server.service, ada.id, 'dind', ['bash', '-c', 'docker tag busybox drydock-registry:5000/grace/bb:1 && docker push drydock-registry:5000/grace/bb:1'], { timeoutMs: 60_000 });
    assert.notEqual(intruding.exitCode, 0, 'Ada may not push into Grace’s namespace');
    assert.match(intruding.stderr, /denied/);
    await socket.close();
  });

  test('extend moves the sandbox expiry; reset gives the learner a fresh sandbox of the class', async () => {
    const ada = learners[0]!;
    const before = (await server.service.driver.list()).find((i) => i.learnerId === ada.id)!;
    const expiresAt = await runtime.extend(classId, ada.id, 30);
    assert.equal(expiresAt, before.expiresAt + 30 * 60_000);
    const listed = (await server.service.driver.list()).find((i) => i.learnerId === ada.id)!;
    assert.equal(listed.expiresAt, expiresAt, 'the extension is recorded with the container (survives a restart)');
    assert.equal(await runtime.extend(classId, learners[1]!.id, 30), undefined, 'Grace has no sandbox yet');

    await runtime.reset(classId, ada.id);
    assert.equal((await server.service.driver.list()).some((i) => i.id === before.id), false, 'the old sandbox is gone');
  });

  test('after a restart the open class gets its registry back, reachable from its sandboxes, with its members’ logins, and its pool topped up', async () => {
    // Ada opens a lesson again (her sandbox was reset): she claims the waiting warm sandbox, with her login.
    const ada = learners[0]!;
    assert.equal(await execOk(ada.id, 'cat /root/.docker/drydock-registry'), 'drydock-registry:5000/ada');
    runtime.close();
    runtime = new ClassRuntime({ store, sandboxes: server.service, data: server.data, settings: { registry: true, registryImage: registryImage(), warmPoolMax: 2 }, log: silentLogger });
    await runtime.resumeOpenClasses();
    await waitFor('the registry and pool', () => runtime.status(classId).registry.state === 'ready' && runtime.status(classId).warm.state === 'ready', 120_000, 200);
    // Ada's sandbox counts towards the target (2 expected at most, 1 class sandbox exists): one new warm one.
    assert.deepEqual(runtime.status(classId).warm, { state: 'ready', target: 1, waiting: 1 });
    // The new registry knows Ada again (namespace from the store, the same derived password): her sandbox's login still pushes.
    assert.match(await execOk(ada.id, 'docker tag busybox drydock-registry:5000/ada/bb:2 && docker push -q drydock-registry:5000/ada/bb:2'), /ada\/bb:2/);
    const waiting = (await server.service.driver.list()).find((i) => i.classId === classId && !i.learnerId)!;
    const pulled = await server.service.driver.exec(waiting.id, ['sh', '-c', 'docker rmi -f busybox >/dev/null && docker pull -q busybox'], { timeoutMs: 60_000 });
    assert.equal(pulled.exitCode, 0, `the re-created mirror is reachable from an existing sandbox: ${pulled.stderr}`);
  });

  test('ending the class exports the grades and removes every sandbox, network, volume and registry of the class', async () => {
    // Grace opens a lesson (a sandbox of the class) before the end.
    const grace = learners[1]!;
    const socket = await TerminalSocket.open(server.url, { origin: server.origin, cookie: grace.cookie });
    await socket.waitForHello(60_000);
    const labelled = await countLabelled(docker, `${Label.class}=${classId}`);
    assert.ok(labelled.containers >= 3, `sandboxes + registries before the end: ${JSON.stringify(labelled)}`);

    const ended = await runtime.end(classId);
    assert.ok(ended);
    // Grace's (the warm sandbox started after the restart) and Ada's.
    assert.equal(ended.removedSandboxes, 2);
    assert.equal((await socket.whenClosed).code, 4410, "Grace's terminal is told the class ended");
    assert.deepEqual(await countLabelled(docker, `${Label.class}=${classId}`), { containers: 0, networks: 0, volumes: 0 });
    assert.notEqual(store.classes.get(classId)?.endedAt, null);

    const files = readdirSync(join(server.data.path, 'exports'));
    const csv = files.find((f) => f.endsWith('.csv'));
    assert.ok(csv && files.some((f) => f.endsWith('.json')), files.join(', '));
    const text = readFileSync(join(server.data.path, 'exports', csv), 'utf8');
    assert.match(text, /^class,name,learner,lesson,exercise,passed,attempts,first_passed_at,last_attempt_at,solution_shown_at,hints_used,solution_shown,passed_after_solution\r\n/);
    assert.match(text, /Docker Friday,Ada,/);
    assert.match(text, /Docker Friday,Grace,/);
    assert.equal((await runtime.end(classId))?.removedSandboxes, 0, 'ending again is harmless');
  });
});
