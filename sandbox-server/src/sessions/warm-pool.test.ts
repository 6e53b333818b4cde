import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode } from '../../../protocol';
import type { FakeDriver } from '../../test/fake-driver';
import { RecordingClient, setup, shutdownManagers, tick, waitFor } from './test/session-fixtures';

afterEach(shutdownManagers);

/** The sandbox's main process exits six times in a row: its session gives up (a crash loop) and ends. */
async function crashLoop(driver: FakeDriver, id: string): Promise<void> {
  const starts = (): number => driver.calls.filter((c) => c === `start:${id}`).length;
  for (let i = 0; i < 6; i++) {
    const before = starts();
    driver.stream(id).exit();
    if (i < 5) await waitFor(() => starts() === before + 1, `respawn ${i + 1}`);
  }
}

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
    const learner = new RecordingClient();
    const a = await manager.connect('c1-a', 'dind', learner);
    const other = await manager.connect('solo', 'dind', new RecordingClient());
    await manager.warm({ pool: 'c1', count: 1, profile: 'dind', classId: 'c1' });
    const before = a.info.expiresAt;
    const after = await manager.extend('c1-a', 'dind', 30 * 60_000);
    assert.equal(after, before + 30 * 60_000);
    assert.deepEqual(learner.controls.at(-1), { type: 'expires', expiresAt: after }, 'the open terminal learns its new end');
    assert.equal((await driver.inspect(a.info.id)).expiresAt, after);
    assert.equal(await manager.extend('nobody', 'dind', 1000), undefined);

    const client = new RecordingClient();
    a.addClient(client, true);
    assert.equal(await manager.removeClass('c1'), 2, 'the learner sandbox and the warm one');
    assert.equal(client.closeCode, CloseCode.EXPIRED);
    assert.deepEqual((await driver.list()).map((i) => i.id), [other.info.id]);
    assert.equal(manager.warmCount('c1'), 0);
  });

  test('a warm sandbox whose session ends while it waits leaves the pool and its place', async () => {
    const { driver, manager } = setup();
    await manager.warm({ pool: 'class-1', count: 1, profile: 'dind', classId: 'class-1' });
    const [warmId] = [...driver.streams.keys()];
    assert.equal(manager.admission.used, 1);
    await crashLoop(driver, warmId!);
    await waitFor(() => manager.warmCount('class-1') === 0, 'the pool to drop it');
    assert.equal(manager.admission.used, 0);
  });

  test('once claimed, a warm sandbox belongs to the learner: when its session ends the manager forgets it, and the pool is untouched', async () => {
    const { driver, manager } = setup();
    await manager.warm({ pool: 'class-1', count: 2, profile: 'dind', classId: 'class-1' });
    manager.setPlacement(() => ({ classId: 'class-1', pool: 'class-1' }));
    const client = new RecordingClient();
    const session = await manager.connect('in-class', 'dind', client);
    assert.equal(manager.warmCount('class-1'), 1);
    await crashLoop(driver, session.info.id);
    await waitFor(() => client.closeCode !== undefined, 'the close');
    assert.equal(client.closeCode, CloseCode.SANDBOX_FAILED);
    assert.equal(manager.sandboxIdOf('in-class', 'dind'), undefined, 'the learner no longer holds the dead session');
    assert.equal(manager.warmCount('class-1'), 1, 'the waiting one is still there');
    const next = await manager.connect('in-class', 'dind', new RecordingClient());
    assert.notEqual(next.info.id, session.info.id);
  });

  test('a sandbox still starting when the server shuts down is detached like the waiting ones, and no further one is started', async () => {
    const { driver, manager } = setup();
    // Hold the first create until the manager is gone, as a slow engine would.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const create = driver.create.bind(driver);
    driver.create = async (spec) => {
      await held;
      return create(spec);
    };
    // Five asked for, three at a time: three creates are under way when the server stops.
    const filling = manager.warm({ pool: 'class-1', count: 5, profile: 'dind', classId: 'class-1' });
    await tick(5);
    manager.shutdown();
    release();
    await filling;
    assert.equal(driver.created.length, 3, 'the two not yet asked for were never created');
    for (const id of driver.streams.keys()) await waitFor(() => driver.stream(id).destroyed, `${id} to be detached`);
    assert.equal(driver.removed.length, 0, 'left running for the next start-up to reconcile, like the waiting ones');
    assert.equal(manager.warmCount('class-1'), 0);
  });
});

