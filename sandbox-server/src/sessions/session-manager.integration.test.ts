import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import type Docker from 'dockerode';
import { CloseCode, type ServerControl } from '../../../protocol';
import type { SandboxServerConfig } from '../config/config';
import { sessionManagersOnRealEngine } from '../../test/real-engine-managers';
import { removeEverySandbox } from '../../test/sandboxes';
import { PROMPT, RecordingClient, testConfig, waitFor } from '../../test/support';

/**
 * SessionManager with the real Docker driver: adopting sandboxes after a
 * server restart, reaping expired and idle ones, and bringing a sandbox back
 * when its main process dies.
 */

const PROFILE = 'dind';
/** These tests are about removal: without a keep window what goes idle or expires is removed (environment-persistence.integration.test.ts parks). */
const NO_KEEP = { ...testConfig().environments, keepMs: 0 };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const learner = (): string => randomBytes(16).toString('base64url');

function statuses(controls: ServerControl[]): string[] {
  return controls.flatMap((m) => (m.type === 'status' ? [m.state] : []));
}

function helloOf(client: RecordingClient): Extract<ServerControl, { type: 'hello' }> {
  const hello = client.controls.find((m): m is Extract<ServerControl, { type: 'hello' }> => m.type === 'hello');
  assert.ok(hello, `no hello; controls: ${JSON.stringify(client.controls)}`);
  return hello;
}

/** Waits for `pattern` in what the client received after `from` characters of its output. */
async function waitForOutput(client: RecordingClient, what: string, pattern: RegExp, from = 0, timeoutMs = 30_000): Promise<void> {
  await waitFor(what, () => pattern.test(client.text().slice(from)), timeoutMs);
}

function type(session: { input(data: Uint8Array): void }, text: string): void {
  session.input(Buffer.from(text, 'utf8'));
}

async function networkExists(docker: Docker, name: string): Promise<boolean> {
  return docker
    .getNetwork(name)
    .inspect()
    .then(() => true)
    .catch((error: { statusCode?: number }) => {
      if (error.statusCode === 404) return false;
      throw error;
    });
}

async function containerExists(docker: Docker, id: string): Promise<boolean> {
  return docker
    .getContainer(id)
    .inspect()
    .then(() => true)
    .catch((error: { statusCode?: number }) => {
      if (error.statusCode === 404) return false;
      throw error;
    });
}

