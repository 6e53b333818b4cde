import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { OutputBatcher } from './output-batcher';

const b = (s: string): Buffer => Buffer.from(s);

function collector(): { flushed: string[]; flushTo(chunk: Buffer): void } {
  const flushed: string[] = [];
  return { flushed, flushTo: (chunk) => flushed.push(chunk.toString()) };
}

describe('OutputBatcher', () => {
  test('small chunks coalesce into one flush after the delay', async () => {
    const out = collector();
    const batcher = new OutputBatcher(20, 1024, out.flushTo, 50);
    batcher.push(b('a'));
    batcher.push(b('bc'));
    batcher.push(b('def'));
    assert.deepEqual(out.flushed, [], 'nothing is sent before the delay');
    await sleep(60);
    assert.deepEqual(out.flushed, ['abcdef']);
    batcher.dispose();
  });

  test('reaching maxBytes flushes at once', () => {
    const out = collector();
    const batcher = new OutputBatcher(10_000, 8, out.flushTo, 50);
    batcher.push(b('1234'));
    assert.deepEqual(out.flushed, []);
    batcher.push(b('5678'));
    assert.deepEqual(out.flushed, ['12345678']);
    batcher.push(b('9'));
    assert.deepEqual(out.flushed, ['12345678'], 'a new batch starts after a flush');
    batcher.flush();
    assert.deepEqual(out.flushed, ['12345678', '9']);
    batcher.dispose();
  });

  test('output right after noteInput() flushes at once (echo)', () => {
    const out = collector();
    const batcher = new OutputBatcher(10_000, 1024, out.flushTo, 50);
    batcher.noteInput();
    batcher.push(b('l'));
    assert.deepEqual(out.flushed, ['l']);
    batcher.push(b('s'));
    assert.deepEqual(out.flushed, ['l', 's']);
    batcher.dispose();
  });

  test('output long after the input is batched again', async () => {
    const out = collector();
    const batcher = new OutputBatcher(10, 1024, out.flushTo, 20);
    batcher.noteInput();
    await sleep(30);
    batcher.push(b('x'));
    batcher.push(b('y'));
    assert.deepEqual(out.flushed, []);
    await sleep(30);
    assert.deepEqual(out.flushed, ['xy']);
    batcher.dispose();
  });

  test('flush() sends pending output now and cancels the timer', async () => {
    const out = collector();
    const batcher = new OutputBatcher(20, 1024, out.flushTo, 50);
    batcher.push(b('ab'));
    batcher.flush();
    assert.deepEqual(out.flushed, ['ab']);
    await sleep(40);
    assert.deepEqual(out.flushed, ['ab'], 'the timer must not flush an empty batch');
  });

  test('flush() with nothing pending sends nothing', () => {
    const out = collector();
    const batcher = new OutputBatcher(20, 1024, out.flushTo, 50);
    batcher.flush();
    assert.deepEqual(out.flushed, []);
  });

  test('dispose cancels the timer and drops pending output', async () => {
    const out = collector();
    const batcher = new OutputBatcher(10, 1024, out.flushTo, 50);
    batcher.push(b('lost'));
    batcher.dispose();
    await sleep(40);
    assert.deepEqual(out.flushed, []);
    batcher.flush();
    assert.deepEqual(out.flushed, [], 'nothing is left after dispose');
  });
});
