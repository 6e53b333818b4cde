import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FairGate, type FairGateOptions } from './fair-gate';

const OPTIONS: FairGateOptions = { concurrency: 1, burst: 100, perSecond: 100, maxWaitingPerKey: 50, maxWaitMs: 10_000, maxKeys: 100 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('FairGate', () => {
  test('never runs more than `concurrency` tasks at once', async () => {
    const gate = new FairGate({ ...OPTIONS, concurrency: 2 });
    let running = 0;
    let most = 0;
    const task = async () => {
      most = Math.max(most, ++running);
      await sleep(5);
      running--;
      return true;
    };
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => gate.run(`key-${i % 3}`, task)));
    assert.ok(results.every((r) => r.ok && r.value));
    assert.equal(most, 2);
  });

  test('a key that floods cannot starve another: the newcomer runs after at most one more task of the flooder', async () => {
    const gate = new FairGate(OPTIONS);
    const order: string[] = [];
    const task = (name: string) => async () => {
      order.push(name);
      await sleep(10);
    };
    const flood = Array.from({ length: 20 }, (_, i) => gate.run('attacker', task(`attacker-${i}`)));
    await sleep(15); // the flood is queued and running
    const instructor = gate.run('instructor', task('instructor'));
    await Promise.all([...flood, instructor]);
    const at = order.indexOf('instructor');
    assert.ok(at >= 1 && at <= 3, `the instructor ran ${at}th of ${order.length}: ${order.join(' ')}`);
  });

  test('pacing only slows the fast key: its third task waits, another key goes straight through', async () => {
    const gate = new FairGate({ ...OPTIONS, concurrency: 4, burst: 2, perSecond: 1 });
    const started = Date.now();
    const times: Record<string, number> = {};
    const task = (name: string) => async () => {
      times[name] = Date.now() - started;
    };
    await Promise.all([gate.run('fast', task('fast-1')), gate.run('fast', task('fast-2')), gate.run('fast', task('fast-3')), gate.run('other', task('other-1'))]);
    assert.ok(times['fast-1']! < 100 && times['fast-2']! < 100 && times['other-1']! < 100, JSON.stringify(times));
    assert.ok(times['fast-3']! >= 900, `the third task of the fast key waited ${times['fast-3']} ms`);
  });

  test('too many waiting from one key refuses only that key’s extra; past maxKeys new keys are refused; a long wait times out', async () => {
    const gate = new FairGate({ ...OPTIONS, maxWaitingPerKey: 2, maxKeys: 2, maxWaitMs: 200 });
    let release!: () => void;
    const blocker = gate.run('a', () => new Promise<void>((resolve) => (release = resolve)));
    const queued = [gate.run('a', async () => 1), gate.run('a', async () => 2)];
    assert.deepEqual(await gate.run('a', async () => 3), { ok: false, reason: 'crowded' });
    const other = gate.run('b', async () => 'b');
    assert.deepEqual(await gate.run('c', async () => 'c'), { ok: false, reason: 'crowded' }, 'a third key while two wait');
    assert.equal(gate.waiting, 3);
    assert.deepEqual(await Promise.all([...queued, other]), [
      { ok: false, reason: 'timeout' },
      { ok: false, reason: 'timeout' },
      { ok: false, reason: 'timeout' },
    ]);
    release();
    assert.deepEqual(await blocker, { ok: true, value: undefined });
    assert.equal(gate.waiting, 0);
    assert.deepEqual(await gate.run('c', async () => 'c'), { ok: true, value: 'c' }, 'room again');
  });

  test('a task’s error reaches its caller and frees its slot', async () => {
    const gate = new FairGate(OPTIONS);
    await assert.rejects(
      gate.run('a', async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(await gate.run('a', async () => 'next'), { ok: true, value: 'next' });
  });

  test('disposing lets the running task finish, tells whoever waits to try again, and lets nothing new in', async () => {
    const gate = new FairGate(OPTIONS);
    let release!: () => void;
    const running = gate.run('a', () => new Promise<string>((resolve) => (release = () => resolve('done'))));
    const waiting = gate.run('b', async () => 'never');
    gate.dispose();
    assert.deepEqual(await waiting, { ok: false, reason: 'timeout' });
    assert.deepEqual(await gate.run('c', async () => 'late'), { ok: false, reason: 'crowded' });
    release();
    assert.deepEqual(await running, { ok: true, value: 'done' });
    assert.equal(gate.waiting, 0);
  });
});
