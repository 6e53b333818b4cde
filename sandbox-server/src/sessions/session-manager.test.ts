import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingClient, setup, shutdownManagers, tick, waitFor } from './test/session-fixtures';

afterEach(shutdownManagers);

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
          // The fake engine answers the readiness probe at once (before the hello): see self-paced-warming.test.ts for one that boots.
          engineReady: true,
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
