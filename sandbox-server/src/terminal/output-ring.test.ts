import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OutputRing } from './output-ring';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('OutputRing', () => {
  test('an empty ring has an empty snapshot', () => {
    const ring = new OutputRing(8);
    assert.equal(ring.length, 0);
    assert.equal(ring.snapshot().length, 0);
  });

  test('keeps everything until the capacity is reached', () => {
    const ring = new OutputRing(16);
    ring.push(b('abc'));
    ring.push(b('def\n'));
    ring.push(b('gh'));
    assert.equal(ring.length, 9);
    assert.equal(ring.snapshot().toString('latin1'), 'abcdef\ngh');
  });

  test('not wrapped: the snapshot does not cut at the first newline', () => {
    const ring = new OutputRing(10);
    ring.push(b('ab\ncd\nef'));
    assert.equal(ring.snapshot().toString('latin1'), 'ab\ncd\nef');
  });

  test('keeps only the last N bytes across chunks', () => {
    const ring = new OutputRing(5);
    for (const s of ['abc', 'def', 'gh', 'ij']) ring.push(b(s));
    assert.equal(ring.length, 5);
    // No newline in the kept bytes, so the snapshot is all of them.
    assert.equal(ring.snapshot().toString('latin1'), 'fghij');
  });

  test('a chunk bigger than the capacity keeps its tail', () => {
    const ring = new OutputRing(4);
    ring.push(b('xy'));
    ring.push(b('0123456789'));
    assert.equal(ring.length, 4);
    assert.equal(ring.snapshot().toString('latin1'), '6789');
    ring.push(b('AB'));
    assert.equal(ring.snapshot().toString('latin1'), '89AB');
  });

  test('a chunk of exactly the capacity replaces everything', () => {
    const ring = new OutputRing(4);
    ring.push(b('zz'));
    ring.push(b('wxyz'));
    assert.equal(ring.length, 4);
    assert.equal(ring.snapshot().toString('latin1'), 'wxyz');
  });

  test('once wrapped, the snapshot starts after the first newline', () => {
    const ring = new OutputRing(10);
    ring.push(b('line one\n'));
    ring.push(b('two\nthree\n'));
    // 19 bytes pushed, the last 10 kept: 'two\nthree\n'; the replay skips the (possibly cut) first line.
    assert.equal(ring.length, 10);
    assert.equal(ring.snapshot().toString('latin1'), 'three\n');
  });

  test('once wrapped without any newline, the snapshot is all kept bytes', () => {
    const ring = new OutputRing(6);
    ring.push(b('abcdefghij'));
    assert.equal(ring.snapshot().toString('latin1'), 'efghij');
  });

  test('filled to exactly the capacity without dropping a byte: the snapshot is complete', () => {
    // Nothing has been lost, so there is no cut line to skip; the first line must be replayed.
    const ring = new OutputRing(10);
    ring.push(b('ab\n'));
    ring.push(b('cdefghi'));
    assert.equal(ring.length, 10);
    assert.equal(ring.snapshot().toString('latin1'), 'ab\ncdefghi');
  });

  test('does not mutate the pushed buffers', () => {
    const ring = new OutputRing(4);
    const chunk = b('abcdef');
    ring.push(b('12'));
    ring.push(chunk);
    assert.equal(chunk.toString('latin1'), 'abcdef');
  });
});
