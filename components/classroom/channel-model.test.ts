import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { channelEnabled, followStep, INITIAL_CHANNEL_STATE, MAX_NOTICES, parseClassEvent, reduceChannel, type ChannelAction, type ChannelState } from './channel-model';

const run = (actions: ChannelAction[], now = 1000): ChannelState => actions.reduce((s, a) => reduceChannel(s, a, now), INITIAL_CHANNEL_STATE);

describe('parseClassEvent', () => {
  test('reads each event of the contract', () => {
    assert.deepEqual(parseClassEvent('class', JSON.stringify({ classId: 'c1', name: 'Tue', endsAt: 5, presenting: { lessonId: 'dockerfiles', slide: 3 } })), {
      type: 'class',
      classId: 'c1',
      name: 'Tue',
      endsAt: 5,
      presenting: { lessonId: 'dockerfiles', slide: 3 },
    });
    assert.deepEqual(parseClassEvent('class', JSON.stringify({ classId: 'c1', name: 'Tue', endsAt: 5, presenting: null }))?.type, 'class');
    assert.deepEqual(parseClassEvent('message', JSON.stringify({ text: 'hi', at: 7, to: 'you' })), { type: 'message', text: 'hi', at: 7, to: 'you' });
    assert.deepEqual(parseClassEvent('follow', JSON.stringify({ lessonId: 'volumes', slide: 0 })), { type: 'follow', presenting: { lessonId: 'volumes', slide: 0 } });
    assert.deepEqual(parseClassEvent('follow', 'null'), { type: 'follow', presenting: null }, 'the presenter stopped');
    assert.deepEqual(parseClassEvent('sandbox', JSON.stringify({ action: 'extended', expiresAt: 99 })), { type: 'sandbox', action: 'extended', expiresAt: 99 });
    assert.deepEqual(parseClassEvent('sandbox', JSON.stringify({ action: 'reset' })), { type: 'sandbox', action: 'reset' });
    assert.deepEqual(parseClassEvent('ended', '{}'), { type: 'ended' });
  });

  test('refuses what is not the contract, rather than act on it', () => {
    for (const [type, data] of [
      ['class', '{"classId":"c1","name":"x"}'],
      ['message', '{"text":"hi","at":1,"to":"them"}'],
      ['message', '{"text":3,"at":1,"to":"all"}'],
      ['follow', '{"lessonId":"../admin","slide":1}'],
      ['follow', '{"lessonId":"volumes","slide":-1}'],
      ['follow', '{"lessonId":"volumes","slide":1.5}'],
      ['sandbox', '{"action":"deleted"}'],
      ['ended', 'not json'],
      ['grid', '{}'],
    ] as const) {
      assert.equal(parseClassEvent(type, data), null, `${type} ${data}`);
    }
  });
});

describe('reduceChannel', () => {
  test('the class event names the class and what is presented; follow events move it', () => {
    let state = run([{ type: 'class', classId: 'c1', name: 'Tue', endsAt: 5, presenting: null }]);
    assert.deepEqual(state.info, { classId: 'c1', name: 'Tue', endsAt: 5 });
    assert.equal(state.presenting, null);
    state = reduceChannel(state, { type: 'follow', presenting: { lessonId: 'volumes', slide: 2 } });
    assert.deepEqual(state.presenting, { lessonId: 'volumes', slide: 2 });
    state = reduceChannel(state, { type: 'follow', presenting: null });
    assert.equal(state.presenting, null);
  });

  test('messages and sandbox news stack up as notices with their own ids; dismissing removes one', () => {
    const state = run([
      { type: 'message', text: 'one', at: 1, to: 'all' },
      { type: 'message', text: 'two', at: 2, to: 'you' },
      { type: 'sandbox', action: 'extended', expiresAt: 50 },
    ]);
    assert.deepEqual(
      state.notices.map((n) => [n.id, n.kind]),
      [
        [1, 'message'],
        [2, 'message'],
        [3, 'sandbox'],
      ],
    );
    assert.deepEqual(state.notices[2], { id: 3, kind: 'sandbox', action: 'extended', expiresAt: 50, at: 1000 });
    assert.deepEqual(
      reduceChannel(state, { type: 'dismiss', id: 2 }).notices.map((n) => n.id),
      [1, 3],
    );
  });

  test(`only the ${MAX_NOTICES} newest notices are kept`, () => {
    const state = run(Array.from({ length: MAX_NOTICES + 3 }, (_, i) => ({ type: 'message', text: `m${i}`, at: i, to: 'all' }) as const));
    assert.equal(state.notices.length, MAX_NOTICES);
    assert.equal(state.notices[0]?.kind === 'message' && state.notices[0].text, 'm3');
  });

  test('ended: one notice naming the class, presenting stops; a repeat adds nothing', () => {
    const state = run([
      { type: 'class', classId: 'c1', name: 'Tue', endsAt: 5, presenting: { lessonId: 'volumes', slide: 1 } },
      { type: 'ended' },
      { type: 'ended' },
    ]);
    assert.equal(state.ended, true);
    assert.equal(state.presenting, null);
    assert.deepEqual(state.notices, [{ id: 1, kind: 'ended', className: 'Tue', classId: 'c1', at: 1000 }]);
  });
});

describe('channelEnabled', () => {
  test('everywhere a learner goes, not on instructor pages nor the presenter windows', () => {
    for (const path of ['/', '/lessons/volumes', '/class/abc', '/join', '/join/K7PM2Q', '/lessons/present']) assert.equal(channelEnabled(path), true, path);
    for (const path of ['/instructor', '/instructor/classes/x', '/lessons/volumes/present', '/lessons/volumes/notes', '/lessons/volumes/notes/']) assert.equal(channelEnabled(path), false, path);
  });
});

describe('followStep', () => {
  const at = { lessonId: 'volumes', slide: 3 };
  test('on the presented lesson only the slide moves (1-based hash); already there: nothing', () => {
    assert.deepEqual(followStep('/lessons/volumes', '#1', at), { kind: 'hash', slide: 3 });
    assert.deepEqual(followStep('/lessons/volumes', '', at), { kind: 'hash', slide: 3 });
    assert.equal(followStep('/lessons/volumes', '#4', at), null);
  });
  test('anywhere else: to the lesson at that slide', () => {
    assert.deepEqual(followStep('/lessons/networking', '#4', at), { kind: 'navigate', href: '/lessons/volumes#4' });
    assert.deepEqual(followStep('/class/abc', '', at), { kind: 'navigate', href: '/lessons/volumes#4' });
  });
});
