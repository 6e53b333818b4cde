import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { CloseCode, encodeClientControl, encodeResize, type ServerControl } from '../../../protocol';
import {
  PROMPT,
  TerminalSocket,
  cleanupServer,
  requireDocker,
  startTestSandboxServer,
  testConfig,
  waitFor,
  type TestSandboxServer,
} from '../../test/support';

/**
 * Several terminals in one sandbox, end to end against the real engine:
 * shell 2 is a TTY exec in the learner's sandbox (a process of its own,
 * the same filesystem), with its own size and replay; the cap; closing and
 * exiting; and a reset that leaves no exec behind. The tests run in order
 * over one learner's sandbox.
 */

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The last shell list a socket was told, as "1 2 3x" (x: exited). */
function shellsSeen(s: TerminalSocket): string | undefined {
  const last = s.controls.filter((m) => m.type === 'shells').at(-1);
  return last?.type === 'shells' ? last.shells.map((e) => `${e.shell}${e.exited ? 'x' : ''}`).join(' ') : undefined;
}

/** Sends open-shell on `s` and returns its answer (shell-opened or shell-refused). */
async function openShell(s: TerminalSocket): Promise<Extract<ServerControl, { type: 'shell-opened' | 'shell-refused' }>> {
  const before = s.controls.length;
  s.send(encodeClientControl({ type: 'open-shell' }));
  let answer: ServerControl | undefined;
  await waitFor('the answer to open-shell', () => (answer = s.controls.slice(before).find((m) => m.type === 'shell-opened' || m.type === 'shell-refused')) !== undefined, 30_000);
  return answer as Extract<ServerControl, { type: 'shell-opened' | 'shell-refused' }>;
}

/** Types `command` and returns the first line of output matching `pattern` (its first group). */
async function run(s: TerminalSocket, command: string, pattern: RegExp, what: string): Promise<string> {
  const from = s.outputBytes;
  s.type(`${command}\r`);
  await s.waitForText(what, pattern, from, 30_000);
  return pattern.exec(s.text(from))![1]!;
}

