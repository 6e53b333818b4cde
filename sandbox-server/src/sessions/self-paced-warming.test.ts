import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../lib/logging/logger';
import { FakeDriver } from '../../test/fake-driver';
import { ArrivalRate } from './arrival-rate';
import { AdmissionRefusedError } from './session-manager';
import { SelfPacedWarming, selfPacedPool } from './self-paced-warming';
import { RecordingClient, setup, shutdownManagers, testConfig, waitFor } from './test/session-fixtures';
import { WarmPool } from './warm-pool';

/**
 * The self-paced warm pool over the fake driver: a newcomer outside any class
 * takes a booted sandbox, the pool refills behind them and grows with
 * arrivals, stays inside capacity and gives its places up to learners who
 * would wait. (Against the real engine: self-paced-warming.integration.test.ts.)
 */

afterEach(shutdownManagers);

const POOL = selfPacedPool('dind');
const MINUTE = 60_000;

describe('ArrivalRate', () => {
  test('the busiest minute of the last ten, forgetting older minutes', () => {
    const rate = new ArrivalRate();
    const t0 = 100 * MINUTE;
    for (let i = 0; i < 4; i++) rate.note(t0 + i * 1000);
    rate.note(t0 + 3 * MINUTE);
    assert.equal(rate.peakPerMinute(t0 + 3 * MINUTE), 4);
    assert.equal(rate.peakPerMinute(t0 + 9 * MINUTE), 4, 'still inside the window');
    assert.equal(rate.peakPerMinute(t0 + 10 * MINUTE), 1, 'the busy minute left the window');
    assert.equal(rate.peakPerMinute(t0 + 14 * MINUTE), 0);
    rate.note(t0 + 20 * MINUTE); // lands in a slot an old minute used: counted afresh
    assert.equal(rate.peakPerMinute(t0 + 20 * MINUTE), 1);
  });
});

describe('SelfPacedWarming', () => {
  /** A warming over a real WarmPool and the fake driver, with a clock the test moves. */
  function warming(limits: { min: number; max: number }, room = () => true) {
    const driver = new FakeDriver();
    const config = testConfig({ selfPacedWarm: { ...limits, windowMinutes: 10 } });
    const pool = new WarmPool(driver, config, silentLogger, () => `s${Math.random().toString(36).slice(2, 10)}`);
    let now = 1000 * MINUTE;
    const keeper = new SelfPacedWarming('dind', { config, log: silentLogger, pool, hasRoom: room, placesChanged: () => undefined, now: () => now });
    return { driver, pool, keeper, advance: (ms: number) => (now += ms), done: () => (keeper.dispose(), pool.dispose()) };
  }

  test('keeps min ready when nobody came; arrivals raise the target up to max; a quiet site shrinks back one per look', async () => {
    const { pool, keeper, advance, done } = warming({ min: 1, max: 3 });
    try {
      keeper.start();
      await waitFor(() => pool.size(POOL) === 1, 'min warm');
      for (let i = 0; i < 5; i++) keeper.noteArrival();
      assert.equal(keeper.target, 3, 'five arrivals in a minute, capped at max');
      await waitFor(() => pool.size(POOL) === 3, 'the pool to grow');
      advance(11 * MINUTE);
      assert.equal(keeper.target, 1);
      keeper.adjust();
      await waitFor(() => pool.size(POOL) === 2, 'one given up');
      keeper.adjust();
      await waitFor(() => pool.size(POOL) === 1, 'back to min');
      keeper.adjust();
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(pool.size(POOL), 1, 'min is kept');
    } finally {
      done();
    }
  });

  test('never starts one without a free place, and is off with max 0', async () => {
    let room = false;
    const { pool, keeper, driver, done } = warming({ min: 2, max: 2 }, () => room);
    try {
      keeper.start();
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(driver.created.length, 0, 'no room, nothing started');
      room = true;
      keeper.adjust();
      await waitFor(() => pool.size(POOL) === 2, 'filled once room came');
    } finally {
      done();
    }
    const off = warming({ min: 0, max: 0 });
    try {
      off.keeper.start();
      off.keeper.noteArrival();
      await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual([off.keeper.running, off.keeper.target, off.driver.created.length], [false, 0, 0]);
    } finally {
      off.done();
    }
  });
});

