import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { firstMachineOf, formatEnvironment, machineOf, parseEnvironment } from './environment';

describe('environment strings', () => {
  test('parse and format round-trip: a profile, a named environment, a machine of a lab', () => {
    for (const text of ['dind', 'dind:networking', 'dind:swarm@2', 'dind:a-b-3@5']) {
      const ref = parseEnvironment(text);
      assert.ok(ref, text);
      assert.equal(formatEnvironment(ref), text);
    }
    assert.deepEqual(parseEnvironment('dind:swarm@2'), { profile: 'dind', name: 'swarm', machine: 2 });
    assert.deepEqual(parseEnvironment('dind:swarm@1'), { profile: 'dind', name: 'swarm' }, 'machine 1 is the environment itself');
  });

  test('refuses what is not one: bad characters, a machine out of range or with a leading zero, empty parts', () => {
    for (const text of ['', 'DIND', 'dind:', 'dind:Net', 'dind:a_b', 'dind:a--b', 'dind:x@0', 'dind:x@6', 'dind:x@02', 'dind@2', 'dind:x:y', '../x', 'dind:' + 'a'.repeat(49)]) {
      assert.equal(parseEnvironment(text), undefined, JSON.stringify(text));
    }
  });

  test('machines of one environment', () => {
    assert.equal(machineOf('dind:swarm', 3), 'dind:swarm@3');
    assert.equal(machineOf('dind:swarm@3', 1), 'dind:swarm');
    assert.equal(firstMachineOf('dind:swarm@2'), 'dind:swarm');
    assert.equal(firstMachineOf('dind'), 'dind');
  });
});
