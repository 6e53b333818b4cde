import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timeLeft } from './time-left';

const MIN = 60_000;

test('hours and minutes, rounded down; a warning under ten minutes', () => {
  assert.deepEqual(timeLeft(240 * MIN, 0), { text: '4 h left', warn: false });
  assert.deepEqual(timeLeft(192 * MIN + 59_000, 0), { text: '3 h 12 min left', warn: false });
  assert.deepEqual(timeLeft(10 * MIN, 0), { text: '10 min left', warn: false });
  assert.deepEqual(timeLeft(10 * MIN - 1, 0), { text: '9 min left', warn: true });
  assert.deepEqual(timeLeft(59_999, 0), { text: 'under a minute left', warn: true });
  assert.deepEqual(timeLeft(0, 5_000), { text: 'under a minute left', warn: true });
});
