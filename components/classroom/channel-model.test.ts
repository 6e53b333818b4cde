import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { channelEnabled, followStep, INITIAL_CHANNEL_STATE, MAX_NOTICES, reduceChannel, type ChannelAction, type ChannelState } from './channel-model';

const run = (actions: ChannelAction[], now = 1000): ChannelState => actions.reduce((s, a) => reduceChannel(s, a, now), INITIAL_CHANNEL_STATE);

describe('reduceChannel', () => {
  test('the class event names the class and what is presented; follow events move it', () => {
    let state = run([{ event: 'class', data: { classId: 'c1', name: 'Tue', endsAt: 5, presenting: null } }]);
    assert.deepEqual(state.info, { classId: 'c1', name: 'Tue', endsAt: 5 });
    assert.equal(state.presenting, null);
    state = reduceChannel(state, { event: 'follow', data: { lessonId: 'volumes', slide: 2 } });
    assert.deepEqual(state.presenting, { lessonId: 'volumes', slide: 2 });
    state = reduceChannel(state, { event: 'follow', data: null });
    assert.equal(state.presenting, null);
  });

  test('messages and sandbox news stack up as notices with their own ids; dismissing removes one', () => {
    const state = run([
      { event: 'message', data: { text: 'one', at: 1, to: 'all' } },
      { event: 'message', data: { text: 'two', at: 2, to: 'you' } },
      { event: 'sandbox', data: { action: 'extended', expiresAt: 50 } },
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
      reduceChannel(state, { event: 'dismiss', id: 2 }).notices.map((n) => n.id),
      [1, 3],
    );
  });

  test(`only the ${MAX_NOTICES} newest notices are kept`, () => {
    const state = run(Array.from({ length: MAX_NOTICES + 3 }, (_, i) => ({ event: 'message', data: { text: `m${i}`, at: i, to: 'all' } }) as const));
    assert.equal(state.notices.length, MAX_NOTICES);
    assert.equal(state.notices[0]?.kind === 'message' && state.notices[0].text, 'm3');
  });

  test('ended: one notice naming the class, presenting stops; a repeat adds nothing', () => {
    const state = run([
      { event: 'class', data: { classId: 'c1', name: 'Tue', endsAt: 5, presenting: { lessonId: 'volumes', slide: 1 } } },
      { event: 'ended', data: {} },
      { event: 'ended', data: {} },
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
