import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withDeadline } from './deadline';

const late = (): Error => new Error('too late');

test('a promise that settles in time gives its own value or error', async () => {
  assert.equal(await withDeadline(Promise.resolve(7), 1_000, late), 7);
  await assert.rejects(withDeadline(Promise.reject(new Error('its own')), 1_000, late), /its own/);
});

test('a promise that never settles gives the deadline\'s error after ms', async () => {
  const started = performance.now();
  await assert.rejects(withDeadline(new Promise<never>(() => undefined), 50, late), /too late/);
  const waited = performance.now() - started;
  assert.ok(waited >= 45 && waited < 1_000, `waited ${waited.toFixed(0)} ms`);
});

test('the timer is cleared once the promise settles (the test process would otherwise stay up for an hour)', async () => {
  assert.equal(await withDeadline(Promise.resolve('done'), 3_600_000, late), 'done');
});
