import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode } from '../../../protocol';
import { FakeDriver } from '../../test/fake-driver';
import { loadSandboxServerConfig } from '../config/config';
import { ShellLimitError, ShellNotFoundError } from '../terminal/shell-set';
import { RecordingClient, setup, shutdownManagers, waitFor } from './test/session-fixtures';

afterEach(shutdownManagers);

/** The last shell list a client was told, as "1 2 3x" (x: exited). */
function shellsSeen(client: RecordingClient): string | undefined {
  const last = client.controls.filter((m) => m.type === 'shells').at(-1);
  return last?.type === 'shells' ? last.shells.map((s) => `${s.shell}${s.exited ? 'x' : ''}`).join(' ') : undefined;
}

describe('SessionManager: extra shells', () => {
  test('a new shell is a shell of its own in the same sandbox: its own input, output, size and hello', async () => {
    const { driver, manager } = setup();
    const main = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', main);
    assert.equal(await session.shells.open(), 2);
    const fake = driver.shells[0]!;
    assert.equal(fake.sandboxId, session.info.id);

    const reader = new RecordingClient();
    const { shell } = manager.connectShell('learner-a', 'dind', 2, reader);
    assert.equal(reader.hello().shell, 2);
    assert.equal(reader.hello().sandboxId, session.shortId);
    session.shellInput(shell, Buffer.from('echo $$\r'));
    assert.equal(fake.stream.written, 'echo $$\r');
    assert.equal(driver.stream(session.info.id).written, '', 'nothing typed in shell 2 reaches the main shell');

    fake.stream.output('4242\r\n');
    driver.stream(session.info.id).output('main\r\n');
    await waitFor(() => reader.output === '4242\r\n' && main.output === 'main\r\n', 'each shell’s output to reach its own readers only');

    await shell.resize({ cols: 100, rows: 30 });
    assert.deepEqual(fake.resizes, [{ cols: 100, rows: 30 }]);
    assert.deepEqual(driver.resizes, [], 'the main terminal keeps its size');
  });

  test('every socket of the sandbox learns the list of shells, on connect and when it changes', async () => {
    const { manager } = setup();
    const first = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', first);
    assert.equal(shellsSeen(first), undefined, 'a sandbox with only its own shell sends no list: the main terminal behaves as before');
    await session.shells.open();
    assert.equal(shellsSeen(first), '1 2');

    const secondTab = new RecordingClient();
    await manager.connect('learner-a', 'dind', secondTab);
    assert.equal(shellsSeen(secondTab), '1 2', 'a second browser tab shows the same tabs');
    const onTwo = new RecordingClient();
    manager.connectShell('learner-a', 'dind', 2, onTwo);
    assert.equal(shellsSeen(onTwo), '1 2');

    await session.shells.open();
    for (const c of [first, secondTab, onTwo]) assert.equal(shellsSeen(c), '1 2 3');
    session.shells.close(2);
    for (const c of [first, secondTab]) assert.equal(shellsSeen(c), '1 3');
    assert.equal(onTwo.closeCode, CloseCode.SHELL_GONE, 'a tab showing the closed shell is told it is gone');
  });

  test('a reattaching reader gets the shell’s replay, and flow control paces that shell only', async () => {
    const { driver, manager } = setup({ flowHighWaterBytes: 1000, flowLowWaterBytes: 100, replayBufferBytes: 4096 });
    const session = await manager.connect('learner-a', 'dind', new RecordingClient());
    await session.shells.open();
    const fake = driver.shells[0]!;
    const reader = new RecordingClient();
    const { shell } = manager.connectShell('learner-a', 'dind', 2, reader);
    fake.stream.output('x'.repeat(1200));
    await waitFor(() => reader.outputBytes === 1200, 'output');
    assert.equal(fake.stream.isPaused(), true, 'the reader is 1200 bytes behind');
    assert.equal(driver.stream(session.info.id).isPaused(), false, 'the main shell is not held up by shell 2’s reader');
    shell.ack(reader, 1200);
    assert.equal(fake.stream.isPaused(), false);

    const reload = new RecordingClient();
    manager.connectShell('learner-a', 'dind', 2, reload);
    assert.equal(reload.hello().replayBytes, 1200);
    assert.equal(reload.output, 'x'.repeat(1200), 'the reload replays shell 2, not the main shell');
  });

  test('shells count toward the cap, the main one included; the refusal says so', async () => {
    const { driver, manager } = setup({ shellsPerSandbox: 3 });
    const session = await manager.connect('learner-a', 'dind', new RecordingClient());
    const opened = await Promise.all([session.shells.open(), session.shells.open(), session.shells.open().catch((e: Error) => e)]);
    assert.deepEqual(opened.slice(0, 2), [2, 3]);
    assert.ok(opened[2] instanceof ShellLimitError, 'shells being opened count too');
    assert.match((opened[2] as Error).message, /at most 3 terminals/);
    assert.equal(driver.shells.length, 2);
    session.shells.close(2);
    assert.equal(await session.shells.open(), 4, 'a closed shell frees its place; its number is not reused');
  });

  test('an exited shell is not respawned: it stays listed as exited, takes no input, and can be closed', async () => {
    const { driver, manager } = setup();
    const main = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', main);
    await session.shells.open();
    const fake = driver.shells[0]!;
    const reader = new RecordingClient();
    const { shell } = manager.connectShell('learner-a', 'dind', 2, reader);
    fake.stream.output('logout\r\n');
    fake.stream.exit();
    await waitFor(() => shellsSeen(main) === '1 2x', 'the exit to be announced');
    assert.equal(shellsSeen(reader), '1 2x');
    assert.equal(driver.shells.length, 1, 'no new shell');
    session.shellInput(shell, Buffer.from('ls\r'));
    assert.equal(fake.stream.written, '');
    const later = new RecordingClient();
    manager.connectShell('learner-a', 'dind', 2, later);
    assert.equal(later.output, 'logout\r\n', 'its last words can still be read');
    session.shells.close(2);
    assert.equal(shellsSeen(main), '1');
    await waitFor(() => fake.killed, 'what is left of its processes to be killed');
  });

  test('a socket naming a shell that is not open is refused, and never creates a sandbox', async () => {
    const { driver, manager } = setup();
    assert.throws(() => manager.connectShell('learner-a', 'dind', 2, new RecordingClient()), ShellNotFoundError);
    assert.equal(driver.created.length, 0);
    await manager.connect('learner-a', 'dind', new RecordingClient());
    assert.throws(() => manager.connectShell('learner-a', 'dind', 7, new RecordingClient()), /no terminal 7/);
  });

  test('readers of extra shells count as the learner’s sockets (idle, dashboard) and as input', async () => {
    const { manager } = setup();
    const main = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', main);
    await session.shells.open();
    const reader = new RecordingClient();
    const { shell } = manager.connectShell('learner-a', 'dind', 2, reader);
    manager.disconnect(session, main);
    assert.equal(manager.connectionState('learner-a').sockets, 1, 'a tab on shell 2 keeps the sandbox attended');
    session.shellInput(shell, Buffer.from('x'));
    assert.notEqual(manager.connectionState('learner-a').lastInputAt, null);
    session.removeShellClient(shell, reader);
    assert.equal(manager.connectionState('learner-a').sockets, 0);
  });

  test('a reset ends every shell: its processes are killed and its readers told why', async () => {
    const { driver, manager } = setup();
    const session = await manager.connect('learner-a', 'dind', new RecordingClient());
    await session.shells.open();
    await session.shells.open();
    const reader = new RecordingClient();
    manager.connectShell('learner-a', 'dind', 3, reader);
    await manager.reset('learner-a', 'dind');
    await waitFor(() => driver.shells.every((s) => s.killed), 'both shells to be killed');
    assert.equal(reader.closeCode, CloseCode.SHUTDOWN, 'the tab reconnects, and finds a fresh sandbox with its own shell only');
    assert.throws(() => manager.connectShell('learner-a', 'dind', 3, new RecordingClient()), ShellNotFoundError);
  });

  test('a shell whose exec starts after the sandbox ended is killed, not kept', async () => {
    const driver = new FakeDriver();
    const { manager } = setup({}, driver);
    const session = await manager.connect('learner-a', 'dind', new RecordingClient());
    const opening = session.shells.open();
    session.end({ state: 'removed', message: 'gone', closeCode: CloseCode.SHUTDOWN });
    await assert.rejects(opening, ShellLimitError);
    await waitFor(() => driver.shells[0]?.killed === true, 'the late shell to be killed');
  });

  test('the cap is DRYDOCK_SHELLS_PER_SANDBOX (default 4, 1 to 16)', () => {
    assert.equal(loadSandboxServerConfig('t', { NODE_ENV: 'test' }).shellsPerSandbox, 4);
    assert.equal(loadSandboxServerConfig('t', { NODE_ENV: 'test', DRYDOCK_SHELLS_PER_SANDBOX: '2' }).shellsPerSandbox, 2);
    for (const bad of ['0', '17', 'four']) assert.throws(() => loadSandboxServerConfig('t', { NODE_ENV: 'test', DRYDOCK_SHELLS_PER_SANDBOX: bad }), /DRYDOCK_SHELLS_PER_SANDBOX/);
  });
});
