import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { positiveNumber, readEnvSettings, wholeNumber } from './env-settings';

const Settings = z.object({
  DRYDOCK_WARM_POOL_MAX: z.coerce.number().int().min(0).max(500).default(40),
  DRYDOCK_CLASS_REGISTRY: z.enum(['on', 'off']).default('on'),
});

describe('readEnvSettings', () => {
  test('reads only the variables the schema names; unset and empty take the default', () => {
    assert.deepEqual(readEnvSettings(Settings, { DRYDOCK_WARM_POOL_MAX: '', PATH: '/bin' }), { DRYDOCK_WARM_POOL_MAX: 40, DRYDOCK_CLASS_REGISTRY: 'on' });
    assert.deepEqual(readEnvSettings(Settings, { DRYDOCK_WARM_POOL_MAX: '7', DRYDOCK_CLASS_REGISTRY: 'off' }), { DRYDOCK_WARM_POOL_MAX: 7, DRYDOCK_CLASS_REGISTRY: 'off' });
  });

  test('a bad value stops the start with a sentence: the variable, what it must be, what it was', () => {
    const read = (env: Record<string, string>) => () => readEnvSettings(Settings, env);
    assert.throws(read({ DRYDOCK_WARM_POOL_MAX: '-1' }), /^Error: DRYDOCK_WARM_POOL_MAX must be 0 or more, got "-1"$/);
    assert.throws(read({ DRYDOCK_WARM_POOL_MAX: '501' }), /^Error: DRYDOCK_WARM_POOL_MAX must be 500 or less, got "501"$/);
    assert.throws(read({ DRYDOCK_WARM_POOL_MAX: '2.5' }), /^Error: DRYDOCK_WARM_POOL_MAX must be a whole number, got "2.5"$/);
    assert.throws(read({ DRYDOCK_WARM_POOL_MAX: 'many' }), /^Error: DRYDOCK_WARM_POOL_MAX must be a number, got "many"$/);
    assert.throws(read({ DRYDOCK_CLASS_REGISTRY: 'maybe' }), /^Error: DRYDOCK_CLASS_REGISTRY must be one of on, off, got "maybe"$/);
  });
});

describe('wholeNumber and positiveNumber', () => {
  const Counts = z.object({ N: wholeNumber(1).optional(), M: wholeNumber(0, 9).default(2), CPUS: positiveNumber().default(1) });
  const read = (env: Record<string, string>) => () => readEnvSettings(Counts, env);

  test('accept what they say', () => {
    assert.deepEqual(readEnvSettings(Counts, {}), { N: undefined, M: 2, CPUS: 1 });
    assert.deepEqual(readEnvSettings(Counts, { N: '3', M: '0', CPUS: '0.5' }), { N: 3, M: 0, CPUS: 0.5 });
  });

  test('refuse the rest with their own sentence', () => {
    for (const bad of ['0', '2.5', 'x', '-1']) assert.throws(read({ N: bad }), new RegExp(`^Error: N must be a whole number, 1 or more, got "${bad}"$`));
    assert.throws(read({ M: '10' }), /^Error: M must be a whole number, 0 or more, at most 9, got "10"$/);
    for (const bad of ['0', '-2', 'lots', 'Infinity']) assert.throws(read({ CPUS: bad }), new RegExp(`^Error: CPUS must be a positive number, got "${bad}"$`));
  });
});
