/**
 * A promise with a deadline: what `promise` settles with, or the error
 * `onTimeout` makes once `ms` have passed. The one timeout race in Drydock:
 * an engine that hangs (SIGSTOP, a full disk) keeps its socket open and never
 * answers, and docker-modem sets no timeout of its own. The timer is cleared
 * as soon as either side settles, so nothing keeps the process alive.
 *
 * No DOM or Node imports (setTimeout is in both), so the browser may use it too.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
