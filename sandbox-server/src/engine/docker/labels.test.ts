import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSandboxName, sandboxName } from './labels';

describe("a sandbox's name records what changed after it was made", () => {
  test('as made, claimed, extended, and claimed for an environment: each reads back', () => {
    const expiresAt = 1_800_000_000_000;
    const cases = [
      [{}, 'drydock-sb-s1'],
      [{ learnerId: 'ada' }, 'drydock-sb-s1.ada'],
      [{ learnerId: 'ada', expiresAt }, `drydock-sb-s1.ada.${expiresAt.toString(36)}`],
      [{ learnerId: 'ada', environment: 'dind:networking' }, 'drydock-sb-s1.ada..dind_networking'],
      [{ learnerId: 'ada', expiresAt, environment: 'dind:swarm@2' }, `drydock-sb-s1.ada.${expiresAt.toString(36)}.dind_swarm_2`],
    ] as const;
    for (const [record, name] of cases) {
      assert.equal(sandboxName('s1', record), name);
      assert.deepEqual(parseSandboxName(`/${name}`), { learnerId: undefined, expiresAt: undefined, environment: undefined, ...record });
      assert.match(name, /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/, 'a name Docker accepts');
    }
  });
});
