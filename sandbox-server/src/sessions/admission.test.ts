import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingClient } from '../../test/support';
import { loadSandboxServerConfig, type AdmissionLimits, type SandboxServerConfig } from '../config/config';
import { FakeDriver } from '../../test/fake-driver';
import { silentLogger } from '../../../lib/logging/logger';
import { AdmissionRefusedError, SessionManager, type ConnectOptions } from './session-manager';
import type { SandboxSession } from '../terminal/sandbox-session';
import { LeftTheLineError } from './waiting-line';

/**
 * Admission over the fake driver: total capacity, the waiting line (order,
 * places told and updated, leaving it), the per-address cap for learners
 * outside a class, and how class learners and warm pools count.
 */

/** A regression here tends to leave a connect waiting forever: fail the suite instead of hanging the run. */
const SUITE = { timeout: 30_000 };

const managers: SessionManager[] = [];
afterEach(() => {
  for (const manager of managers.splice(0)) manager.shutdown();
});

function setup(admission: Partial<AdmissionLimits>): { driver: FakeDriver; manager: SessionManager; config: SandboxServerConfig } {
  const base = loadSandboxServerConfig('test', { NODE_ENV: 'test' });
  const config: SandboxServerConfig = { ...base, admission: { ...base.admission, ...admission } };
  const driver = new FakeDriver();
  const manager = new SessionManager(driver, config, silentLogger);
  managers.push(manager);
  return { driver, manager, config };
}

const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, what: string, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await tick(2);
  }
}

/** Places in line this client was told, in order. */
const places = (client: RecordingClient): number[] => client.controls.flatMap((m) => (m.type === 'queue' ? [m.position] : []));
const hasHello = (client: RecordingClient): boolean => client.controls.some((m) => m.type === 'hello');

/** A learner's socket: its client and its connect, which may wait in line. */
interface Tab {
  client: RecordingClient;
  connected: Promise<SandboxSession>;
  /** Closes the tab (what the socket's close does). */
  close(): void;
}

/** `address` null: a caller inside the server, which gives none. */
function open(manager: SessionManager, learnerId: string, address: string | null = '203.0.113.7'): Tab {
  const client = new RecordingClient();
  const controller = new AbortController();
  const options: ConnectOptions = { address: address ?? undefined, signal: controller.signal };
  const connected = manager.connect(learnerId, 'dind', client, options);
  connected.catch(() => undefined); // each test awaits what it expects
  return { client, connected, close: () => controller.abort() };
}

