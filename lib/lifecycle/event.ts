import { type IDisposable, toDisposable } from './disposable';

/** Subscribes a listener; disposing the result unsubscribes it. */
export type Event<T> = (listener: (value: T) => void) => IDisposable;

/**
 * A typed event with one owner who fires it (after xterm.js's EventEmitter):
 * the owner keeps the `Emitter` private and exposes `emitter.event`, so
 * others can listen but not fire. Replaces public callback fields that an
 * outsider reassigns.
 */
export class Emitter<T> implements IDisposable {
  private readonly listeners = new Set<(value: T) => void>();
  private disposed = false;

  readonly event: Event<T> = (listener) => {
    if (this.disposed) return toDisposable(() => {});
    // A wrapper, so the same function subscribed twice is two subscriptions.
    const entry = (value: T): void => listener(value);
    this.listeners.add(entry);
    return toDisposable(() => this.listeners.delete(entry));
  };

  /**
   * Calls every listener with `value`. A listener that throws does not stop
   * the others; the first error is rethrown after all have run.
   */
  fire(value: T): void {
    let failure: { error: unknown } | undefined;
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}
