import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode } from '../../../protocol';
import { FakeDriver } from '../../test/fake-driver';
import { RecordingClient, setup, shutdownManagers, tick, waitFor } from './test/session-fixtures';

afterEach(shutdownManagers);

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