describe('SessionManager with a self-paced warm pool', () => {
  test('a newcomer outside any class takes a warm sandbox (no create on connect), with a lifetime from the claim; the pool refills', async () => {
    const { driver, manager, config } = setup({ selfPacedWarm: { min: 1, max: 4, windowMinutes: 10 } });
    manager.startSelfPacedWarming(['dind']);
    await waitFor(() => manager.selfPacedWarm('dind').waiting === 1, 'one warm');
    const warmId = driver.created.length === 1 ? [...driver.streams.keys()][0]! : assert.fail('one sandbox started');
    assert.deepEqual([driver.created[0]!.learnerId, driver.created[0]!.pool, driver.created[0]!.classId], ['', POOL, undefined]);
    driver.stream(warmId).output('Docker ready\r\nroot@sandbox:~# ');

    const before = Date.now();
    const client = new RecordingClient();
    const session = await manager.connect('walk-in', 'dind', client, { address: '203.0.113.9' });
    assert.equal(session.info.id, warmId);
    assert.equal((await driver.inspect(warmId)).learnerId, 'walk-in', 'the claim is recorded');
    assert.ok(session.info.expiresAt >= before + config.limits.maxLifetimeMs, 'the lifetime counts from the claim');
    await waitFor(() => client.output.includes('root@sandbox:~# '), 'the replayed prompt');
    await waitFor(() => manager.selfPacedWarm('dind').waiting === 1 && driver.created.length === 2, 'the refill');
    assert.equal(manager.admission.used, 2, 'the learner and the next warm one');
  });

  test('the per-address cap counts a warm claim like a new sandbox', async () => {
    const { manager } = setup({ selfPacedWarm: { min: 2, max: 2, windowMinutes: 10 }, admission: { ...testConfig().admission, perAddress: 1 } });
    manager.startSelfPacedWarming(['dind']);
    await waitFor(() => manager.selfPacedWarm('dind').waiting === 2, 'two warm');
    await manager.connect('first', 'dind', new RecordingClient(), { address: '198.51.100.1' });
    await assert.rejects(manager.connect('second', 'dind', new RecordingClient(), { address: '198.51.100.1' }), AdmissionRefusedError);
  });

  test('a learner who would wait makes a warm sandbox give up its place', async () => {
    const { manager } = setup({ selfPacedWarm: { min: 2, max: 2, windowMinutes: 10 }, admission: { ...testConfig().admission, maxSandboxes: 2 } });
    manager.startSelfPacedWarming(['dind']);
    await waitFor(() => manager.selfPacedWarm('dind').waiting === 2, 'the site full of warm sandboxes');
    // A class learner cannot use a self-paced sandbox (no class, no mirror): one warm one makes way.
    manager.setPlacement((learnerId) => (learnerId === 'in-class' ? { classId: 'c1' } : undefined));
    const session = await manager.connect('in-class', 'dind', new RecordingClient());
    assert.equal(session.info.classId, 'c1');
    assert.equal(manager.admission.used, 2, 'still within capacity');
    assert.equal(manager.selfPacedWarm('dind').waiting, 1);
  });

  test('a newcomer who arrives while the only place is a warm sandbox still booting waits, then gets that sandbox', async () => {
    const { driver, manager } = setup({ selfPacedWarm: { min: 1, max: 1, windowMinutes: 10 }, admission: { ...testConfig().admission, maxSandboxes: 1 } });
    manager.startSelfPacedWarming(['dind']);
    assert.equal(manager.selfPacedWarm('dind').waiting, 0, 'still booting');
    const session = await manager.connect('early', 'dind', new RecordingClient(), { address: '198.51.100.7' });
    assert.equal(driver.created.length, 1, 'the warm one, nothing more');
    assert.equal(session.info.id, [...driver.streams.keys()][0]);
  });

  test('a class learner who would wait makes a warm sandbox give its place up, also after it finished booting', async () => {
    const { manager } = setup({ selfPacedWarm: { min: 1, max: 1, windowMinutes: 10 }, admission: { ...testConfig().admission, maxSandboxes: 1 } });
    manager.setPlacement((learnerId) => (learnerId === 'in-class' ? { classId: 'c1' } : undefined));
    manager.startSelfPacedWarming(['dind']);
    const session = await manager.connect('in-class', 'dind', new RecordingClient());
    assert.equal(session.info.classId, 'c1');
  });

  test('a class being warmed takes the places self-paced warm sandboxes held', async () => {
    const { manager } = setup({ selfPacedWarm: { min: 2, max: 2, windowMinutes: 10 }, admission: { ...testConfig().admission, maxSandboxes: 3 } });
    manager.startSelfPacedWarming(['dind']);
    await waitFor(() => manager.selfPacedWarm('dind').waiting === 2, 'two self-paced warm');
    const filled = await manager.warm({ pool: 'c1', count: 3, profile: 'dind', classId: 'c1' });
    assert.deepEqual([filled.started, filled.skipped], [3, 0]);
    assert.equal(manager.warmCount('c1'), 3);
  });

  test('a class short of one place takes one from the self-paced pools, not one from each profile', async () => {
    const { manager } = setup({ selfPacedWarm: { min: 1, max: 1, windowMinutes: 10 }, admission: { ...testConfig().admission, maxSandboxes: 3 } });
    manager.startSelfPacedWarming(['dind', 'compose']);
    const waiting = (): number => manager.selfPacedWarm('dind').waiting + manager.selfPacedWarm('compose').waiting;
    await waitFor(() => waiting() === 2, 'one self-paced warm per profile');
    const filled = await manager.warm({ pool: 'c1', count: 2, profile: 'dind', classId: 'c1' });
    assert.deepEqual([filled.started, filled.skipped], [2, 0]);
    assert.equal(waiting(), 1, 'one free place and one given back made the two');
  });

  test('off where only class members get sandboxes (perAddress 0)', async () => {
    const { driver, manager } = setup({ selfPacedWarm: { min: 2, max: 2, windowMinutes: 10 }, admission: { ...testConfig().admission, perAddress: 0 } });
    manager.startSelfPacedWarming(['dind']);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual([driver.created.length, manager.selfPacedWarm('dind').target], [0, 0]);
  });
});

