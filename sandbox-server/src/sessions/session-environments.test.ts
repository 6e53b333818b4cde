import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode } from '../../../protocol';
import { FakeDriver } from '../../test/fake-driver';
import { RecordingClient, setup, shutdownManagers, testConfig } from './test/session-fixtures';

afterEach(shutdownManagers);

const DAY = 24 * 3_600_000;
const environments = (overrides: Partial<ReturnType<typeof testConfig>['environments']>) => ({ environments: { ...testConfig().environments, ...overrides } });
const statusMessage = (client: RecordingClient): string => {
  const status = client.controls.findLast((m) => m.type === 'status');
  return status?.type === 'status' ? status.message : '';
};

describe('SessionManager: environments (one sandbox per lesson environment, parked and restored)', () => {
  test("two lessons' environments are two sandboxes; a lesson continuing one gets that one", async () => {
    const { manager, driver } = setup();
    const networking = await manager.connect('ada', 'dind:networking', new RecordingClient());
    const volumes = await manager.connect('ada', 'dind:volumes', new RecordingClient());
    assert.notEqual(networking.info.id, volumes.info.id, 'a fresh environment per lesson');
    // A lesson that continues "networking" asks for the same environment string (lib/lesson-format resolves it).
    const continued = await manager.connect('ada', 'dind:networking', new RecordingClient());
    assert.equal(continued.info.id, networking.info.id);
    assert.deepEqual(driver.created.map((s) => s.profile), ['dind:networking', 'dind:volumes']);
    assert.equal(manager.sandboxIdOf('ada', 'dind:volumes'), volumes.info.id);
  });

  test('idle: parked (stopped, kept), the terminal told it is saved; coming back restores the same sandbox and says since when', async () => {
    const { manager, driver, config } = setup();
    const first = new RecordingClient();
    const session = await manager.connect('ada', 'dind:networking', first);
    manager.disconnect(session, first);
    await manager.sweep(Date.now() + config.limits.idleTimeoutMs + 1000);
    assert.deepEqual(driver.stopped, [session.info.id]);
    assert.deepEqual(driver.removed, [], 'kept, not removed');
    assert.equal(manager.size, 0, 'a parked environment holds no place');
    assert.deepEqual(manager.environmentsOf('ada').map((e) => [e.environment, e.state]), [['dind:networking', 'parked']]);
    assert.equal(manager.sandboxIdOf('ada', 'dind:networking'), undefined, 'nothing runs to grade');

    const back = new RecordingClient();
    const restored = await manager.connect('ada', 'dind:networking', back);
    assert.equal(restored.info.id, session.info.id, 'the same sandbox, with what it wrote');
    assert.equal(driver.created.length, 1);
    assert.ok(driver.calls.includes(`start:${session.info.id}`));
    const hello = back.hello();
    assert.equal(hello.reattached, false);
    assert.equal(typeof hello.restoredFrom, 'number');
    assert.ok(restored.info.expiresAt > Date.now() + config.limits.maxLifetimeMs - 5_000, 'its lifetime starts again');
  });

  test('past its lifetime with a browser open: parked with a message that says how to carry on, close 4410 (no automatic reconnect)', async () => {
    const { manager, driver } = setup();
    const client = new RecordingClient();
    const session = await manager.connect('ada', 'dind:networking', client);
    await manager.sweep(session.info.expiresAt);
    assert.deepEqual(driver.stopped, [session.info.id]);
    assert.equal(client.closeCode, CloseCode.EXPIRED);
    assert.match(statusMessage(client), /running limit.*saved and stopped\. Reload to carry on.*kept for 7 days/);
  });

  test('a learner runs at most runningPerLearner environments: opening one more parks the least recently used', async () => {
    const { manager, driver } = setup(environments({ runningPerLearner: 2 }));
    const a = new RecordingClient();
    const first = await manager.connect('ada', 'dind:containers-101', a);
    await new Promise((r) => setTimeout(r, 5));
    const second = await manager.connect('ada', 'dind:networking', new RecordingClient());
    second.input(new Uint8Array([0x61])); // used more recently than the first
    await manager.connect('grace', 'dind:containers-101', new RecordingClient()); // another learner's do not count
    const third = await manager.connect('ada', 'dind:volumes', new RecordingClient());
    assert.deepEqual(driver.stopped, [first.info.id]);
    assert.equal(a.closeCode, CloseCode.EXPIRED);
    assert.match(statusMessage(a), /You opened another environment/);
    assert.deepEqual(
      manager.environmentsOf('ada').map((e) => [e.environment, e.state]),
      [['dind:containers-101', 'parked'], ['dind:networking', 'running'], ['dind:volumes', 'running']],
    );
    assert.notEqual(third.info.id, second.info.id);
  });

  test('caps: beyond keptPerLearner the oldest parked environment is evicted, and its learner is told at the next visit', async () => {
    const { manager, driver } = setup(environments({ runningPerLearner: 1, keptPerLearner: 1 }));
    const one = await manager.connect('ada', 'dind:one', new RecordingClient());
    const two = await manager.connect('ada', 'dind:two', new RecordingClient()); // parks one
    await manager.connect('ada', 'dind:three', new RecordingClient()); // parks two; one is the oldest of two parked: evicted
    assert.deepEqual(driver.stopped, [one.info.id, two.info.id]);
    assert.deepEqual(driver.removed, [one.info.id]);
    const back = new RecordingClient();
    const fresh = await manager.connect('ada', 'dind:one', back);
    assert.notEqual(fresh.info.id, one.info.id);
    assert.equal(back.hello().lost, 'evicted');
    assert.equal(back.hello().restoredFrom, undefined);
  });

  test('caps: beyond keptMax sandboxes in all, the oldest of anyone is evicted first', async () => {
    const { manager, driver, config } = setup(environments({ keptMax: 2 }));
    const ids: string[] = [];
    for (const learner of ['ada', 'grace', 'linus']) {
      const client = new RecordingClient();
      const session = await manager.connect(learner, 'dind:networking', client);
      manager.disconnect(session, client);
      ids.push(session.info.id);
      await manager.sweep(Date.now() + config.limits.idleTimeoutMs + 1000);
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.deepEqual(driver.removed, [ids[0]], "ada's, parked first, goes");
    assert.deepEqual(manager.environmentsOf('grace').map((e) => e.state), ['parked']);
  });

  test('past the keep window a parked environment is removed, and the next visit starts fresh and says it expired', async () => {
    const { manager, driver, config } = setup();
    const client = new RecordingClient();
    const session = await manager.connect('ada', 'dind:networking', client);
    manager.disconnect(session, client);
    await manager.sweep(Date.now() + config.limits.idleTimeoutMs + 1000);
    await manager.sweep(Date.now() + config.environments.keepMs + DAY);
    assert.deepEqual(driver.removed, [session.info.id]);
    const back = new RecordingClient();
    await manager.connect('ada', 'dind:networking', back);
    assert.equal(back.hello().lost, 'expired');
  });

  test('reconcile: a stopped sandbox within the keep window is parked again (an engine or platform restart), an older one removed', async () => {
    const driver = new FakeDriver();
    const recent = driver.seed({ learnerId: 'ada', profile: 'dind:networking', running: false, stoppedAt: Date.now() - DAY });
    const old = driver.seed({ learnerId: 'grace', profile: 'dind:networking', running: false, stoppedAt: Date.now() - 8 * DAY });
    const { manager } = setup({}, driver);
    assert.deepEqual(await manager.reconcile(), { kept: 0, parked: 1, removed: 1 });
    assert.deepEqual(driver.removed, [old.id]);
    const client = new RecordingClient();
    const session = await manager.connect('ada', 'dind:networking', client);
    assert.equal(session.info.id, recent.id);
    assert.ok(Math.abs((client.hello().restoredFrom ?? 0) - (Date.now() - DAY)) < 5_000, 'restored from when it stopped');
  });

  test('reset throws a parked environment away too, and every machine of a lab with it', async () => {
    const { manager, driver, config } = setup();
    const node1 = await manager.connect('ada', 'dind:swarm', new RecordingClient());
    const node2Client = new RecordingClient();
    const node2 = await manager.connect('ada', 'dind:swarm@2', node2Client);
    manager.disconnect(node2, node2Client);
    // node2 has had no browser for longer than the idle timeout, but node1 of the same lab has one: nothing of the lab is idle.
    await manager.sweep(Date.now() + config.limits.idleTimeoutMs + 1000);
    assert.deepEqual(driver.stopped, []);
    await manager.reset('ada', 'dind:swarm');
    assert.deepEqual(new Set(driver.removed), new Set([node1.info.id, node2.info.id]));
    assert.deepEqual(manager.environmentsOf('ada'), []);
  });

  test("a lab's machines count as one environment for the per-learner running cap", async () => {
    const { manager, driver } = setup(environments({ runningPerLearner: 1 }));
    await manager.connect('ada', 'dind:swarm', new RecordingClient());
    await manager.connect('ada', 'dind:swarm@2', new RecordingClient());
    await manager.connect('ada', 'dind:swarm@3', new RecordingClient());
    assert.deepEqual(driver.stopped, [], 'machines of one lab do not park each other');
    await manager.connect('ada', 'dind:networking', new RecordingClient());
    assert.equal(driver.stopped.length, 3, 'the whole lab is parked together');
  });

  test('a warm sandbox made for the profile is claimed for the environment, and recorded as it', async () => {
    const { manager, driver } = setup();
    await manager.warm({ pool: 'class-1', count: 1, profile: 'dind', classId: 'class-1' });
    manager.setPlacement(() => ({ classId: 'class-1', pool: 'class-1' }));
    const session = await manager.connect('ada', 'dind:networking', new RecordingClient());
    assert.equal(driver.created.length, 1, 'the warm one, no other');
    assert.equal(session.info.profile, 'dind:networking');
    assert.equal((await driver.inspect(session.info.id)).profile, 'dind:networking', 'the claim is recorded with the sandbox');
  });

  test('a lab: connecting to one machine starts them all, each on the lab\'s own network with its hostname, none from a warm pool', async () => {
    const { manager, driver } = setup();
    manager.setEnvironmentMachines((name) => (name === 'swarm' ? 3 : undefined));
    await manager.warm({ pool: 'class-1', count: 1, profile: 'dind', classId: 'class-1' });
    manager.setPlacement(() => ({ classId: 'class-1', pool: 'class-1' }));
    const node1 = await manager.connect('ada', 'dind:swarm', new RecordingClient());
    await waitUntil(() => manager.environmentsOf('ada').length === 3);
    const made = driver.created.filter((spec) => spec.learnerId === 'ada');
    assert.deepEqual(made.map((spec) => [spec.profile, spec.machine?.hostname]).sort(), [['dind:swarm', 'node1'], ['dind:swarm@2', 'node2'], ['dind:swarm@3', 'node3']]);
    assert.equal(new Set(made.map((spec) => spec.machine?.lab)).size, 1, 'one lab');
    assert.equal(manager.warmCount('class-1'), 1, 'the warm sandbox (its own network) was not taken for a lab machine');
    assert.equal(node1.info.profile, 'dind:swarm');
    // Another learner's lab of the same lesson is another lab.
    await manager.connect('grace', 'dind:swarm', new RecordingClient());
    await waitUntil(() => manager.environmentsOf('grace').length === 3);
    const grace = driver.created.find((spec) => spec.learnerId === 'grace');
    assert.notEqual(grace?.machine?.lab, made[0]?.machine?.lab);
  });
});

async function waitUntil(condition: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('a read-only viewer greeted while the inner engine starts', () => {
  test('is told when it is ready, as the learner is (else the shadow view says "Starting…" for good)', async () => {
    // The readiness probe (an exec reading the entrypoint's file) answers "not yet" until the engine is up.
    let engineUp = false;
    const { manager } = setup({}, new FakeDriver({ execResult: () => (engineUp ? { stdout: '1\n' } : { exitCode: 1, stdout: '' }) }));
    const learner = new RecordingClient();
    await manager.connect('ada', 'dind:networking', learner);
    const viewer = new RecordingClient();
    await manager.watch('ada', 'dind', viewer); // the instructor's view names no environment: the learner's current one
    assert.equal(viewer.hello().engineReady, false);
    engineUp = true;
    await waitUntil(() => viewer.statuses.includes('ready'), 5_000);
    assert.ok(learner.statuses.includes('ready'));
  });
});