describe('admission: capacity and the waiting line', SUITE, () => {
  test('with every place taken, the next learner waits in line, is told their place, and gets a sandbox when one is removed', async () => {
    const { driver, manager } = setup({ maxSandboxes: 2, perAddress: 10 });
    const a = await open(manager, 'a').connected;
    await open(manager, 'b').connected;
    const c = open(manager, 'c');
    const d = open(manager, 'd');
    await tick(5);
    assert.equal(driver.created.length, 2, 'no sandbox beyond capacity');
    assert.deepEqual(places(c.client), [1]);
    assert.deepEqual(places(d.client), [2]);
    assert.deepEqual(manager.admission, { maxSandboxes: 2, perAddress: 10, used: 2, waiting: 2 });

    await manager.reset('a', 'dind');
    const session = await c.connected;
    assert.equal(session.info.learnerId, 'c');
    assert.deepEqual(driver.created.map((s) => s.learnerId), ['a', 'b', 'c']);
    assert.ok(driver.removed.includes(a.info.id), 'the reset sandbox went first');
    const states = c.client.controls.map((m) => m.type + (m.type === 'status' ? `:${m.state}` : ''));
    assert.deepEqual(states, ['queue', 'status:starting', 'hello'], 'told its place, then that it starts, then hello');
    assert.deepEqual(places(d.client), [2, 1], 'd moved up when c left the line');
    assert.equal(hasHello(d.client), false);
    assert.equal(manager.admission.used, 2);
  });

  test('first come, first served: places free one at a time go to the line in order', async () => {
    const { manager } = setup({ maxSandboxes: 1, perAddress: 10 });
    await open(manager, 'first').connected;
    const line = ['w1', 'w2', 'w3'].map((id) => ({ id, tab: open(manager, id) }));
    await tick(5);
    const order: string[] = [];
    for (const { id, tab } of line) void tab.connected.then(() => order.push(id));
    await manager.reset('first', 'dind');
    await waitFor(() => order.length === 1, 'w1 to get the place');
    await manager.reset('w1', 'dind');
    await waitFor(() => order.length === 2, 'w2 to get the place');
    await manager.reset('w2', 'dind');
    await waitFor(() => order.length === 3, 'w3 to get the place');
    assert.deepEqual(order, ['w1', 'w2', 'w3']);
    assert.deepEqual(places(line[2]!.tab.client), [3, 2, 1]);
  });

  test('a learner who closes the tab leaves the line: those behind move up, and no sandbox is made for them', async () => {
    const { driver, manager } = setup({ maxSandboxes: 1, perAddress: 10 });
    await open(manager, 'holder').connected;
    const gone = open(manager, 'gone');
    const next = open(manager, 'next');
    await tick(5);
    assert.deepEqual(places(next.client), [2]);
    gone.close();
    await assert.rejects(gone.connected, LeftTheLineError);
    assert.deepEqual(places(next.client), [2, 1]);
    assert.equal(manager.admission.waiting, 1);

    await manager.reset('holder', 'dind');
    await next.connected;
    assert.deepEqual(driver.created.map((s) => s.learnerId), ['holder', 'next'], 'nothing was made for the one who left');
  });

  test('two tabs of one waiting learner share one place; closing one keeps it, and both get the sandbox', async () => {
    const { driver, manager } = setup({ maxSandboxes: 1, perAddress: 10 });
    await open(manager, 'holder').connected;
    const tab1 = open(manager, 'twotabs');
    const tab2 = open(manager, 'twotabs');
    const tab3 = open(manager, 'twotabs');
    const behind = open(manager, 'behind');
    await tick(5);
    assert.deepEqual([places(tab1.client), places(tab2.client), places(behind.client)], [[1], [1], [2]]);
    tab3.close();
    await assert.rejects(tab3.connected, LeftTheLineError);
    assert.deepEqual(places(behind.client), [2], 'one tab closing does not give the place away');

    await manager.reset('holder', 'dind');
    const [s1, s2] = await Promise.all([tab1.connected, tab2.connected]);
    assert.equal(s1, s2);
    assert.equal(s1.clientCount, 2);
    assert.equal(driver.created.filter((s) => s.learnerId === 'twotabs').length, 1);
    assert.deepEqual(places(behind.client), [2, 1]);
  });

  test('a learner who already has a sandbox reconnects at once, even when the site is full and others wait', async () => {
    const { manager } = setup({ maxSandboxes: 1, perAddress: 10 });
    const session = await open(manager, 'holder').connected;
    open(manager, 'waiting');
    await tick(5);
    const again = open(manager, 'holder');
    assert.equal(await again.connected, session);
    assert.deepEqual(places(again.client), []);
  });

  test('an expired sandbox frees its place for the line', async () => {
    const { manager } = setup({ maxSandboxes: 1, perAddress: 10 });
    const session = await open(manager, 'old').connected;
    const waiting = open(manager, 'new');
    await tick(5);
    await manager.sweep(session.info.expiresAt);
    assert.equal((await waiting.connected).info.learnerId, 'new');
  });

  test('a sandbox that fails to start gives its place to the next in line', async () => {
    const { driver, manager } = setup({ maxSandboxes: 1, perAddress: 10 });
    await open(manager, 'holder').connected;
    const unlucky = open(manager, 'unlucky');
    const next = open(manager, 'next');
    await tick(5);
    driver.attachFailures.push(new Error('attach refused'));
    await manager.reset('holder', 'dind');
    await assert.rejects(unlucky.connected, /attach refused/);
    assert.equal((await next.connected).info.learnerId, 'next');
  });

  test('a learner arriving while a place is being freed goes behind the one already waiting', async () => {
    const { manager } = setup({ maxSandboxes: 1, perAddress: 10 });
    await open(manager, 'holder').connected;
    const early = open(manager, 'early');
    await tick(5);
    // The reset is freeing the place; a newcomer arriving meanwhile must not take it from the one waiting.
    const resetting = manager.reset('holder', 'dind');
    const late = open(manager, 'late');
    await resetting;
    assert.equal((await early.connected).info.learnerId, 'early');
    await tick(5);
    assert.deepEqual(places(late.client), [2, 1], 'behind the one who was waiting, then first');
    assert.equal(hasHello(late.client), false);
  });

  test('stopping the server empties the line: waiting sockets are told to come back', async () => {
    const { manager } = setup({ maxSandboxes: 1, perAddress: 10 });
    await open(manager, 'holder').connected;
    const waiting = open(manager, 'waiting');
    await tick(5);
    manager.shutdown();
    await assert.rejects(waiting.connected, (error: unknown) => error instanceof LeftTheLineError && /restarting/.test(error.message));
  });
});

