import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RegistryService } from '../engine/class-registry-backend';
import { RegistryGateUsers } from './registry-gate';

const service: RegistryService = { id: 'gate', alias: 'drydock-registry' };
const password = 'p'.repeat(43);

/** A backend whose exec records the users files the gate is sent. */
function recordingBackend(exitCode: number | null = 0) {
  const files: string[] = [];
  return {
    files,
    exec: async (target: RegistryService, cmd: string[], input: string) => {
      assert.equal(target, service);
      assert.deepEqual(cmd, ['/usr/local/bin/drydock-registry-users']);
      files.push(input);
      return { exitCode, output: exitCode === 0 ? '' : 'no space left' };
    },
  };
}

describe('RegistryGateUsers', () => {
  test('sends the whole list on each change, a login of the same name replaced, nothing for an unchanged one', async () => {
    const backend = recordingBackend();
    const users = new RegistryGateUsers(backend, service);
    await users.admit([{ username: 'ada', password }]);
    await users.admit([{ username: 'ada', password }]);
    await users.admit([{ username: 'bob', password }, { username: 'ada', password: 'q'.repeat(43) }]);
    assert.equal(backend.files.length, 2);
    assert.deepEqual(backend.files.map((f) => f.split('\n').filter(Boolean).map((line) => line.split(':')[0])), [['ada'], ['ada', 'bob']]);
    assert.equal(users.size, 2);
  });

  test('a failed update says so', async () => {
    const users = new RegistryGateUsers(recordingBackend(1), service);
    await assert.rejects(users.admit([{ username: 'ada', password }]), /logins failed \(exit 1\): no space left/);
  });
});
