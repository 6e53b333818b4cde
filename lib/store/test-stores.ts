import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { Store } from './index';

/**
 * For unit tests: `withStore(learners, fn)` gives `fn` a fresh database with
 * those learners already seen, and closes it after. The folder of databases
 * goes when the test file ends.
 */
export function testStores(name: string): (learners: string[], fn: (store: Store) => void) => void {
  const dir = mkdtempSync(join(tmpdir(), `drydock-${name}-test-`));
  let n = 0;
  after(() => rmSync(dir, { recursive: true, force: true }));
  return (learners, fn) => {
    const store = new Store(join(dir, `db-${++n}.sqlite`));
    try {
      for (const id of learners) store.touchLearner(id, 1);
      fn(store);
    } finally {
      store.close();
    }
  };
}