describe('admission: per-address cap for learners outside a class', SUITE, () => {
  test('a third learner from one address is refused, not queued, and nothing is created; another address is not affected', async () => {
    const { driver, manager } = setup({ maxSandboxes: 50, perAddress: 2 });
    await open(manager, 'one', '198.51.100.1').connected;
    await open(manager, 'two', '198.51.100.1').connected;
    const third = open(manager, 'three', '198.51.100.1');
    await assert.rejects(third.connected, (error: unknown) => {
      assert.ok(error instanceof AdmissionRefusedError);
      assert.equal(error.code, 'address-limit');
      assert.match(error.message, /already has 2 sandboxes/);
      return true;
    });
    assert.deepEqual(places(third.client), [], 'a refusal is not a place in line');
    assert.equal(driver.created.length, 2);
    assert.equal(manager.admission.waiting, 0);
    await open(manager, 'elsewhere', '198.51.100.2').connected;
    // The two who have sandboxes still reconnect: the cap is on new sandboxes.
    await open(manager, 'one', '198.51.100.1').connected;
    assert.equal(driver.created.length, 3);
  });

  test('places in line count against the address too, so one address cannot fill the line', async () => {
    const { manager } = setup({ maxSandboxes: 1, perAddress: 2 });
    await open(manager, 'holder', '192.0.2.9').connected;
    const queued = open(manager, 'queued', '192.0.2.9');
    await tick(5);
    assert.deepEqual(places(queued.client), [1]);
    await assert.rejects(open(manager, 'third', '192.0.2.9').connected, AdmissionRefusedError);
    // Leaving the line gives that place back to the address.
    queued.close();
    await assert.rejects(queued.connected, LeftTheLineError);
    const again = open(manager, 'again', '192.0.2.9');
    await tick(5);
    assert.deepEqual(places(again.client), [1]);
  });

  test('a removed sandbox no longer counts against its address', async () => {
    const { manager } = setup({ maxSandboxes: 50, perAddress: 1 });
    await open(manager, 'first', '192.0.2.1').connected;
    await assert.rejects(open(manager, 'second', '192.0.2.1').connected, AdmissionRefusedError);
    await manager.reset('first', 'dind');
    await open(manager, 'second', '192.0.2.1').connected;
  });

  test('with a cap of 0, only class members get sandboxes', async () => {
    const { manager } = setup({ maxSandboxes: 50, perAddress: 0 });
    manager.setPlacement((learnerId) => (learnerId.startsWith('member') ? { classId: 'k1' } : undefined));
    await assert.rejects(open(manager, 'walk-in').connected, /members of a class only/);
    await open(manager, 'member-1').connected;
  });

  test('callers that give no address (inside the server) are not capped per address', async () => {
    const { driver, manager } = setup({ maxSandboxes: 50, perAddress: 1 });
    for (const id of ['x', 'y', 'z']) await open(manager, id, null).connected;
    assert.equal(driver.created.length, 3);
  });
});

