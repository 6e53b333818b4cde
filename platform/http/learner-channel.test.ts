import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, test } from 'node:test';
import { LearnerChannel } from './learner-channel';

/** A response that records what was written, and a request that can be closed like a page going away. */
function page(): { req: IncomingMessage & EventEmitter; res: ServerResponse; events(): string[]; leave(): void } {
  const req = new EventEmitter() as IncomingMessage & EventEmitter;
  const written: string[] = [];
  let ended = false;
  const fake = Object.assign(new EventEmitter(), {
    writeHead: () => fake,
    write: (chunk: string) => written.push(chunk),
    end: () => {
      ended = true;
    },
  });
  // A live getter (Object.assign would copy its value once).
  Object.defineProperty(fake, 'writableEnded', { get: () => ended });
  const res = fake as unknown as ServerResponse;
  return { req, res, events: () => written.filter((w) => w.startsWith('event:')).map((w) => w.split('\n')[0]!.slice(7) + ' ' + w.split('\n')[1]!.slice(6)), leave: () => req.emit('close') };
}

describe('LearnerChannel', () => {
  test('a message reaches the class, or one learner only; pages that left get nothing', () => {
    const channel = new LearnerChannel();
    const first = { event: 'class', data: { classId: 'c1', name: 'C', endsAt: 1, presenting: null } } as const;
    const ada = page();
    const adaTab2 = page();
    const grace = page();
    const other = page();
    channel.serve(ada.req, ada.res, 'c1', 'ada', first);
    channel.serve(adaTab2.req, adaTab2.res, 'c1', 'ada', first);
    channel.serve(grace.req, grace.res, 'c1', 'grace', first);
    channel.serve(other.req, other.res, 'c2', 'zoe', { ...first, data: { ...first.data, classId: 'c2' } });

    assert.equal(channel.send('c1', { event: 'message', data: { text: 'hi all', at: 5, to: 'all' } }), 2, 'two learners (three pages)');
    assert.equal(channel.send('c1', { event: 'message', data: { text: 'psst', at: 6, to: 'you' } }, 'grace'), 1);
    adaTab2.leave();
    channel.send('c1', { event: 'follow', data: { lessonId: 'networking', slide: 2 } });

    assert.deepEqual(ada.events().slice(1), ['message {"text":"hi all","at":5,"to":"all"}', 'follow {"lessonId":"networking","slide":2}']);
    assert.deepEqual(adaTab2.events().slice(1), ['message {"text":"hi all","at":5,"to":"all"}']);
    assert.deepEqual(grace.events().slice(1), ['message {"text":"hi all","at":5,"to":"all"}', 'message {"text":"psst","at":6,"to":"you"}', 'follow {"lessonId":"networking","slide":2}']);
    assert.deepEqual(other.events().slice(1), [], 'another class hears nothing');

    channel.closeClass('c1');
    assert.equal(ada.res.writableEnded, true);
    assert.equal(channel.send('c1', { event: 'ended', data: {} }), 0);
  });
});
