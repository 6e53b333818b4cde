import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { CloseCode, type ServerControl } from '../../../protocol';
import { PROMPT, TerminalSocket, cleanupServer, requireDocker, startTestSandboxServer, testConfig, waitFor, type TestSandboxServer } from '../../test/support';

/**
 * Admission end to end: the real engine, the real WebSocket endpoint. The
 * server trusts loopback as a proxy, so each learner says which address it
 * comes from in X-Forwarded-For (which also proves the limits count that
 * address, not the proxy's). Tests run in order and share the sandboxes.
 */

const queuePlaces = (s: TerminalSocket): number[] => s.controls.flatMap((m) => (m.type === 'queue' ? [m.position] : []));
const errorOf = (s: TerminalSocket): Extract<ServerControl, { type: 'error' }> | undefined =>
  s.controls.find((m): m is Extract<ServerControl, { type: 'error' }> => m.type === 'error');

describe('admission over the terminal WebSocket (real engine)', () => {
  const JOINS_PER_MINUTE = 20;
  const config = testConfig({
    admission: { maxSandboxes: 2, maxSandboxesReason: 'test', perAddress: 2, socketsPerLearner: 4, joinsPerMinute: JOINS_PER_MINUTE },
  });
  let docker: Docker;
  let server: TestSandboxServer;
  const sockets: TerminalSocket[] = [];

  /** A learner's socket from `address` (as the trusted proxy reports it); must be accepted. */
  async function openAs(learner: { cookie: string }, address: string): Promise<TerminalSocket> {
    const socket = await TerminalSocket.open(server.url, { Cookie: learner.cookie, Origin: server.origin, 'X-Forwarded-For': address });
    sockets.push(socket);
    return socket;
  }

  const containers = async (): Promise<number> => (await server.service.driver.list()).length;

  before(async () => {
    docker = await requireDocker();
    server = await startTestSandboxServer(config, { DRYDOCK_TRUSTED_PROXIES: 'loopback' });
  });

  after(async () => {
    for (const s of sockets) await s.close();
    await server?.close();
    const left = await cleanupServer(docker, config.serverId);
    assert.deepEqual(left, { containers: 0, networks: 0, volumes: 0 });
  });

  // Learners B and C, and B's socket, carry over from the first test to the next ones.
  let learnerB: { id: string; cookie: string };
  let learnerC: { id: string; cookie: string };
  let b: TerminalSocket;

  test('with capacity 2, a third learner waits in line at place 1 (a fourth at 2), and gets a real prompt once a sandbox is removed', async () => {
    const learnerA = server.newLearner();
    learnerB = server.newLearner();
    learnerC = server.newLearner();
    const a = await openAs(learnerA, '198.51.100.1');
    b = await openAs(learnerB, '198.51.100.2');
    await a.waitForHello();
    await b.waitForHello();
    await a.waitForText('A’s prompt', PROMPT, 0, 60_000);

    const c = await openAs(learnerC, '198.51.100.3');
    const d = await openAs(server.newLearner(), '198.51.100.4');
    await waitFor('C and D to be told their places', () => queuePlaces(c).length > 0 && queuePlaces(d).length > 0, 10_000);
    assert.deepEqual(queuePlaces(c), [1]);
    assert.deepEqual(queuePlaces(d), [2]);
    assert.equal(c.closed, null, 'the socket of a learner in line stays open');
    assert.equal(await containers(), 2, 'no third sandbox: the site is full');
    // What is typed while waiting goes nowhere: it must not run in the sandbox minutes later.
    c.type('echo typed-while-$((1+1))-waiting\r');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(c.closed, null);
    assert.equal(c.controls.some((m) => m.type === 'hello'), false);

    const removedAt = performance.now();
    await server.service.manager.reset(learnerA.id, 'dind');
    const removalMs = performance.now() - removedAt;
    assert.equal((await a.whenClosed).code, CloseCode.SHUTDOWN);
    const hello = await c.waitForHello(60_000);
    assert.equal(hello.reattached, false);
    await c.waitForText('C’s prompt', PROMPT, 0, 60_000);
    console.log(`# the learner in line had a prompt ${Math.round(performance.now() - removedAt)} ms after the removal began (the engine took ${Math.round(removalMs)} ms to remove the sandbox)`);
    const states = c.controls.map((m) => (m.type === 'status' ? `status:${m.state}` : m.type));
    assert.deepEqual(states.slice(0, 4), ['status:starting', 'queue', 'status:starting', 'hello']);
    const from = c.outputBytes;
    c.type('echo answer-$((6*7))\r');
    await c.waitForText('C’s shell to answer', /^answer-42\r?$/m, from);
    assert.doesNotMatch(c.text(), /typed-while-2-waiting/);
    assert.deepEqual(queuePlaces(d), [2, 1], 'D moved up');
    assert.equal(await containers(), 2);

    // D closes the tab: it leaves the line.
    await d.close();
    await waitFor('D to leave the line', () => server.service.manager.admission.waiting === 0, 5_000);
  });

  test('a third learner from one address, over the per-address cap of 2, is refused with a reason (not queued); another address is queued', async () => {
    // B (198.51.100.2) holds one sandbox; C's place goes to a second learner from B's address.
    await server.service.manager.reset(learnerC.id, 'dind');
    const second = server.newLearner();
    const e = await openAs(second, '198.51.100.2');
    await e.waitForHello(60_000);
    assert.equal(await containers(), 2);

    const third = await openAs(server.newLearner(), '198.51.100.2');
    const closed = await third.whenClosed;
    assert.equal(closed.code, CloseCode.LIMIT);
    assert.equal(closed.reason, 'too many sandboxes from this address');
    const error = errorOf(third);
    assert.equal(error?.code, 'address-limit');
    assert.match(error?.message ?? '', /already has 2 sandboxes/);
    assert.deepEqual(queuePlaces(third), [], 'a refusal is not a place in line');

    const elsewhere = await openAs(server.newLearner(), '198.51.100.77');
    await waitFor('the other address to be queued', () => queuePlaces(elsewhere).length > 0, 10_000);
    assert.deepEqual(queuePlaces(elsewhere), [1]);
    await elsewhere.close();
    assert.equal(await containers(), 2);
  });

  test('a fifth terminal socket of one learner is refused with a clear close reason; closing one lets another in', async () => {
    const tabs = [b];
    for (let i = 0; i < 3; i++) tabs.push(await openAs(learnerB, '198.51.100.20'));
    for (const tab of tabs) await tab.waitForHello();
    const fifth = await openAs(learnerB, '198.51.100.20');
    const closed = await fifth.whenClosed;
    assert.equal(closed.code, CloseCode.LIMIT);
    assert.equal(closed.reason, 'too many terminals open (4); close one');
    assert.equal(errorOf(fifth)?.code, 'socket-limit');
    assert.match(errorOf(fifth)?.message ?? '', /already have 4 terminals open/);
    assert.equal(fifth.controls.some((m) => m.type === 'hello'), false);

    await tabs.pop()!.close();
    await waitFor('the server to count the closed tab', () => server.service.manager.connectionState(learnerB.id).sockets === 3, 5_000);
    const again = await openAs(learnerB, '198.51.100.20');
    assert.equal((await again.waitForHello()).reattached, true);
  });

  test('socket joins are rate-limited per client address (an IPv6 /64 is one): past the burst, the upgrade answers 429 with Retry-After', async () => {
    const knock = (address: string) => TerminalSocket.connect(server.url, { Origin: server.origin, 'X-Forwarded-For': address });
    // No cookie: each knock is refused (401) after the limiter counted it, so this costs no sandbox.
    // Every knock from another address of one IPv6 /64: the network, not the address, is the client.
    for (let i = 0; i < JOINS_PER_MINUTE; i++) {
      const outcome = await knock(`2001:db8:50:50::${(i + 1).toString(16)}`);
      assert.ok('refused' in outcome && outcome.refused === 401, `knock ${i + 1} is counted and then refused for its missing cookie`);
    }
    const limited = await knock('2001:db8:50:50:ffff::99');
    assert.ok('refused' in limited, 'the upgrade over the limit is refused');
    assert.equal(limited.refused, 429);
    assert.match(limited.body, /^Too Many Requests: too many terminal connections from your address; try again in \d+ s$/);
    assert.match(String(limited.headers['retry-after']), /^[1-3]$/, `${JOINS_PER_MINUTE} a minute: a token every 3 s`);
    const other = await knock('2001:db8:50:51::1');
    assert.ok('refused' in other && other.refused === 401, 'the next /64 has its own bucket');
  });
});
