import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { CloseCode } from '../../../protocol';
import { cleanupServer, PROMPT, waitFor, requireDocker, TerminalSocket, TEST_INSTRUCTOR_TOKEN, testConfig, startTestSandboxServer, type TestSandboxServer } from '../../test/support';
import { WATCH_PATH } from './upgrade';

/**
 * The instructor's shadow view over the real WebSocket and a real sandbox:
 * it sees the learner's screen (replay, then live), cannot type into it, does
 * not pace it, and only instructor rights open it.
 */
describe('read-only shadow view of a learner terminal (real engine)', () => {
  const config = testConfig();
  let docker: Docker;
  let server: TestSandboxServer;
  let learner: { id: string; cookie: string };
  let learnerSocket: TerminalSocket;
  const watchUrl = (id: string): string => `${server.url.replace(/\/ws\/terminal$/, WATCH_PATH)}?learner=${encodeURIComponent(id)}`;

  before(async () => {
    docker = await requireDocker();
    server = await startTestSandboxServer(config);
    learner = server.newLearner();
    learnerSocket = await TerminalSocket.open(server.url, { origin: server.origin, cookie: learner.cookie });
    await learnerSocket.waitForHello();
    learnerSocket.send(Buffer.concat([Buffer.from([2]), Buffer.from(JSON.stringify({ cols: 100, rows: 30 }))]));
    await learnerSocket.waitForText('the prompt', PROMPT, 0, 60_000);
  });
  after(async () => {
    await server.close();
    assert.deepEqual(await cleanupServer(docker, config.serverId), { containers: 0, networks: 0, volumes: 0 });
  });

  test('only instructor rights open a view: a learner cookie (even for their own terminal) gets 401', async () => {
    const asLearner = await TerminalSocket.connect(watchUrl(learner.id), { origin: server.origin, cookie: learner.cookie });
    assert.ok('refused' in asLearner && asLearner.refused === 401, JSON.stringify(asLearner));
    const forged = await TerminalSocket.connect(watchUrl(learner.id), { origin: server.origin, 'x-test-instructor': 'guess' });
    assert.ok('refused' in forged && forged.refused === 401);
    const foreign = await TerminalSocket.connect(watchUrl(learner.id), { origin: 'http://evil.example', 'x-test-instructor': TEST_INSTRUCTOR_TOKEN });
    assert.ok('refused' in foreign && foreign.refused === 403);
  });

  test('a learner without a sandbox cannot be watched (no sandbox is created for a view)', async () => {
    const nobody = server.newLearner();
    const view = await TerminalSocket.open(watchUrl(nobody.id), { origin: server.origin, 'x-test-instructor': TEST_INSTRUCTOR_TOKEN });
    const closed = await view.whenClosed;
    assert.equal(closed.code, CloseCode.SANDBOX_FAILED);
    assert.match(closed.reason, /no sandbox yet/);
    assert.equal(server.service.manager.size, 1, 'still only the one learner sandbox');
  });

  test('the view shows the screen so far, then live output; its keystrokes never reach the shell', async () => {
    learnerSocket.type('echo before-$((6*7))\r');
    await learnerSocket.waitForText('the first echo', /before-42/);
    const view = await TerminalSocket.open(watchUrl(learner.id), { origin: server.origin, 'x-test-instructor': TEST_INSTRUCTOR_TOKEN }, { autoAck: false });
    await view.waitForText('the replayed screen', /before-42/);
    // The learner is told someone watches, and when nobody does any more (below).
    await waitFor('the learner to be told of the viewer', () => learnerSocket.controls.some((m) => m.type === 'watched' && m.viewers === 1));

    view.type('echo viewer-typed-$((7*7))\r');
    learnerSocket.type('echo after-$((8*8))\r');
    await view.waitForText('live output in the view', /after-64/);
    await learnerSocket.waitForText('live output for the learner', /after-64/);
    await new Promise((r) => setTimeout(r, 300));
    assert.doesNotMatch(learnerSocket.text(), /viewer-typed|49/, 'the viewer typed nothing into the learner shell');

    // The view never acks; the learner's output must not be paced by it (flow control ignores viewers).
    const from = learnerSocket.outputBytes;
    learnerSocket.type('head -c 3000000 /dev/zero | tr "\\0" x; echo; echo flood-$((5*5))\r');
    await learnerSocket.waitForText('the end of a 3 MB burst', /flood-25/, from, 30_000);
    assert.ok(learnerSocket.outputBytes - from > 3_000_000, `learner got ${learnerSocket.outputBytes - from} bytes`);
    assert.equal(view.closed, null, 'the view is still open');
    await view.close();
    await waitFor('the learner to be told the view closed', () => {
      const last = learnerSocket.controls.at(-1);
      return last?.type === 'watched' && last.viewers === 0;
    });
    learnerSocket.type('echo still-here\r');
    await learnerSocket.waitForText('the learner carries on after the view closes', /still-here/);
  });
});
