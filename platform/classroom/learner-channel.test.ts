import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LearnerChannel, type LearnerConnection, type LearnerEvent, type LearnerSink } from './learner-channel';

/** A page's stream as the channel sees it: what it was sent, whether it was ended, and a way to leave. */
function page(): { connection: LearnerConnection; sink: LearnerSink; events(): string[]; ended(): boolean; leave(): void } {
  const sent: LearnerEvent[] = [];
  const onClose: (() => void)[] = [];
  let ended = false;
  return {
    connection: { onClose: (listener) => onClose.push(listener) },
    sink: {
      send: (event) => sent.push(event),
      end: () => {
        ended = true;
      },
    },
    events: () => sent.map(({ event, data }) => `${event} ${JSON.stringify(data)}`),
    ended: () => ended,
    leave: () => onClose.forEach((listener) => listener()),
  };
}

describe('LearnerChannel', () => {
  test('a message reaches the class, or one learner only; pages that left get nothing', () => {
    const channel = new LearnerChannel();
    const first = { event: 'class', data: { classId: 'c1', name: 'C', endsAt: 1, presenting: null } } as const;
    const ada = page();
    const adaTab2 = page();
    const grace = page();
    const other = page();
    channel.serve(ada.connection, ada.sink, 'c1', 'ada', first);
    channel.serve(adaTab2.connection, adaTab2.sink, 'c1', 'ada', first);
    channel.serve(grace.connection, grace.sink, 'c1', 'grace', first);
    channel.serve(other.connection, other.sink, 'c2', 'zoe', { ...first, data: { ...first.data, classId: 'c2' } });

    assert.equal(channel.send('c1', { event: 'message', data: { text: 'hi all', at: 5, to: 'all' } }), 2, 'two learners (three pages)');
    assert.equal(channel.send('c1', { event: 'message', data: { text: 'psst', at: 6, to: 'you' } }, 'grace'), 1);
    adaTab2.leave();
    channel.send('c1', { event: 'follow', data: { lessonId: 'networking', slide: 2 } });

    assert.deepEqual(ada.events()[0], 'class {"classId":"c1","name":"C","endsAt":1,"presenting":null}', 'the first event at once');
    assert.deepEqual(ada.events().slice(1), ['message {"text":"hi all","at":5,"to":"all"}', 'follow {"lessonId":"networking","slide":2}']);
    assert.deepEqual(adaTab2.events().slice(1), ['message {"text":"hi all","at":5,"to":"all"}']);
    assert.deepEqual(grace.events().slice(1), ['message {"text":"hi all","at":5,"to":"all"}', 'message {"text":"psst","at":6,"to":"you"}', 'follow {"lessonId":"networking","slide":2}']);
    assert.deepEqual(other.events().slice(1), [], 'another class hears nothing');

    channel.closeClass('c1');
    assert.equal(ada.ended(), true);
    assert.equal(other.ended(), false, 'only that class’s streams end');
    assert.equal(channel.send('c1', { event: 'ended', data: {} }), 0);
    assert.equal(channel.size, 1);
    channel.dispose();
    assert.equal(other.ended(), true, 'disposing the channel ends every stream');
    assert.equal(channel.size, 0);
  });

  test('a registration disposed by its owner stops the page’s events, like the page leaving', () => {
    const channel = new LearnerChannel();
    const ada = page();
    const registration = channel.serve(ada.connection, ada.sink, 'c1', 'ada', { event: 'ended', data: {} });
    registration.dispose();
    assert.equal(channel.send('c1', { event: 'ended', data: {} }), 0);
    ada.leave(); // the connection closing afterwards is harmless
    assert.equal(channel.size, 0);
  });
});
