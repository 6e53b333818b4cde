import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { DashboardEventSchema, LearnerEventSchema } from '../../protocol/http/classroom';
import { readServerEvent } from './server-events';

let warnings: string[] = [];
const realWarn = console.warn;
beforeEach(() => {
  warnings = [];
  console.warn = (message: string) => void warnings.push(message);
});
afterEach(() => {
  console.warn = realWarn;
});

describe('readServerEvent', () => {
  test('reads each learner event as the server writes it (event name, JSON data line)', () => {
    assert.deepEqual(readServerEvent(LearnerEventSchema, 'class', '{"classId":"k7pm2qabcdef","name":"Tue","endsAt":5,"presenting":{"lessonId":"dockerfiles","slide":3}}'), {
      event: 'class',
      data: { classId: 'k7pm2qabcdef', name: 'Tue', endsAt: 5, presenting: { lessonId: 'dockerfiles', slide: 3 } },
    });
    assert.deepEqual(readServerEvent(LearnerEventSchema, 'follow', 'null'), { event: 'follow', data: null }, 'the presenter stopped');
    assert.deepEqual(readServerEvent(LearnerEventSchema, 'sandbox', '{"action":"reset"}'), { event: 'sandbox', data: { action: 'reset' } });
    assert.deepEqual(readServerEvent(LearnerEventSchema, 'ended', '{}'), { event: 'ended', data: {} });
    assert.deepEqual(warnings, []);
  });

  test('drops what is not the contract, rather than act on it, and says why', () => {
    for (const [name, data] of [
      ['class', '{"classId":"k7pm2qabcdef","name":"x"}'],
      ['message', '{"text":"hi","at":1,"to":"them"}'],
      ['message', '{"text":3,"at":1,"to":"all"}'],
      ['follow', '{"lessonId":"../admin","slide":1}'],
      ['follow', '{"lessonId":"volumes","slide":-1}'],
      ['follow', '{"lessonId":"volumes","slide":1.5}'],
      ['sandbox', '{"action":"deleted"}'],
      ['ended', 'not json'],
      ['grid', '{}'],
    ] as const) {
      assert.equal(readServerEvent(LearnerEventSchema, name, data), null, `${name} ${data}`);
    }
    assert.equal(warnings.length, 9);
    assert.equal(warnings[3], 'drydock: dropped a "follow" event: data.lessonId: not a lesson id');
    assert.equal(warnings[7], 'drydock: dropped a "ended" event whose data is not JSON');
  });

  test('the dashboard’s grid event is read with its own schema', () => {
    assert.equal(readServerEvent(DashboardEventSchema, 'grid', '{"rows":[]}'), null);
    assert.match(warnings[0] ?? '', /^drydock: dropped a "grid" event: data\.class: Invalid input: expected object, received undefined$/);
  });
});
