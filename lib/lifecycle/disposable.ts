/**
 * The one way Drydock releases what it holds: timers, listeners, streams,
 * sockets. After xterm.js (src/common/Lifecycle.ts) and VS Code's
 * DisposableStore: an object that owns resources extends `Disposable` and
 * `register`s each one as it takes it; `dispose()` releases them all, newest
 * first, once.
 *
 * No DOM or Node imports, so the browser may use it too.
 */

export interface IDisposable {
  dispose(): void;
}

export function isDisposable(value: unknown): value is IDisposable {
  return typeof value === 'object' && value !== null && typeof (value as { dispose?: unknown }).dispose === 'function';
}

/** Wraps a clean-up function; it runs at most once, however often `dispose` is called. */
export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      fn();
    },
  };
}

/**
 * Disposes each item, in the order given, even when one throws. Throws the
 * error if one failed, an AggregateError if several did.
 */
export function disposeAll(disposables: Iterable<IDisposable>): void {
  const errors: unknown[] = [];
  for (const d of disposables) {
    try {
      d.dispose();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} errors while disposing`);
}

/**
 * A bag of disposables, for code that owns resources without being a class
 * (a connection handler, a test). Items added after `dispose()` are disposed
 * at once: a resource taken too late must not leak.
 */
export class DisposableStore implements IDisposable {
  private readonly items: IDisposable[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  add<T extends IDisposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.items.push(d);
    return d;
  }

  /** Disposes `d` now and forgets it (it was released early, e.g. a timer that fired). */
  delete(d: IDisposable): void {
    const index = this.items.indexOf(d);
    if (index >= 0) this.items.splice(index, 1);
    d.dispose();
  }

  /** Disposes everything added, newest first (what was taken last may depend on what came before). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const items = this.items.splice(0).reverse();
    disposeAll(items);
  }
}

/**
 * Base class for anything that holds resources. Subclasses `register` what
 * they take; a subclass that must do more on dispose overrides `dispose()`
 * and calls `super.dispose()` (and checks `isDisposed` first if it must
 * run once).
 */
export abstract class Disposable implements IDisposable {
  private readonly store = new DisposableStore();

  get isDisposed(): boolean {
    return this.store.isDisposed;
  }

  dispose(): void {
    this.store.dispose();
  }

  protected register<T extends IDisposable>(d: T): T {
    return this.store.add(d);
  }
}

/**
 * Holds at most one disposable that is replaced over time (a re-armed timer,
 * the current stream): setting a new value disposes the old one.
 */
export class MutableDisposable<T extends IDisposable = IDisposable> implements IDisposable {
  private current: T | undefined;
  private disposed = false;

  get value(): T | undefined {
    return this.current;
  }

  set value(next: T | undefined) {
    if (this.disposed) {
      next?.dispose();
      return;
    }
    if (next === this.current) return;
    const previous = this.current;
    this.current = next;
    previous?.dispose();
  }

  /** Disposes the current value and holds nothing (the holder stays usable). */
  clear(): void {
    this.value = undefined;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const previous = this.current;
    this.current = undefined;
    previous?.dispose();
  }
}

export interface TimerOptions {
  /** In Node, the timer alone does not keep the process alive (Timeout.unref); ignored in the browser. */
  unref?: boolean;
}

function applyOptions(timer: unknown, options: TimerOptions): void {
  if (options.unref) (timer as { unref?: () => void }).unref?.();
}

/** Runs `fn` once after `ms`, unless disposed first. */
export function disposableTimeout(fn: () => void, ms: number, options: TimerOptions = {}): IDisposable {
  const timer = setTimeout(fn, ms);
  applyOptions(timer, options);
  return toDisposable(() => clearTimeout(timer));
}

/** Runs `fn` every `ms` until disposed. */
export function disposableInterval(fn: () => void, ms: number, options: TimerOptions = {}): IDisposable {
  const timer = setInterval(fn, ms);
  applyOptions(timer, options);
  return toDisposable(() => clearInterval(timer));
}

/** Node's own listener type (`any[]`, as in its typings, so any handler fits). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listener = (...args: any[]) => void;

/**
 * A Node-style event emitter (EventEmitter, streams, ws sockets), by shape
 * so that this file needs no Node types.
 */
export interface EventSource {
  on(event: string | symbol, listener: Listener): unknown;
  once(event: string | symbol, listener: Listener): unknown;
  removeListener(event: string | symbol, listener: Listener): unknown;
}

/** Adds `handler` for `event`; disposing removes it. */
export function listen<H extends Listener>(emitter: EventSource, event: string | symbol, handler: H): IDisposable {
  emitter.on(event, handler);
  return toDisposable(() => void emitter.removeListener(event, handler));
}

/** Like `listen`, but the handler runs at most once. */
export function listenOnce<H extends Listener>(emitter: EventSource, event: string | symbol, handler: H): IDisposable {
  emitter.once(event, handler);
  return toDisposable(() => void emitter.removeListener(event, handler));
}
