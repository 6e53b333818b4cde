import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { capabilitiesFromMask, hostBoundingCapabilities } from './capabilities';

/** An environment with only these variables (NODE_ENV is required by the project's ProcessEnv type). */
const env = (vars: Record<string, string> = {}): NodeJS.ProcessEnv => ({ NODE_ENV: 'test', ...vars });

describe('capabilitiesFromMask', () => {
  test('the mask of these hosts has everything but SYS_RESOURCE', () => {
    const caps = capabilitiesFromMask('000001fffeffffff');
    assert.ok(!caps.includes('SYS_RESOURCE'), 'bit 24 is clear');
    for (const name of ['CHOWN', 'SYS_ADMIN', 'NET_ADMIN', 'CHECKPOINT_RESTORE', 'BPF', 'PERFMON', 'SYS_TIME']) {
      assert.ok(caps.includes(name), `${name} should be included`);
    }
    assert.equal(caps.length, 40, '41 known capabilities minus SYS_RESOURCE');
    assert.equal(caps[0], 'CHOWN');
    assert.equal(caps.at(-1), 'CHECKPOINT_RESTORE');
  });

  test('zero mask → no capabilities', () => {
    assert.deepEqual(capabilitiesFromMask('0'), []);
  });

  test('single bits map to their names', () => {
    assert.deepEqual(capabilitiesFromMask('1'), ['CHOWN']);
    assert.deepEqual(capabilitiesFromMask('1000'), ['NET_ADMIN']);
    assert.deepEqual(capabilitiesFromMask('200000'), ['SYS_ADMIN']);
    assert.deepEqual(capabilitiesFromMask('10000000000'), ['CHECKPOINT_RESTORE']);
  });

  test('bits beyond the known table are ignored', () => {
    assert.deepEqual(capabilitiesFromMask('ffff000000000001'), ['CHOWN']);
  });
});

describe('hostBoundingCapabilities', () => {
  test('DRYDOCK_SANDBOX_CAPS overrides, trimmed and upper-cased', () => {
    assert.deepEqual(hostBoundingCapabilities(env({ DRYDOCK_SANDBOX_CAPS: 'chown, net_admin' })), ['CHOWN', 'NET_ADMIN']);
  });

  test('empty entries in the override are dropped', () => {
    assert.deepEqual(hostBoundingCapabilities(env({ DRYDOCK_SANDBOX_CAPS: ' sys_admin,, ,mknod,' })), ['SYS_ADMIN', 'MKNOD']);
  });

  test('without an override it reads this process’s bounding set', () => {
    const caps = hostBoundingCapabilities(env());
    assert.ok(Array.isArray(caps));
    for (const c of caps) assert.match(c, /^[A-Z_]+$/);
  });
});
