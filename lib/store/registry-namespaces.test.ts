import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { registryNamespace } from '../../sandbox-server/src/registry/registry-auth';
import { testStores } from './test-stores';

const withStore = testStores('registry-namespaces');

describe('class registry namespaces in the store', () => {
  test('a member gets one namespace from their display name, kept when they rejoin under another name', () => {
    withStore(['ann', 'bob'], (store) => {
      const c = store.classes.create({ name: 'Tuesday', lessonIds: ['registries'], durationMinutes: 60, expectedLearners: 2 });
      store.classes.join({ code: c.joinCode, learnerId: 'ann', displayName: 'Ann Lee' });
      assert.equal(store.registryNamespaces.assign(c.id, 'ann', registryNamespace), 'ann-lee');
      store.classes.join({ code: c.joinCode, learnerId: 'ann', displayName: 'Annie' });
      assert.equal(store.registryNamespaces.assign(c.id, 'ann', registryNamespace), 'ann-lee', 'her images and her sandbox’s login stay valid');
      assert.equal(store.registryNamespaces.assign(c.id, 'bob', registryNamespace), null, 'bob is not a member');
    });
  });

  test('classmates with the same name get different namespaces; another class starts afresh', () => {
    withStore(['a1', 'a2', 'a3'], (store) => {
      const c = store.classes.create({ name: 'Tuesday', lessonIds: [], durationMinutes: 60, expectedLearners: 3 });
      const d = store.classes.create({ name: 'Wednesday', lessonIds: [], durationMinutes: 60, expectedLearners: 3 });
      for (const [id, name] of [['a1', 'Alice'], ['a2', 'alice'], ['a3', 'ALICE ']]) {
        store.classes.join({ code: c.joinCode, learnerId: id!, displayName: name! });
      }
      store.classes.join({ code: d.joinCode, learnerId: 'a3', displayName: 'Alice' });
      assert.deepEqual(['a1', 'a2', 'a3'].map((id) => store.registryNamespaces.assign(c.id, id, registryNamespace)), ['alice', 'alice-2', 'alice-3']);
      assert.equal(store.registryNamespaces.assign(d.id, 'a3', registryNamespace), 'alice');
      assert.deepEqual(store.registryNamespaces.list(c.id).map((m) => m.namespace), ['alice', 'alice-2', 'alice-3']);
      assert.deepEqual(store.registryNamespaces.list(d.id), [{ learnerId: 'a3', namespace: 'alice' }]);
    });
  });

  test('a picker that returns a taken name is refused, and nothing is recorded', () => {
    withStore(['a1', 'a2'], (store) => {
      const c = store.classes.create({ name: 'Tuesday', lessonIds: [], durationMinutes: 60, expectedLearners: 2 });
      store.classes.join({ code: c.joinCode, learnerId: 'a1', displayName: 'Alice' });
      store.classes.join({ code: c.joinCode, learnerId: 'a2', displayName: 'Alice' });
      store.registryNamespaces.assign(c.id, 'a1', registryNamespace);
      assert.throws(() => store.registryNamespaces.assign(c.id, 'a2', () => 'alice'), /which a classmate has/);
      assert.equal(store.registryNamespaces.list(c.id).length, 1);
    });
  });
});
