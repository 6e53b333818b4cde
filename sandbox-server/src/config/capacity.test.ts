import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveCapacity } from './capacity';
import { loadSandboxServerConfig } from './config';

const GiB = 1024 ** 3;

describe('capacity', () => {
  test('a 2-core / 24 GiB machine holds 54 sandboxes: memory is the bound (54), CPUs allow 60', () => {
    // os.totalmem() on the development machine: 25,276,026,880 bytes (23.5 GiB).
    assert.deepEqual(deriveCapacity({ totalMemoryBytes: 25_276_026_880, cpus: 2 }), { maxSandboxes: 54, memoryBound: 54, cpuBound: 60 });
  });

  test('a big host with few cores is bound by its CPUs', () => {
    assert.deepEqual(deriveCapacity({ totalMemoryBytes: 256 * GiB, cpus: 4 }), { maxSandboxes: 120, memoryBound: 597, cpuBound: 120 });
  });

  test('a small host keeps 2 GiB for itself and still holds at least one sandbox', () => {
    assert.equal(deriveCapacity({ totalMemoryBytes: 4 * GiB, cpus: 2 }).maxSandboxes, 5); // (4 − 2) GiB / 384 MiB
    assert.deepEqual(deriveCapacity({ totalMemoryBytes: 1 * GiB, cpus: 1 }), { maxSandboxes: 1, memoryBound: 0, cpuBound: 30 });
  });

  test('the settings come from the environment, with defaults', () => {
    const defaults = loadSandboxServerConfig('t', { NODE_ENV: 'test' }).admission;
    assert.equal(defaults.perAddress, 2);
    assert.equal(defaults.socketsPerLearner, 4);
    assert.equal(defaults.joinsPerMinute, 120);
    assert.ok(defaults.maxSandboxes >= 1);
    assert.match(defaults.maxSandboxesReason, /^from this host: .* GiB of memory holds \d+, \d+ CPUs \d+; DRYDOCK_MAX_SANDBOXES overrides$/);

    const set = loadSandboxServerConfig('t', {
      NODE_ENV: 'test',
      DRYDOCK_MAX_SANDBOXES: '7',
      DRYDOCK_SANDBOXES_PER_ADDRESS: '0',
      DRYDOCK_SOCKETS_PER_LEARNER: '2',
      DRYDOCK_SOCKET_JOINS_PER_MINUTE: '30',
    }).admission;
    assert.deepEqual(set, { maxSandboxes: 7, maxSandboxesReason: 'DRYDOCK_MAX_SANDBOXES', perAddress: 0, socketsPerLearner: 2, joinsPerMinute: 30 });
  });

  test('bad values stop the start and name the variable', () => {
    const load = (name: string, value: string) => () => loadSandboxServerConfig('t', { NODE_ENV: 'test', [name]: value });
    assert.throws(load('DRYDOCK_MAX_SANDBOXES', '0'), /DRYDOCK_MAX_SANDBOXES must be a whole number, 1 or more, got "0"/);
    assert.throws(load('DRYDOCK_MAX_SANDBOXES', '2.5'), /DRYDOCK_MAX_SANDBOXES must be a whole number/);
    assert.throws(load('DRYDOCK_SANDBOXES_PER_ADDRESS', '-1'), /DRYDOCK_SANDBOXES_PER_ADDRESS must be a whole number, 0 or more/);
    assert.throws(load('DRYDOCK_SOCKETS_PER_LEARNER', 'many'), /DRYDOCK_SOCKETS_PER_LEARNER/);
    assert.throws(load('DRYDOCK_SOCKET_JOINS_PER_MINUTE', '0'), /DRYDOCK_SOCKET_JOINS_PER_MINUTE must be a positive number/);
  });
});
