import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseRuntime, runtimeLine, runtimeParts } from './runtime-status';

const body = {
  registry: { state: 'ready' },
  warm: { state: 'filling', target: 30, waiting: 3 },
  follow: { lessonId: 'dockerfiles', slide: 3 },
};

describe('parseRuntime', () => {
  test('reads the contract, presenting or not', () => {
    assert.deepEqual(parseRuntime(body), body);
    assert.deepEqual(parseRuntime({ ...body, follow: null })?.follow, null);
    assert.deepEqual(parseRuntime({ ...body, registry: { state: 'failed', message: 'no space left' } })?.registry, { state: 'failed', message: 'no space left' });
  });
  test('anything else is null', () => {
    for (const bad of [null, 'x', [], {}, { ...body, registry: { state: 'up' } }, { ...body, warm: { state: 'ready', target: -1, waiting: 0 } }, { ...body, follow: { lessonId: 'x', slide: 'two' } }]) {
      assert.equal(parseRuntime(bad), null, JSON.stringify(bad));
    }
  });
});

describe('runtimeLine', () => {
  test('one line: mirror, warm pool, what is presented (1-based slide, lesson title when known)', () => {
    const runtime = parseRuntime(body)!;
    assert.equal(runtimeLine(runtime), 'Registry mirror: ready · Warm sandboxes: 3 of 30 waiting · Presenting: dockerfiles slide 4');
    assert.equal(runtimeLine(runtime, (id) => (id === 'dockerfiles' ? 'Dockerfiles' : undefined)), 'Registry mirror: ready · Warm sandboxes: 3 of 30 waiting · Presenting: Dockerfiles slide 4');
    assert.equal(runtimeLine({ ...runtime, warm: { state: 'off', target: 0, waiting: 0 }, follow: null }), 'Registry mirror: ready · Warm sandboxes: off · Presenting: no');
  });
  test('tones: ready is ok, starting/filling busy, failed bad (with the reason as detail), off is off', () => {
    const parts = runtimeParts({ registry: { state: 'failed', message: 'port taken' }, warm: { state: 'ready', target: 2, waiting: 2 }, follow: null });
    assert.deepEqual(
      parts.map((p) => [p.id, p.tone]),
      [
        ['registry', 'bad'],
        ['warm', 'ok'],
        ['presenting', 'off'],
      ],
    );
    assert.equal(parts[0]?.detail, 'port taken');
  });
});
