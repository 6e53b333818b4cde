import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { solutionSteps, stepMachineProblems } from './solution-steps';

describe('solution steps by machine', () => {
  test('a plain solution is one step on node1', () => {
    assert.deepEqual(solutionSteps('docker ps\necho hi'), [{ machine: 1, script: 'docker ps\necho hi\n' }]);
  });

  test('#@ nodeN starts a step on that machine; lines before the first marker are node1\'s', () => {
    const steps = solutionSteps('docker swarm init\ndocker swarm join-token -q worker\n#@ node2\ndocker swarm join --token "$PREVIOUS_OUTPUT" node1:2377\n#@ node1\ndocker node ls');
    assert.deepEqual(steps.map((s) => [s.machine, s.script.trim()]), [
      [1, 'docker swarm init\ndocker swarm join-token -q worker'],
      [2, 'docker swarm join --token "$PREVIOUS_OUTPUT" node1:2377'],
      [1, 'docker node ls'],
    ]);
  });

  test('a step on a machine the lesson does not have is a lint problem', () => {
    assert.deepEqual(stepMachineProblems('#@ node4\necho x', 3), ['the solution has a step on node4, but the lesson has 3 machines']);
    assert.deepEqual(stepMachineProblems('#@ node2\necho x', 3), []);
  });
});
