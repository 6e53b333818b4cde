import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Emitter } from './event';

describe('Emitter', () => {
  it('calls each listener until its subscription is disposed', () => {
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    const subscription = emitter.event((n) => seen.push(n));
    emitter.fire(1);
    subscription.dispose();
    emitter.fire(2);
    assert.deepEqual(seen, [1]);
    assert.equal(emitter.hasListeners, false);
  });

  it('runs every listener when one throws, then rethrows', () => {
    const emitter = new Emitter<void>();
    let second = false;
    emitter.event(() => {
      throw new Error('first');
    });
    emitter.event(() => (second = true));
    assert.throws(() => emitter.fire(), /first/);
    assert.equal(second, true);
  });

  it('forgets listeners on dispose and accepts none after', () => {
    const emitter = new Emitter<string>();
    let calls = 0;
    emitter.event(() => calls++);
    emitter.dispose();
    emitter.event(() => calls++);
    emitter.fire('x');
    assert.equal(calls, 0);
  });
});
