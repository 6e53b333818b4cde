import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryDrift } from './memory-drift';

test('a swing of single samples around a flat level is no drift; the highest sample is still reported', () => {
  const flat = Array.from({ length: 60 }, (_, i) => (i % 7 === 3 ? 225 : i % 2 === 0 ? 180 : 200));
  const drift = memoryDrift(flat);
  assert.equal(drift.highestSample, 225);
  assert.ok(drift.drift < 0.1, `drift ${drift.drift}`);
});

test('a leak (a steady climb) is caught by the one-minute medians', () => {
  const climbing = Array.from({ length: 60 }, (_, i) => 200 + i * 1.5);
  const drift = memoryDrift(climbing);
  assert.equal(drift.settled, 200 + 22.5 * 1.5);
  assert.ok(drift.drift > 0.1, `drift ${drift.drift}`);
});

test('settled is the median of the minute after the first third; too few samples is an error', () => {
  assert.equal(memoryDrift([1, 1, 1, 10, 30, 20, 40, 50, 60, 60, 60, 60], 3).settled, 30, "samples 5-7 (the first third is 4)");
  assert.throws(() => memoryDrift([]), /no memory samples/);
});