describe('the terminal says ready only once the engine is', () => {
  test('a cold sandbox: hello says the engine is starting, a status ready follows when the probe finds it ready', async () => {
    let engineUp = false;
    const driver = new FakeDriver({ execResult: (_id, cmd) => ({ exitCode: cmd.join(' ') === 'cat /run/drydock/engine-ready' && engineUp ? 0 : 1 }) });
    const { manager } = setup({}, driver);
    const client = new RecordingClient();
    await manager.connect('cold', 'dind', client);
    assert.equal(client.hello().engineReady, false);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(client.statuses, [], 'no ready while the engine does not answer');
    engineUp = true;
    await waitFor(() => client.statuses.includes('ready'), 'the status ready', 2000);
    // A second tab opened now is greeted as ready.
    const tab = new RecordingClient();
    await manager.connect('cold', 'dind', tab);
    assert.equal(tab.hello().engineReady, true);
  });

  test('a warm sandbox is handed out ready', async () => {
    const { manager } = setup({ selfPacedWarm: { min: 1, max: 1, windowMinutes: 10 } });
    manager.startSelfPacedWarming(['dind']);
    await waitFor(() => manager.selfPacedWarm('dind').waiting === 1, 'one warm');
    const client = new RecordingClient();
    await manager.connect('walk-in', 'dind', client);
    assert.equal(client.hello().engineReady, true);
  });
});
