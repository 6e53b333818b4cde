import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { readEnvSettings } from './env-settings';

const Settings = z.object({
  DRYDOCK_WARM_POOL_MAX: z.coerce.number().int().min(0).default(40),
  DRYDOCK_CLASS_REGISTRY: z.enum(['on', 'off']).default('on'),
});

describe('readEnvSettings', () => {
  test('reads only the variables the schema names; unset and empty take the default', () => {
    assert.deepEqual(readEnvSettings(Settings, { DRYDOCK_WARM_POOL_MAX: '', PATH: '/bin' }), { DRYDOCK_WARM_POOL_MAX: 40, DRYDOCK_CLASS_REGISTRY: 'on' });
    assert.deepEqual(readEnvSettings(Settings, { DRYDOCK_WARM_POOL_MAX: '7', DRYDOCK_CLASS_REGISTRY: 'off' }), { DRYDOCK_WARM_POOL_MAX: 7, DRYDOCK_CLASS_REGISTRY: 'off' });
  });

  test('a bad value stops the start with the variable name', () => {
    assert.throws(() => readEnvSettings(Settings, { DRYDOCK_WARM_POOL_MAX: '-1' }), /^Error: DRYDOCK_WARM_POOL_MAX: /);
    assert.throws(() => readEnvSettings(Settings, { DRYDOCK_CLASS_REGISTRY: 'maybe' }), /^Error: DRYDOCK_CLASS_REGISTRY: /);
  });
});
