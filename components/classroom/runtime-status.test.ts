import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClassRuntimeStatus } from '../../protocol/http/classroom';
import { runtimeLine, runtimeParts } from './runtime-status';

const runtime: ClassRuntimeStatus = {
  registry: { state: 'ready' },
  warm: { state: 'filling', target: 30, waiting: 3 },
  follow: { lessonId: 'dockerfiles', slide: 3 },
};

describe('runtimeLine', () => {
  test('one line: mirror, warm pool, what is presented (1-based slide, lesson title when known)', () => {
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