describe('terminal tabs: extra shells in one sandbox (real engine)', () => {
  const config = testConfig();
  let docker: Docker;
  let server: TestSandboxServer;
  let headers: Record<string, string>;
  let main: TerminalSocket;
  let two: TerminalSocket;
  let containerId = '';
  const shellUrl = (shell: string | number) => `${server.url}?profile=dind&shell=${shell}`;

  before(async () => {
    docker = await requireDocker();
    server = await startTestSandboxServer(config);
    const learner = server.newLearner();
    headers = { Cookie: learner.cookie, Origin: server.origin };
  });

  after(async () => {
    await server?.close();
    const left = await cleanupServer(docker, config.serverId);
    assert.deepEqual(left, { containers: 0, networks: 0, volumes: 0 });
  });

  test('the shell parameter is validated strictly; a shell that is not open is refused with SHELL_GONE, creating nothing', async () => {
    for (const bad of ['0', 'abc', '02', '2x', '-1', '10000', 'new']) {
      const outcome = await TerminalSocket.connect(shellUrl(bad), headers);
      if (!('refused' in outcome)) assert.fail(`shell=${bad} was accepted`);
      assert.equal(outcome.refused, 400, outcome.body);
      assert.match(outcome.body, /shell must be a terminal's number/);
    }
    const early = await TerminalSocket.open(shellUrl(2), headers);
    const closed = await early.whenClosed;
    assert.equal(closed.code, CloseCode.SHELL_GONE);
    assert.equal(server.service.manager.size, 0, 'no sandbox was made for it');
  });

  test('open-shell starts shell 2; its socket gets its own hello and prompt, and every socket hears the list', async () => {
    main = await TerminalSocket.open(shellUrl(1), headers);
    await main.waitForHello(180_000);
    await main.waitForText('the main prompt', PROMPT, 0, 180_000);
    containerId = (await server.service.driver.list())[0]?.id ?? '';
    assert.match(containerId, /^[0-9a-f]{64}$/);
    assert.equal(shellsSeen(main), undefined, 'a sandbox with its own shell only sends no list');

    const answer = await openShell(main);
    assert.deepEqual(answer, { type: 'shell-opened', shell: 2 });
    await waitFor('the list on the main socket', () => shellsSeen(main) === '1 2', 5_000);

    two = await TerminalSocket.open(shellUrl(2), headers);
    const hello = await two.waitForHello(10_000);
    assert.equal(hello.shell, 2);
    assert.equal(hello.sandboxId, containerId.slice(0, 12), 'the same sandbox');
    assert.equal(shellsSeen(two), '1 2');
    await two.waitForText('shell 2’s prompt', PROMPT, 0, 30_000);
  });

  test('the two shells are different processes in the same sandbox: different PIDs, the same files', async () => {
    const pidMain = await run(main, 'echo pid-$$', /^pid-(\d+)\r?$/m, 'the main shell’s pid');
    const pidTwo = await run(two, 'echo pid-$$', /^pid-(\d+)\r?$/m, 'shell 2’s pid');
    assert.notEqual(pidMain, pidTwo);
    await run(two, 'echo written-by-two > /root/tabs.txt && echo done-$((40+2))', /^done-(42)\r?$/m, 'the write in shell 2');
    assert.equal(await run(main, 'cat /root/tabs.txt', /^(written-by-two)\r?$/m, 'the file in the main shell'), 'written-by-two');
    assert.doesNotMatch(main.text(), /done-42/, 'shell 2’s output never reaches the main shell’s socket');
    assert.doesNotMatch(two.text(), /pid-${pidMain}/, 'nor the other way');
  });

  test('shell 2 resizes on its own: the main terminal keeps its size', async () => {
    const mainBefore = await run(main, 'stty size', /^(\d+ \d+)\r?$/m, 'the main size');
    two.send(encodeResize({ cols: 101, rows: 31 }));
    const deadline = Date.now() + 10_000;
    let size = '';
    while (size !== '31 101' && Date.now() < deadline) {
      size = await run(two, 'stty size', /^(\d+ \d+)\r?$/m, 'shell 2’s size');
      if (size !== '31 101') await sleep(200);
    }
    assert.equal(size, '31 101');
    assert.equal(await run(main, 'stty size', /^(\d+ \d+)\r?$/m, 'the main size'), mainBefore);
  });

  test('a reload reattaches to shell 2 and replays its output, not the main shell’s', async () => {
    await two.close();
    two = await TerminalSocket.open(shellUrl(2), headers);
    const hello = await two.waitForHello(10_000);
    assert.equal(hello.reattached, true);
    assert.ok(hello.replayBytes > 0);
    await two.waitForText('the replay', /^done-42\r?$/m, 0, 5_000);
    assert.doesNotMatch(two.text(), /written-by-two\r?\n/, 'the main shell’s cat output is not in shell 2’s replay');
    assert.equal(await run(two, 'echo still-$((1+1))', /^still-(\d)\r?$/m, 'the same shell answering'), '2');
  });

  test('the cap: four terminals in all, the fifth is refused with the reason and the socket carries on', async () => {
    assert.deepEqual(await openShell(main), { type: 'shell-opened', shell: 3 });
    assert.deepEqual(await openShell(two), { type: 'shell-opened', shell: 4 });
    const refused = await openShell(main);
    assert.equal(refused.type, 'shell-refused');
    assert.match(refused.type === 'shell-refused' ? refused.message : '', /at most 4 terminals/);
    await waitFor('the list', () => shellsSeen(main) === '1 2 3 4' && shellsSeen(two) === '1 2 3 4', 5_000);
    assert.equal(main.closed, null);
    assert.equal(await run(main, 'echo alive-$((2+3))', /^alive-(\d)\r?$/m, 'the main shell after the refusal'), '5');
  });

  test('closing shell 3 ends its process; a shell that exits stays listed as exited and is not respawned', async () => {
    const three = await TerminalSocket.open(shellUrl(3), headers);
    await three.waitForText('shell 3’s prompt', PROMPT, 0, 30_000);
    const pid = await run(three, 'echo pid-$$', /^pid-(\d+)\r?$/m, 'shell 3’s pid');
    main.send(encodeClientControl({ type: 'close-shell', shell: 3 }));
    const closed = await three.whenClosed;
    assert.equal(closed.code, CloseCode.SHELL_GONE);
    await waitFor('the list without 3', () => shellsSeen(main) === '1 2 4', 5_000);
    const alive = async () => (await server.service.driver.exec(containerId, ['sh', '-c', `test -e /proc/${pid} && echo alive || echo gone`], { timeoutMs: 10_000 })).stdout.trim();
    await waitFor('shell 3’s bash to be gone', async () => (await alive()) === 'gone', 15_000);

    const four = await TerminalSocket.open(shellUrl(4), headers);
    await four.waitForText('shell 4’s prompt', PROMPT, 0, 30_000);
    four.type('exit\r');
    await waitFor('shell 4 to be listed as exited', () => shellsSeen(main) === '1 2 4x', 15_000);
    await sleep(500);
    assert.equal(shellsSeen(main), '1 2 4x', 'not respawned');
    assert.equal(four.closed, null, 'its tab can still read what it printed');
    await four.close();
    const again = await TerminalSocket.open(shellUrl(3), headers);
    assert.equal((await again.whenClosed).code, CloseCode.SHELL_GONE, 'a closed shell cannot be reached again');
  });

  test('a reset ends every shell: their sockets are told, and the engine holds no exec of the sandbox', async () => {
    const execIds = (await docker.getContainer(containerId).inspect()).ExecIDs ?? [];
    assert.ok(execIds.length >= 1, `shell 2’s exec is running (${execIds.length})`);
    main.send(encodeClientControl({ type: 'reset' }));
    const closed = await two.whenClosed;
    assert.equal(closed.code, CloseCode.SHUTDOWN);
    await main.whenClosed;
    await waitFor('the sandbox to be removed', async () => !(await server.service.driver.list()).some((s) => s.id === containerId), 30_000);
    for (const id of execIds) {
      const gone = await docker.getExec(id).inspect().then(
        (info) => info.Running === false,
        () => true,
      );
      assert.ok(gone, `exec ${id.slice(0, 12)} is gone`);
    }
    const refreshed = await TerminalSocket.open(shellUrl(2), headers);
    assert.equal((await refreshed.whenClosed).code, CloseCode.SHELL_GONE, 'the fresh sandbox has its own shell only');
  });
});
