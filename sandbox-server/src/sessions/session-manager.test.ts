import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode, type ServerControl } from '../../../protocol';
import { loadSandboxServerConfig, type SandboxServerConfig } from '../config/config';
import { FakeDriver } from '../../test/fake-driver';
import { silentLogger } from '../../../lib/logging/logger';
import { SessionManager } from './session-manager';
import type { TerminalClient } from '../terminal/terminal-client';

type ClientEvent = { kind: 'output'; data: string } | { kind: 'control'; message: ServerControl } | { kind: 'close'; code: number; reason: string };

/** A browser stand-in that records everything the session sends it, in order. */
class RecordingClient implements TerminalClient {
  readonly events: ClientEvent[] = [];

  sendOutput(data: Buffer): void {
    this.events.push({ kind: 'output', data: data.toString() });
  }

  sendControl(message: ServerControl): void {
    this.events.push({ kind: 'control', message });
  }

  close(code: number, reason: string): void {
    this.events.push({ kind: 'close', code, reason });
  }

  get output(): string {
    return this.events.map((e) => (e.kind === 'output' ? e.data : '')).join('');
  }

  get outputBytes(): number {
    return Buffer.byteLength(this.output);
  }

  get controls(): ServerControl[] {
    return this.events.flatMap((e) => (e.kind === 'control' ? [e.message] : []));
  }

  get statuses(): string[] {
    return this.controls.flatMap((m) => (m.type === 'status' ? [m.state] : []));
  }

  get closeCode(): number | undefined {
    const close = this.events.find((e) => e.kind === 'close');
    return close?.kind === 'close' ? close.code : undefined;
  }

