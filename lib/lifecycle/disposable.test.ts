import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it, mock } from 'node:test';
import {
  Disposable,
  DisposableStore,
  MutableDisposable,
  disposableInterval,
  disposableTimeout,
  disposeAll,
  isDisposable,
  listen,
  listenOnce,
  toDisposable,
} from './disposable';

class Owner extends Disposable {
  take<T extends { dispose(): void }>(d: T): T {
    return this.register(d);
  }
}

describe('toDisposable', () => {
  it('runs the clean-up once however often it is disposed', () => {
    let runs = 0;
    const d = toDisposable(() => runs++);
    d.dispose();
    d.dispose();
    assert.equal(runs, 1);
  });
});

describe('isDisposable', () => {
  it('recognises objects with a dispose method only', () => {
    assert.equal(isDisposable(toDisposable(() => {})), true);
    assert.equal(isDisposable({ dispose: 1 }), false);
    assert.equal(isDisposable(null), false);
  });
});

describe('disposeAll', () => {
  it('disposes every item in order even when some throw, then rethrows the one error', () => {
    const order: number[] = [];
    const boom = new Error('boom');
    const items = [
      toDisposable(() => order.push(1)),
      toDisposable(() => {
        order.push(2);
        throw boom;
      }),
      toDisposable(() => order.push(3)),
    ];
    assert.throws(() => disposeAll(items), (e) => e === boom);
    assert.deepEqual(order, [1, 2, 3]);
  });

  it('throws an AggregateError carrying every error when several fail', () => {
    const a = new Error('a');
    const b = new Error('b');
    assert.throws(
      () => disposeAll([toDisposable(() => { throw a; }), toDisposable(() => { throw b; })]),
      (e) => e instanceof AggregateError && e.errors[0] === a && e.errors[1] === b,
    );
  });
});

describe('Disposable', () => {
  it('disposes registered items newest first, once', () => {
    const owner = new Owner();
    const order: string[] = [];
    owner.take(toDisposable(() => order.push('first')));
    owner.take(toDisposable(() => order.push('second')));
    assert.equal(owner.isDisposed, false);
    owner.dispose();
    owner.dispose();
    assert.deepEqual(order, ['second', 'first']);
    assert.equal(owner.isDisposed, true);
  });

  it('returns what it registers, so a field can be assigned in one line', () => {
    const owner = new Owner();
    const d = toDisposable(() => {});
    assert.equal(owner.take(d), d);
  });

  it('disposes at once what is registered after dispose', () => {
    const owner = new Owner();
    owner.dispose();
    let disposed = false;
    owner.take(toDisposable(() => (disposed = true)));
    assert.equal(disposed, true);
  });

  it('disposes the rest when one registered item throws, then reports the error', () => {
    const owner = new Owner();
    let later = false;
    owner.take(toDisposable(() => (later = true)));
    owner.take(toDisposable(() => { throw new Error('stuck'); }));
    assert.throws(() => owner.dispose(), /stuck/);
    assert.equal(later, true);
    assert.equal(owner.isDisposed, true);
  });
});

describe('DisposableStore', () => {
  it('delete disposes one item now and not again with the store', () => {
    const store = new DisposableStore();
    let runs = 0;
    const d = store.add({ dispose: () => runs++ });
    store.delete(d);
    store.dispose();
    assert.equal(runs, 1);
  });
});

describe('MutableDisposable', () => {
  it('disposes the old value when a new one is set, and the last one on dispose', () => {
    const holder = new MutableDisposable();
    const disposed: string[] = [];
    holder.value = toDisposable(() => disposed.push('a'));
    holder.value = toDisposable(() => disposed.push('b'));
    assert.deepEqual(disposed, ['a']);
    holder.clear();
    assert.deepEqual(disposed, ['a', 'b']);
    assert.equal(holder.value, undefined);
    holder.value = toDisposable(() => disposed.push('c'));
    holder.dispose();
    assert.deepEqual(disposed, ['a', 'b', 'c']);
    holder.value = toDisposable(() => disposed.push('d'));
    assert.deepEqual(disposed, ['a', 'b', 'c', 'd'], 'a value set after dispose is disposed at once');
    assert.equal(holder.value, undefined);
  });
});

describe('timers', () => {
  it('disposableTimeout fires after the delay unless disposed first', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      let fired = 0;
      disposableTimeout(() => fired++, 100);
      const cancelled = disposableTimeout(() => fired++, 100);
      cancelled.dispose();
      mock.timers.tick(100);
      assert.equal(fired, 1);
    } finally {
      mock.timers.reset();
    }
  });

  it('disposableInterval repeats until disposed', () => {
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      let ticks = 0;
      const interval = disposableInterval(() => ticks++, 10);
      mock.timers.tick(30);
      interval.dispose();
      mock.timers.tick(30);
      assert.equal(ticks, 3);
    } finally {
      mock.timers.reset();
    }
  });
});

describe('unref', () => {
  it('asks Node not to hold the process open for the timer, only when told', () => {
    const unref = mock.fn();
    const cleared: unknown[] = [];
    const fake = { unref };
    const set = mock.method(globalThis, 'setInterval', () => fake);
    const clear = mock.method(globalThis, 'clearInterval', (t: unknown) => cleared.push(t));
    try {
      disposableInterval(() => {}, 1000).dispose();
      assert.equal(unref.mock.callCount(), 0);
      disposableInterval(() => {}, 1000, { unref: true }).dispose();
      assert.equal(unref.mock.callCount(), 1);
      assert.deepEqual(cleared, [fake, fake]);
    } finally {
      set.mock.restore();
      clear.mock.restore();
    }
  });
});

describe('listen', () => {
  it('removes the handler on dispose', () => {
    const emitter = new EventEmitter();
    const seen: number[] = [];
    const subscription = listen(emitter, 'data', (n: number) => seen.push(n));
    emitter.emit('data', 1);
    subscription.dispose();
    emitter.emit('data', 2);
    assert.deepEqual(seen, [1]);
    assert.equal(emitter.listenerCount('data'), 0);
  });

  it('listenOnce runs at most once and can be removed before it runs', () => {
    const emitter = new EventEmitter();
    let runs = 0;
    listenOnce(emitter, 'close', () => runs++);
    emitter.emit('close');
    emitter.emit('close');
    assert.equal(runs, 1);
    const early = listenOnce(emitter, 'close', () => runs++);
    early.dispose();
    emitter.emit('close');
    assert.equal(runs, 1);
    assert.equal(emitter.listenerCount('close'), 0);
  });
});
