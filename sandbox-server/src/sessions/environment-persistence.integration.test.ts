import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { CloseCode, type ServerControl } from '../../../protocol';
import type { SandboxServerConfig } from '../config/config';
import { sessionManagersOnRealEngine } from '../../test/real-engine-managers';
import { PROMPT, RecordingClient, testConfig, waitFor } from '../../test/support';

/**
 * Environments against the real engine, in the tier the environment names:
 * work done in one lesson's environment survives parking (idle), a platform
 * restart, and comes back with its files, inner images, volumes and shell
 * history; two lessons' environments never share a sandbox; eviction at the
 * cap removes the oldest, and nothing is left behind.
 */

const learner = (): string => randomBytes(16).toString('base64url');

function helloOf(client: RecordingClient): Extract<ServerControl, { type: 'hello' }> {
  const hello = client.controls.find((m): m is Extract<ServerControl, { type: 'hello' }> => m.type === 'hello');
  assert.ok(hello, `no hello; controls: ${JSON.stringify(client.controls)}`);
  return hello;
}

function type(session: { input(data: Uint8Array): void }, text: string): void {
  session.input(Buffer.from(text, 'utf8'));
}

describe('environments with the Docker driver (real engine): parked, restored, evicted', () => {
  const engine = sessionManagersOnRealEngine();
  const setup = engine.setup;

  test('persist → leave → platform restart → return: files, inner images, volumes and history are back', { timeout: 6 * 60_000 }, async () => {
    const base = testConfig();
    const config: SandboxServerConfig = { ...base, limits: { ...base.limits, idleTimeoutMs: 1_000 } };
    const L = learner();
    const first = setup(config);

    // Two lessons' environments are two sandboxes.
    const other = await first.manager.connect(L, 'dind:volumes', new RecordingClient());
    const c1 = new RecordingClient();
    const s1 = await first.manager.connect(L, 'dind:networking', c1);
    assert.notEqual(s1.info.id, other.info.id, 'each lesson environment has its own sandbox');
    await waitFor('the first prompt', () => PROMPT.test(c1.text()), 90_000);
    await waitFor('the inner engine', () => s1.engineReady, 90_000);
    const id = s1.info.id;
    type(s1, 'mkdir -p /root/work && echo kept-$((6*7)) > /root/work/note && printf "FROM scratch\\nCOPY note /note\\n" > /root/work/Dockerfile\r');
    type(s1, 'docker build -q -t mine:1 /root/work && docker volume create keepvol && echo history-marker-$((40+2))\r');
    await waitFor('the build, the volume and the marker', () => /^history-marker-42\r?$/m.test(c1.text()), 120_000);

    // Leave: the browser goes, the sandbox is idle, the sweep parks it (stopped, kept).
    first.manager.disconnect(s1, c1);
    await new Promise((r) => setTimeout(r, 1_200));
    const parkStarted = Date.now();
    await first.manager.sweep();
    const parkMs = Date.now() - parkStarted;
    const parkedState = (await engine.docker.getContainer(id).inspect()).State;
    assert.equal(parkedState.Running, false, 'a parked environment is stopped');
    assert.deepEqual(first.manager.environmentsOf(L).find((e) => e.environment === 'dind:networking')?.state, 'parked');

    // The platform restarts: a new manager with the same server id finds it parked.
    first.manager.shutdown();
    const second = setup(config);
    const reconciled = await second.manager.reconcile();
    // The other lesson's environment still had a browser, so it ran: adopted to reattach. This one was stopped: parked again.
    assert.deepEqual(reconciled, { kept: 1, parked: 1, removed: 0 });

    // An instructor's export reads the parked sandbox's /root without starting it.
    const chunks: Buffer[] = [];
    for await (const chunk of await second.driver.exportFolder(id, '/root')) chunks.push(Buffer.from(chunk as Buffer));
    const tar = Buffer.concat(chunks).toString('latin1');
    assert.match(tar, /root\/work\/note/, 'the export holds the file');
    assert.match(tar, /kept-42/, "and the file's content");
    assert.equal((await engine.docker.getContainer(id).inspect()).State.Running, false, 'exporting did not start it');

    const c2 = new RecordingClient();
    const restoreStarted = Date.now();
    const s2 = await second.manager.connect(L, 'dind:networking', c2);
    await waitFor('the restored inner engine', () => s2.engineReady, 90_000);
    const restoreMs = Date.now() - restoreStarted;
    assert.equal(s2.info.id, id, 'the same sandbox');
    const hello = helloOf(c2);
    assert.ok(hello.restoredFrom && Math.abs(hello.restoredFrom - parkStarted) < 60_000, `restored from when it was parked (${hello.restoredFrom})`);

    const check = async (script: string) => (await second.driver.exec(id, ['bash', '-c', script], { timeoutMs: 30_000 })).stdout.trim();
    assert.equal(await check('cat /root/work/note'), 'kept-42', 'files');
    assert.equal(await check('docker image inspect -f ok mine:1'), 'ok', 'inner images');
    assert.equal(await check('docker volume inspect -f ok keepvol'), 'ok', 'inner volumes');
    assert.match(await check('cat /root/.bash_history'), /echo history-marker-\$\(\(40\+2\)\)/, 'shell history');
    const disk = await check("du -sx --block-size=1M /root /var/lib/docker 2>/dev/null | awk '{s+=$1} END {print s}'");
    console.log(`# environment figures: park ${parkMs} ms, restore to a ready inner engine ${restoreMs} ms, sandbox data ${disk} MiB (/root + /var/lib/docker)`);

    // The terminal answers in the restored shell.
    await waitFor('a prompt in the restored shell', () => PROMPT.test(c2.text()), 60_000);
    const from = c2.text().length;
    type(s2, 'cat /root/work/note\r');
    await waitFor('the shell reading the kept file', () => /kept-42/.test(c2.text().slice(from)), 30_000);

    await second.manager.reset(L, 'dind:networking');
    await second.manager.reset(L, 'dind:volumes');
    assert.deepEqual(second.manager.environmentsOf(L), []);
    await assert.rejects(engine.docker.getContainer(id).inspect(), /no such container/i);
  });

  test('eviction at the cap: the oldest parked environment is removed with everything it had, its learner told at the next visit', { timeout: 5 * 60_000 }, async () => {
    const base = testConfig();
    const config: SandboxServerConfig = { ...base, environments: { ...base.environments, runningPerLearner: 1, keptPerLearner: 1 } };
    const { manager, driver } = setup(config);
    const L = learner();
    const c1 = new RecordingClient();
    const one = await manager.connect(L, 'dind:one', c1);
    const oneNetwork = (await engine.docker.getContainer(one.info.id).inspect()).HostConfig.NetworkMode;
    await manager.connect(L, 'dind:two', new RecordingClient()); // parks one (one running per learner)
    assert.equal(c1.closed?.code, CloseCode.EXPIRED);
    assert.equal((await engine.docker.getContainer(one.info.id).inspect()).State.Running, false);
    const three = await manager.connect(L, 'dind:three', new RecordingClient()); // parks two; one is evicted
    await assert.rejects(engine.docker.getContainer(one.info.id).inspect(), /no such container/i, 'evicted: the container');
    await assert.rejects(engine.docker.getNetwork(oneNetwork!).inspect(), /no such network|not found/i, 'evicted: its network');
    assert.deepEqual(
      manager.environmentsOf(L).map((e) => [e.environment, e.state]),
      [['dind:three', 'running'], ['dind:two', 'parked']],
    );
    assert.equal((await driver.list()).length, 2);

    const back = new RecordingClient();
    await manager.connect(L, 'dind:one', back);
    assert.equal(helloOf(back).lost, 'evicted');
    assert.notEqual(three.info.id, undefined);

    for (const environment of ['dind:one', 'dind:two', 'dind:three']) await manager.reset(L, environment);
    assert.deepEqual(await driver.list(), [], 'cleanup counts back to zero');
  });

  test('a warm sandbox claimed for an environment is that environment after a restart (recorded in its name)', { timeout: 4 * 60_000 }, async () => {
    const config = testConfig();
    const first = setup(config);
    await first.manager.warm({ pool: 'class-x', count: 1, profile: 'dind', classId: 'class-x' });
    first.manager.setPlacement(() => ({ classId: 'class-x', pool: 'class-x' }));
    const L = learner();
    const session = await first.manager.connect(L, 'dind:networking', new RecordingClient());
    assert.equal((await engine.docker.getContainer(session.info.id).inspect()).Config.Labels['drydock.profile'], 'dind', 'made for the profile');
    first.manager.shutdown();
    const second = setup(config);
    await second.manager.reconcile();
    assert.equal(second.manager.sandboxIdOf(L, 'dind:networking'), session.info.id, 'adopted as the environment it was claimed for');
    await second.manager.reset(L, 'dind:networking');
    assert.deepEqual(await second.driver.list(), []);
  });
});