describe('SessionManager with the Docker driver (real engine)', () => {
  const engine = sessionManagersOnRealEngine();
  const setup = engine.setup;

  test('server restart: a new manager with the same server id reattaches to the same container, files intact', async () => {
    const config = testConfig();
    const L = learner();
    const first = setup(config);
    const c1 = new RecordingClient();
    const s1 = await first.manager.connect(L, PROFILE, c1);
    assert.equal(helloOf(c1).reattached, false);
    await waitForOutput(c1, 'the first prompt', PROMPT, 0, 60_000);
    let from = c1.text().length;
    type(s1, 'touch /root/survivor && echo made-$((1+1))\r');
    await waitForOutput(c1, 'the touch', /^made-2\r?$/m, from);
    const id = s1.info.id;

    first.manager.shutdown();
    assert.deepEqual(c1.closed, { code: CloseCode.SHUTDOWN, reason: 'The server is restarting; your sandbox is kept.' });
    assert.equal(statuses(c1.controls).at(-1), 'removed');
    assert.equal(first.manager.size, 0, 'shutdown forgets the live session');
    assert.equal((await engine.docker.getContainer(id).inspect()).State.Running, true, 'shutdown keeps the container running');

    const second = setup(config);
    assert.deepEqual(await second.manager.reconcile(), { kept: 1, parked: 0, removed: 0 });
    assert.equal(second.manager.size, 1);
    const c2 = new RecordingClient();
    const s2 = await second.manager.connect(L, PROFILE, c2);
    assert.equal(s2.info.id, id, 'the same container');
    const hello = helloOf(c2);
    assert.equal(hello.reattached, true);
    assert.equal(hello.sandboxId, id.slice(0, 12));
    assert.equal(second.manager.size, 1, 'the dormant entry became the live session');

    const probe = await second.driver.exec(id, ['test', '-e', '/root/survivor'], { timeoutMs: 10_000 });
    assert.equal(probe.exitCode, 0, '/root/survivor still exists');
    from = c2.text().length;
    type(s2, 'ls /root/survivor && echo again-$((2+3))\r');
    await waitForOutput(c2, 'the reattached shell answering', /^\/root\/survivor\r?\n(.*\n)?again-5\r?$/m, from);

    await removeEverySandbox(second.manager, second.driver);
    assert.equal(await containerExists(engine.docker, id), false);
  });

  test('reconcile removes a sandbox whose lifetime has passed, with its network, and keeps none (no keep window)', async () => {
    const config = testConfig({ environments: NO_KEEP });
    const { driver, manager } = setup(config);
    const sessionId = `exp${randomBytes(4).toString('hex')}`;
    const info = await driver.create({ learnerId: learner(), profile: PROFILE, sessionId, expiresAt: Date.now() - 1_000, limits: config.limits });
    assert.equal(await containerExists(engine.docker, info.id), true);
    assert.equal(await networkExists(engine.docker, `drydock-sb-${sessionId}`), true);

    assert.deepEqual(await manager.reconcile(), { kept: 0, parked: 0, removed: 1 });
    assert.equal(manager.size, 0);
    assert.equal(await containerExists(engine.docker, info.id), false);
    assert.equal(await networkExists(engine.docker, `drydock-sb-${sessionId}`), false);
    assert.deepEqual(await driver.list(), []);
  });

  test('lifetime: sweep removes a sandbox past maxLifetimeMs, tells the client why (expired, 4410), and takes its network', async () => {
    const base = testConfig({ environments: NO_KEEP });
    // Long enough that connecting (disk, engine start, prompt: seconds on a busy machine) ends before it.
    const config: SandboxServerConfig = { ...base, limits: { ...base.limits, maxLifetimeMs: 12_000 } };
    const { manager } = setup(config);
    const L = learner();
    const client = new RecordingClient();
    const session = await manager.connect(L, PROFILE, client);
    const id = session.info.id;
    const network = (await engine.docker.getContainer(id).inspect()).HostConfig.NetworkMode;
    assert.ok(network?.startsWith('drydock-sb-'));
    assert.equal(helloOf(client).expiresAt, session.info.expiresAt);

    // Before the deadline, sweep keeps it (the client is connected, so it is not idle either).
    await manager.sweep();
    assert.equal(manager.sandboxIdOf(L, PROFILE), session.info.id);
    assert.equal(session.isDisposed, false);
    await waitFor('the lifetime to pass', () => Date.now() > session.info.expiresAt, 20_000);
    await manager.sweep();

    assert.equal(statuses(client.controls).at(-1), 'expired');
    assert.equal(client.closed?.code, CloseCode.EXPIRED);
    assert.match(client.closed?.reason ?? '', /maximum lifetime/);
    assert.equal(manager.sandboxIdOf(L, PROFILE), undefined);
    assert.equal(manager.size, 0);
    assert.equal(session.isDisposed, true);
    assert.equal(await containerExists(engine.docker, id), false);
    assert.equal(await networkExists(engine.docker, network!), false);
  });

  test('idle: sweep keeps an idle sandbox while a client is connected and removes it once nobody is', async () => {
    const base = testConfig({ environments: NO_KEEP });
    const config: SandboxServerConfig = { ...base, limits: { ...base.limits, idleTimeoutMs: 1_000 } };
    const { manager } = setup(config);
    const L = learner();
    const client = new RecordingClient();
    const session = await manager.connect(L, PROFILE, client);
    const id = session.info.id;
    await waitForOutput(client, 'the first prompt', PROMPT, 0, 60_000);

    // No input for longer than the idle timeout, but a browser is watching: kept.
    await waitFor('idle time to pass', () => Date.now() - session.lastActivityAt > 1_500, 10_000);
    await manager.sweep();
    assert.equal(manager.sandboxIdOf(L, PROFILE), session.info.id);
    assert.equal(session.isDisposed, false);
    assert.equal(client.closed, null);
    assert.equal(await containerExists(engine.docker, id), true);

    manager.disconnect(session, client);
    assert.equal(session.clientCount, 0);
    // Disconnecting counts as activity; it stays until idle again.
    await manager.sweep();
    assert.equal(manager.sandboxIdOf(L, PROFILE), session.info.id, 'just disconnected is not idle yet');
    assert.equal(session.isDisposed, false);
    await sleep(1_200);
    await manager.sweep();
    assert.equal(manager.sandboxIdOf(L, PROFILE), undefined);
    assert.equal(session.isDisposed, true);
    assert.equal(await containerExists(engine.docker, id), false);
    assert.equal(client.closed, null, 'a client that left is not sent anything');
  });

  test('respawn: when the container\'s main process exits, the session starts the same container again', async () => {
    const config = testConfig();
    const { driver, manager } = setup(config);
    const L = learner();
    const client = new RecordingClient();
    const session = await manager.connect(L, PROFILE, client);
    const id = session.info.id;
    await waitForOutput(client, 'the first prompt', PROMPT, 0, 60_000);
    // The prompt comes before the inner engine answers; its own 'ready' must not be taken for the respawn's.
    await waitFor('the inner engine ready', () => session.engineReady, 60_000);
    const startedAt = (await engine.docker.getContainer(id).inspect()).State.StartedAt;

    // PID 1 is docker-init (Init: true); it forwards TERM to the entrypoint, which stops the inner engine and exits.
    const pid1 = await driver.exec(id, ['cat', '/proc/1/comm'], { timeoutMs: 10_000 });
    assert.equal(pid1.stdout.trim(), 'docker-init');
    const from = client.text().length;
    const controlsBefore = client.controls.length;
    await driver.exec(id, ['kill', '-TERM', '1'], { timeoutMs: 10_000 });

    await waitFor('status restarting then ready', () => statuses(client.controls.slice(controlsBefore)).includes('ready'), 30_000);
    assert.deepEqual(statuses(client.controls.slice(controlsBefore)), ['restarting', 'ready']);
    await waitForOutput(client, 'a new prompt after the restart', /Starting your Docker engine[\s\S]*root@sandbox:~# $/, from, 60_000);

    assert.equal(session.info.id, id);
    assert.equal(manager.sandboxIdOf(L, PROFILE), id, 'the same sandbox carries on');
    assert.equal(session.isDisposed, false, 'the same session carries on');
    assert.equal(client.closed, null);
    const inspected = await engine.docker.getContainer(id).inspect();
    assert.equal(inspected.State.Running, true);
    assert.notEqual(inspected.State.StartedAt, startedAt, 'the container was started again');

    const after = client.text().length;
    type(session, 'echo back-$((8*8))\r');
    await waitForOutput(client, 'the respawned shell answering', /^back-64\r?$/m, after);
    await removeEverySandbox(manager, driver);
  });
});