  hello(): Extract<ServerControl, { type: 'hello' }> {
    const hello = this.controls.find((m) => m.type === 'hello');
    if (hello?.type !== 'hello') assert.fail(`no hello in ${JSON.stringify(this.events)}`);
    return hello;
  }
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function testConfig(overrides: Partial<SandboxServerConfig> = {}): SandboxServerConfig {
  return {
    ...loadSandboxServerConfig('test', { NODE_ENV: 'test' }),
    replayBufferBytes: 4096,
    flowHighWaterBytes: 1000,
    flowLowWaterBytes: 100,
    batchDelayMs: 1,
    batchMaxBytes: 64 * 1024,
    ...overrides,
  };
}

const managers: SessionManager[] = [];
function setup(overrides: Partial<SandboxServerConfig> = {}, driver = new FakeDriver()): { driver: FakeDriver; manager: SessionManager; config: SandboxServerConfig } {
  const config = testConfig(overrides);
  const manager = new SessionManager(driver, config, silentLogger);
  managers.push(manager);
  return { driver, manager, config };
}

afterEach(() => {
  for (const manager of managers.splice(0)) manager.shutdown();
});

describe('SessionManager: connecting', () => {
  test('the first connect creates a sandbox, attaches before starting, and says hello (reattached=false)', async () => {
    const { driver, manager, config } = setup();
    const client = new RecordingClient();
    const before = Date.now();
    const session = await manager.connect('learner-a', 'dind', client);

    assert.equal(driver.created.length, 1);
    const spec = driver.created[0]!;
    assert.equal(spec.learnerId, 'learner-a');
    assert.equal(spec.profile, 'dind');
    assert.match(spec.sessionId, /^[a-z0-9]{12}$/);
    assert.ok(spec.expiresAt >= before + config.limits.maxLifetimeMs && spec.expiresAt <= Date.now() + config.limits.maxLifetimeMs);
    assert.deepEqual(spec.limits, config.limits);

    const id = session.info.id;
    assert.deepEqual(driver.calls, ['create:learner-a', `attach:${id}`, `start:${id}`]);
    assert.deepEqual(client.events, [
      {
        kind: 'control',
        message: {
          type: 'hello',
          sandboxId: id.slice(0, 12),
          reattached: false,
          replayBytes: 0,
          expiresAt: spec.expiresAt,
          idleTimeoutMinutes: config.limits.idleTimeoutMs / 60_000,
        },
      },
    ]);
    assert.equal(session.clientCount, 1);
    assert.equal(manager.sandboxIdOf('learner-a', 'dind'), session.info.id);
    assert.equal(session.isDisposed, false);
    assert.equal(manager.size, 1);
  });

  test('a second client of the same learner joins the same sandbox (reattached=true) and gets the earlier output replayed', async () => {
    const { driver, manager } = setup();
    const first = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', first);
    driver.stream(session.info.id).output('$ echo hi\r\nhi\r\n$ ');
    await waitFor(() => first.output === '$ echo hi\r\nhi\r\n$ ', 'output to reach the first client');

    const second = new RecordingClient();
    const again = await manager.connect('learner-a', 'dind', second);
    assert.equal(again, session);
    assert.equal(driver.created.length, 1);
    assert.equal(driver.attached.length, 1);
    const hello = second.hello();
    assert.equal(hello.reattached, true);
    assert.equal(hello.sandboxId, session.info.id.slice(0, 12));
    assert.equal(hello.replayBytes, Buffer.byteLength('$ echo hi\r\nhi\r\n$ '));
    assert.equal(second.events[0]?.kind, 'control', 'hello comes before the replay');
    assert.equal(second.output, '$ echo hi\r\nhi\r\n$ ');
    assert.equal(session.clientCount, 2);
  });

  test('a client joining while output is still being batched gets hello first and that output exactly once', async () => {
    const { driver, manager } = setup({ batchDelayMs: 50 });
    const first = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', first);
    const stream = driver.stream(session.info.id);
    stream.output('early\r\n');
    await waitFor(() => stream.readableLength === 0, 'the session to read the chunk');

    const second = new RecordingClient();
    await manager.connect('learner-a', 'dind', second);
    await tick(60);
    assert.equal(second.events[0]?.kind, 'control', `first event must be hello, got ${JSON.stringify(second.events[0])}`);
    assert.equal(second.output, 'early\r\n', 'the replayed output must not be duplicated');
    assert.equal(first.output, 'early\r\n');
  });

  test('two concurrent connects of one learner create ONE sandbox', async () => {
    const { driver, manager } = setup();
    const a = new RecordingClient();
    const b = new RecordingClient();
    const [sa, sb] = await Promise.all([manager.connect('learner-a', 'dind', a), manager.connect('learner-a', 'dind', b)]);
    assert.equal(sa, sb);
    assert.equal(driver.created.length, 1);
    assert.equal(driver.attached.length, 1);
    assert.equal(driver.started.length, 1);
    assert.equal(a.hello().sandboxId, b.hello().sandboxId);
    assert.equal(sa.clientCount, 2);
    assert.equal(manager.size, 1);
  });

  test('different learners, and different profiles of one learner, get different sandboxes', async () => {
    const { driver, manager } = setup();
    const s1 = await manager.connect('learner-a', 'dind', new RecordingClient());
    const s2 = await manager.connect('learner-b', 'dind', new RecordingClient());
    const s3 = await manager.connect('learner-a', 'other', new RecordingClient());
    assert.equal(new Set([s1.info.id, s2.info.id, s3.info.id]).size, 3);
    assert.deepEqual(
      driver.created.map((c) => [c.learnerId, c.profile]),
      [['learner-a', 'dind'], ['learner-b', 'dind'], ['learner-a', 'other']],
    );
    assert.equal(manager.size, 3);
  });

  test('a failed create is reported to the caller and leaves nothing behind', async () => {
    const { driver, manager } = setup();
    driver.attachFailures.push(new Error('attach refused'));
    await assert.rejects(manager.connect('learner-a', 'dind', new RecordingClient()), /attach refused/);
    assert.equal(driver.created.length, 1);
    assert.deepEqual(driver.removed, [driver.attached[0]]);
    assert.equal(manager.size, 0);
    // The next try starts from scratch.
    const session = await manager.connect('learner-a', 'dind', new RecordingClient());
    assert.equal(driver.created.length, 2);
    assert.notEqual(session.info.id, driver.removed[0]);
  });
});

describe('SessionManager: the terminal', () => {
  test('input reaches the driver stream', async () => {
    const { driver, manager } = setup();
    const session = await manager.connect('learner-a', 'dind', new RecordingClient());
    session.input(Buffer.from('ls -l\r'));
    session.input(new TextEncoder().encode('écho\r'));
    const stream = driver.stream(session.info.id);
    await waitFor(() => stream.written === 'ls -l\récho\r', 'input to reach the stream');
  });

  test('connectionState counts the learner’s open sockets over all profiles and the last keystroke, nobody else’s', async () => {
    const { manager } = setup();
    assert.deepEqual(manager.connectionState('learner-a'), { sockets: 0, lastInputAt: null });
    const first = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', first);
    await manager.connect('learner-a', 'other', new RecordingClient());
    await manager.connect('learner-ab', 'dind', new RecordingClient()); // an id that starts like learner-a's
    assert.deepEqual(manager.connectionState('learner-a'), { sockets: 2, lastInputAt: null }, 'connecting is not input');
    const before = Date.now();
    session.input(Buffer.from('ls\r'));
    const state = manager.connectionState('learner-a');
    assert.ok(state.lastInputAt !== null && state.lastInputAt >= before);
    manager.disconnect(session, first);
    assert.equal(manager.connectionState('learner-a').sockets, 1);
    assert.deepEqual(manager.connectionState('learner-ab'), { sockets: 1, lastInputAt: null });
  });

  test('a resize reaches the driver', async () => {
    const { driver, manager } = setup();
    const session = await manager.connect('learner-a', 'dind', new RecordingClient());
    await session.resize({ cols: 132, rows: 43 });
    assert.deepEqual(driver.resizes, [{ id: session.info.id, size: { cols: 132, rows: 43 } }]);
  });

  test('output is broadcast to every client', async () => {
    const { driver, manager } = setup();
    const clients = [new RecordingClient(), new RecordingClient(), new RecordingClient()];
    const session = await manager.connect('learner-a', 'dind', clients[0]!);
    await manager.connect('learner-a', 'dind', clients[1]!);
    await manager.connect('learner-a', 'dind', clients[2]!);
    driver.stream(session.info.id).output('total 0\r\n');
    for (const c of clients) await waitFor(() => c.output === 'total 0\r\n', 'output to reach every client');
  });

  test('echoed input comes back as output right away', async () => {
    const { manager } = setup({ batchDelayMs: 10_000 }, new FakeDriver({ echo: true }));
    const client = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', client);
    session.input(Buffer.from('x'));
    await waitFor(() => client.output === 'x', 'the echo (flushed without waiting for the batch delay)', 500);
  });

  test('a disconnected client gets no more output', async () => {
    const { driver, manager } = setup();
    const stays = new RecordingClient();
    const leaves = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', stays);
    await manager.connect('learner-a', 'dind', leaves);
    manager.disconnect(session, leaves);
    assert.equal(session.clientCount, 1);
    driver.stream(session.info.id).output('after\r\n');
    await waitFor(() => stays.output === 'after\r\n', 'output to the remaining client');
    assert.equal(leaves.output, '');
  });

  test('when the main process exits, the session re-attaches and starts again; clients see restarting then ready', async () => {
    const { driver, manager } = setup();
    const client = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', client);
    const id = session.info.id;
    await session.resize({ cols: 100, rows: 30 });
    const oldStream = driver.stream(id);

    oldStream.exit();
    await waitFor(() => client.statuses.includes('ready'), 'the ready status');
    assert.deepEqual(client.statuses, ['restarting', 'ready']);
    assert.equal(driver.count(driver.attached, id), 2);
    assert.equal(driver.count(driver.started, id), 2);
    assert.deepEqual(driver.resizes.at(-1), { id, size: { cols: 100, rows: 30 } }, 'the last size is applied to the new shell');
    assert.equal(client.closeCode, undefined);
    assert.equal(driver.created.length, 1, 'the same sandbox, not a new one');

    const newStream = driver.stream(id);
    assert.notEqual(newStream, oldStream);
    session.input(Buffer.from('pwd\r'));
    await waitFor(() => newStream.written === 'pwd\r', 'input to reach the new stream');
    newStream.output('/root\r\n');
    await waitFor(() => client.output === '/root\r\n', 'output from the new stream');
  });

  test('a shell that keeps exiting is given up on with SANDBOX_FAILED', async () => {
    const { driver, manager } = setup();
    const client = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', client);
    for (let i = 0; i < 5; i++) {
      driver.stream(session.info.id).exit();
      await waitFor(() => client.statuses.filter((s) => s === 'ready').length === i + 1, `respawn ${i + 1}`);
    }
    driver.stream(session.info.id).exit();
    await waitFor(() => client.closeCode !== undefined, 'the close');
    assert.equal(client.closeCode, CloseCode.SANDBOX_FAILED);
    assert.equal(client.statuses.at(-1), 'error');
  });

  test('after a respawn fails, a reconnecting browser gets a working terminal, not the dead session', async () => {
    const { driver, manager } = setup();
    const client = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', client);
    driver.attachFailures.push(new Error('engine went away'));
    driver.stream(session.info.id).exit();
    await waitFor(() => client.closeCode !== undefined, 'the close');
    assert.equal(client.closeCode, CloseCode.SANDBOX_FAILED);
    assert.deepEqual(client.statuses, ['restarting', 'error']);

    // The browser reconnects (as it does after SANDBOX_FAILED) and types.
    const again = new RecordingClient();
    const next = await manager.connect('learner-a', 'dind', again);
    next.input(Buffer.from('whoami\r'));
    await tick(10);
    const stream = driver.streams.get(next.info.id)?.at(-1);
    assert.ok(stream && !stream.destroyed, 'the reconnected session must have a live terminal stream');
    assert.equal(stream.written, 'whoami\r');
  });
});

describe('SessionManager: reconcile, sweep, reset', () => {
  test('reconcile keeps unexpired sandboxes of this server and removes expired ones; a later connect reattaches', async () => {
    const driver = new FakeDriver({ serverId: 'test' });
    const kept = driver.seed({ learnerId: 'learner-a', expiresAt: Date.now() + 3_600_000 });
    const expired = driver.seed({ learnerId: 'learner-b', expiresAt: Date.now() - 1 });
    const foreign = driver.seed({ learnerId: 'learner-c', expiresAt: Date.now() - 1 }, 'another-server');
    const { manager } = setup({}, driver);

    assert.deepEqual(await manager.reconcile(), { kept: 1, removed: 1 });
    assert.deepEqual(driver.removed, [expired.id]);
    assert.ok(driver.has(kept.id));
    assert.ok(driver.has(foreign.id), 'another server’s sandbox is never touched');
    assert.equal(manager.size, 1);

    const client = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', client);
    assert.equal(session.info.id, kept.id);
    assert.equal(driver.created.length, 0);
    const hello = client.hello();
    assert.equal(hello.reattached, true);
    assert.equal(hello.sandboxId, kept.id.slice(0, 12));
    assert.equal(hello.expiresAt, kept.expiresAt);
    assert.deepEqual(driver.calls.slice(-2), [`attach:${kept.id}`, `start:${kept.id}`]);
  });

  test('reconcile removes a second sandbox for the same learner and profile, and one without a learner', async () => {
    const driver = new FakeDriver();
    const first = driver.seed({ learnerId: 'learner-a' });
    const duplicate = driver.seed({ learnerId: 'learner-a' });
    const anonymous = driver.seed({ learnerId: '' });
    const { manager } = setup({}, driver);
    assert.deepEqual(await manager.reconcile(), { kept: 1, removed: 2 });
    assert.deepEqual(new Set(driver.removed), new Set([duplicate.id, anonymous.id]));
    assert.ok(driver.has(first.id));
  });

  test('a dormant sandbox that vanished is replaced by a new one', async () => {
    const driver = new FakeDriver();
    const gone = driver.seed({ learnerId: 'learner-a' });
    const { manager } = setup({}, driver);
    await manager.reconcile();
    await driver.remove(gone.id);
    const client = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', client);
    assert.notEqual(session.info.id, gone.id);
    assert.equal(driver.created.length, 1);
    assert.equal(client.hello().reattached, false);
  });

  test('sweep removes an expired session: clients get status expired and close code 4410', async () => {
    const { driver, manager } = setup();
    const client = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', client);
    await manager.sweep(session.info.expiresAt);
    assert.deepEqual(driver.removed, [session.info.id]);
    assert.deepEqual(client.statuses, ['expired']);
    const status = client.controls.at(-1);
    assert.match(status?.type === 'status' ? status.message : '', /maximum lifetime/);
    assert.equal(client.closeCode, CloseCode.EXPIRED);
    assert.equal(CloseCode.EXPIRED, 4410);
    assert.equal(manager.sandboxIdOf('learner-a', 'dind'), undefined);
    assert.equal(manager.size, 0);
  });

  test('sweep removes an idle session without clients', async () => {
    const { driver, manager, config } = setup();
    const client = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', client);
    manager.disconnect(session, client);
    await manager.sweep(Date.now() + config.limits.idleTimeoutMs - 60_000);
    assert.deepEqual(driver.removed, [], 'not idle long enough yet');
    await manager.sweep(Date.now() + config.limits.idleTimeoutMs + 1000);
    assert.deepEqual(driver.removed, [session.info.id]);
    assert.equal(manager.size, 0);
    assert.equal(client.closeCode, undefined, 'the departed client is not contacted');

    const next = await manager.connect('learner-a', 'dind', new RecordingClient());
    assert.notEqual(next.info.id, session.info.id, 'a later connect gets a fresh sandbox');
  });

  test('sweep keeps an idle session that still has a client', async () => {
    const { driver, manager, config } = setup();
    const client = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', client);
    await manager.sweep(Date.now() + config.limits.idleTimeoutMs + 1000);
    assert.deepEqual(driver.removed, []);
    assert.equal(manager.sandboxIdOf('learner-a', 'dind'), session.info.id);
    assert.equal(session.isDisposed, false);
    assert.equal(client.closeCode, undefined);
  });

  test('sweep removes a dormant sandbox nobody came back to', async () => {
    const driver = new FakeDriver();
    const dormant = driver.seed({ learnerId: 'learner-a' });
    const { manager, config } = setup({}, driver);
    await manager.reconcile();
    await manager.sweep(Date.now() + 1000);
    assert.deepEqual(driver.removed, []);
    await manager.sweep(Date.now() + config.limits.idleTimeoutMs + 1000);
    assert.deepEqual(driver.removed, [dormant.id]);
    assert.equal(manager.size, 0);
  });

  test('reset removes the sandbox and closes clients with 4503; the next connect gets a fresh sandbox', async () => {
    const { driver, manager } = setup();
    const a = new RecordingClient();
    const b = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', a);
    await manager.connect('learner-a', 'dind', b);
    await manager.reset('learner-a', 'dind');
    assert.deepEqual(driver.removed, [session.info.id]);
    for (const c of [a, b]) {
      assert.equal(c.closeCode, CloseCode.SHUTDOWN);
      assert.equal(c.statuses.at(-1), 'removed');
    }
    assert.equal(CloseCode.SHUTDOWN, 4503);
    assert.equal(manager.size, 0);

    const fresh = new RecordingClient();
    const next = await manager.connect('learner-a', 'dind', fresh);
    assert.notEqual(next.info.id, session.info.id);
    assert.equal(fresh.hello().reattached, false);
    assert.equal(driver.created.length, 2);
  });

  test('reset of a dormant sandbox removes it', async () => {
    const driver = new FakeDriver();
    const dormant = driver.seed({ learnerId: 'learner-a' });
    const { manager } = setup({}, driver);
    await manager.reconcile();
    await manager.reset('learner-a', 'dind');
    assert.deepEqual(driver.removed, [dormant.id]);
    assert.equal(manager.size, 0);
  });

  test('exec runs in the learner’s sandbox and returns the driver’s result', async () => {
    const driver = new FakeDriver({ execResult: (_id, cmd) => ({ exitCode: 3, stdout: cmd.join(' '), stderr: 'warn' }) });
    const { manager } = setup({}, driver);
    const session = await manager.connect('learner-a', 'dind', new RecordingClient());
    const result = await manager.exec('learner-a', 'dind', ['docker', 'ps'], { timeoutMs: 500, stdin: 'x' });
    assert.deepEqual(result, { exitCode: 3, stdout: 'docker ps', stderr: 'warn', timedOut: false, durationMs: 1 });
    assert.deepEqual(driver.execs, [{ id: session.info.id, cmd: ['docker', 'ps'], options: { timeoutMs: 500, stdin: 'x' } }]);
  });
});

describe('SessionManager: flow control', () => {
  test('a client that never acks pauses the stream past the high mark; acks resume it', async () => {
    const { driver, manager } = setup({ flowHighWaterBytes: 1000, flowLowWaterBytes: 100 });
    const client = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', client);
    const stream = driver.stream(session.info.id);

    stream.output('a'.repeat(900));
    await waitFor(() => client.outputBytes === 900, '900 bytes of output');
    assert.equal(stream.isPaused(), false, '900 unacked bytes is below the high mark');

    stream.output('b'.repeat(200));
    await waitFor(() => client.outputBytes === 1100, '1100 bytes of output');
    assert.equal(stream.isPaused(), true, '1100 unacked bytes is above the high mark');

    // While paused, further output stays in the stream.
    stream.output('c'.repeat(50));
    await tick(10);
    assert.equal(client.outputBytes, 1100);

    session.ack(client, 900); // 200 unacked: between the marks, still paused
    assert.equal(stream.isPaused(), true);
    session.ack(client, 150); // 50 unacked: below the low mark
    assert.equal(stream.isPaused(), false);
    await waitFor(() => client.outputBytes === 1150, 'the held output after resuming');
  });

  test('the replay sent to a new client counts against that client', async () => {
    const { driver, manager } = setup({ flowHighWaterBytes: 1000, flowLowWaterBytes: 100, replayBufferBytes: 4096 });
    const first = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', first);
    const stream = driver.stream(session.info.id);
    stream.output('x'.repeat(800));
    await waitFor(() => first.outputBytes === 800, 'output');
    session.ack(first, 800);

    const second = new RecordingClient();
    await manager.connect('learner-a', 'dind', second);
    assert.equal(second.outputBytes, 800, 'replay');
    stream.output('y'.repeat(300));
    await waitFor(() => first.outputBytes === 1100, 'more output');
    assert.equal(stream.isPaused(), true, 'the new client is 1100 behind (800 replay + 300)');
    session.ack(first, 300);
    assert.equal(stream.isPaused(), true, 'the first client caught up, the new one has not');
    manager.disconnect(session, second);
    assert.equal(stream.isPaused(), false, 'the slow client left');
  });
});

describe('SessionManager: classes and warm pools', () => {
  test('a learner placed in a class takes a warm sandbox: no create on connect, the boot output is replayed, the claim recorded', async () => {
    const { driver, manager } = setup();
    const filled = await manager.warm({ pool: 'class-1', count: 2, profile: 'dind', classId: 'class-1' });
    assert.deepEqual({ started: filled.started, failed: filled.failed }, { started: 2, failed: 0 });
    assert.equal(manager.warmCount('class-1'), 2);
    assert.deepEqual(driver.created.map((s) => [s.learnerId, s.pool, s.classId]), [['', 'class-1', 'class-1'], ['', 'class-1', 'class-1']]);
    const warmId = [...driver.streams.keys()][0]!;
    driver.stream(warmId).output('Docker ready\r\n$ ');

    manager.setPlacement((learnerId) => (learnerId === 'in-class' ? { classId: 'class-1', pool: 'class-1' } : undefined));
    const client = new RecordingClient();
    const session = await manager.connect('in-class', 'dind', client);
    assert.equal(session.info.id, warmId, 'the oldest warm sandbox');
    assert.equal(driver.created.length, 2, 'nothing new created');
    assert.ok(driver.calls.includes(`update:${warmId}`), 'the claim is recorded by the driver');
    assert.equal((await driver.inspect(warmId)).learnerId, 'in-class');
    await waitFor(() => client.output.includes('$ '), 'the replayed prompt');
    assert.equal(manager.warmCount('class-1'), 1);

    // Someone outside the class gets a sandbox of their own, made on demand and without a class.
    await manager.connect('walk-in', 'dind', new RecordingClient());
    assert.equal(driver.created.at(-1)?.classId, undefined);
  });

  test('with the pool empty, a class learner gets a new sandbox labelled with the class and its registry', async () => {
    const { driver, manager } = setup();
    const registry = { mirrorUrl: 'http://drydock-mirror:5000', insecureRegistries: [], connect: async () => undefined };
    manager.setPlacement(() => ({ classId: 'class-2', pool: 'class-2', registry }));
    await manager.connect('late', 'dind', new RecordingClient());
    assert.equal(driver.created[0]?.classId, 'class-2');
    assert.equal(driver.created[0]?.registry, registry);
  });

  test('extend moves the expiry and records it; removeClass removes only that class, pool included', async () => {
    const { driver, manager } = setup();
    manager.setPlacement((learnerId) => (learnerId.startsWith('c1') ? { classId: 'c1' } : undefined));
    const a = await manager.connect('c1-a', 'dind', new RecordingClient());
    const other = await manager.connect('solo', 'dind', new RecordingClient());
    await manager.warm({ pool: 'c1', count: 1, profile: 'dind', classId: 'c1' });
    const before = a.info.expiresAt;
    const after = await manager.extend('c1-a', 'dind', 30 * 60_000);
    assert.equal(after, before + 30 * 60_000);
    assert.equal((await driver.inspect(a.info.id)).expiresAt, after);
    assert.equal(await manager.extend('nobody', 'dind', 1000), undefined);

    const client = new RecordingClient();
    a.addClient(client, true);
    assert.equal(await manager.removeClass('c1'), 2, 'the learner sandbox and the warm one');
    assert.equal(client.closeCode, CloseCode.EXPIRED);
    assert.deepEqual((await driver.list()).map((i) => i.id), [other.info.id]);
    assert.equal(manager.warmCount('c1'), 0);
  });
});