describe('admission: classes and warm pools', SUITE, () => {
  const inClass = (learnerId: string) => (learnerId.startsWith('member') ? { classId: 'k1', pool: 'k1' } : undefined);

  test('class members behind one address are not capped per address, but count toward capacity and wait in line like anyone', async () => {
    const { driver, manager } = setup({ maxSandboxes: 4, perAddress: 2 });
    manager.setPlacement(inClass);
    for (let i = 1; i <= 4; i++) await open(manager, `member-${i}`, '10.9.9.9').connected;
    assert.equal(driver.created.length, 4, 'four members from one address, over the per-address cap of 2');
    const fifth = open(manager, 'member-5', '10.9.9.9');
    await tick(5);
    assert.deepEqual(places(fifth.client), [1], 'capacity holds for class members too');
    // Members do not use up the address's allowance: a walk-in from that address waits in line rather than being refused.
    const walkIn = open(manager, 'walk-in', '10.9.9.9');
    await tick(5);
    assert.deepEqual(places(walkIn.client), [2]);
  });

  test('warm sandboxes count toward capacity, and a pool fills only from free places', async () => {
    const { driver, manager } = setup({ maxSandboxes: 3, perAddress: 10 });
    manager.setPlacement(inClass);
    await open(manager, 'walk-in').connected;
    const filled = await manager.warm({ pool: 'k1', count: 5, profile: 'dind', classId: 'k1' });
    assert.deepEqual({ started: filled.started, skipped: filled.skipped }, { started: 2, skipped: 3 });
    assert.equal(manager.admission.used, 3);
    const outsider = open(manager, 'outsider');
    await tick(5);
    assert.deepEqual(places(outsider.client), [1], 'the warm sandboxes are the class’s: an outsider waits');

    // A member takes a warm sandbox without waiting: it was already counted.
    const member = await open(manager, 'member-1').connected;
    assert.equal(member.info.pool, undefined);
    assert.equal(driver.created.filter((s) => s.learnerId === 'member-1').length, 0, 'claimed, not created');
    assert.equal(manager.admission.used, 3);
    assert.equal(hasHello(outsider.client), false);

    // Ending the class gives its places (the claimed one and the warm one) back to the line.
    await manager.removeClass('k1');
    assert.equal((await outsider.connected).info.learnerId, 'outsider');
  });

  test('ending a class whose sandbox the engine had already lost frees that place too', async () => {
    const { driver, manager } = setup({ maxSandboxes: 1, perAddress: 10 });
    manager.setPlacement(inClass);
    const member = await open(manager, 'member-1').connected;
    const outsider = open(manager, 'outsider');
    await tick(5);
    await driver.remove(member.info.id); // gone behind the manager's back (someone ran docker rm)
    await manager.removeClass('k1');
    await waitFor(() => hasHello(outsider.client), 'the outsider to get the freed place');
    assert.equal(manager.admission.used, 1);
  });

  test('a place that frees goes to the line, not to a warm pool filling after it', async () => {
    const { manager } = setup({ maxSandboxes: 1, perAddress: 10 });
    const holder = await open(manager, 'holder').connected;
    const waiting = open(manager, 'waiting');
    await tick(5);
    await manager.sweep(holder.info.expiresAt); // frees the place; the line is served first
    const filled = await manager.warm({ pool: 'k1', count: 1, profile: 'dind', classId: 'k1' });
    assert.deepEqual({ started: filled.started, skipped: filled.skipped }, { started: 0, skipped: 1 });
    assert.equal((await waiting.connected).info.learnerId, 'waiting');
  });
});
