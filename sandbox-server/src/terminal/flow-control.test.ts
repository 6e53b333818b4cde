import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowControl } from './flow-control';

/** A source that records every pause/resume call in order. */
function recordingSource(): { calls: string[]; pause(): void; resume(): void } {
  const calls: string[] = [];
  return { calls, pause: () => calls.push('pause'), resume: () => calls.push('resume') };
}

describe('FlowControl', () => {
  test('constructor rejects low >= high', () => {
    assert.throws(() => new FlowControl(100, 100, recordingSource()), RangeError);
    assert.throws(() => new FlowControl(100, 200, recordingSource()), /low watermark must be below the high watermark/);
    assert.doesNotThrow(() => new FlowControl(100, 99, recordingSource()));
  });

  test('pauses only once unacked bytes pass the high mark', () => {
    const source = recordingSource();
    const flow = new FlowControl<string>(100, 20, source);
    flow.add('a');
    flow.sent(100);
    assert.equal(flow.isPaused, false, 'exactly at high is not above it');
    assert.deepEqual(source.calls, []);
    flow.sent(1);
    assert.equal(flow.isPaused, true);
    assert.deepEqual(source.calls, ['pause']);
    flow.sent(500);
    assert.deepEqual(source.calls, ['pause'], 'no second pause while already paused');
  });

  test('hysteresis: no resume between low and high, resume below low', () => {
    const source = recordingSource();
    const flow = new FlowControl<string>(100, 20, source);
    flow.add('a');
    flow.sent(150);
    assert.equal(flow.isPaused, true);
    flow.acked('a', 60); // 90 pending: below high, above low
    assert.equal(flow.isPaused, true);
    flow.acked('a', 70); // 20 pending: not below low
    assert.equal(flow.isPaused, true);
    assert.deepEqual(source.calls, ['pause']);
    flow.acked('a', 1); // 19 pending
    assert.equal(flow.isPaused, false);
    assert.deepEqual(source.calls, ['pause', 'resume']);
    flow.sent(50); // 69: below high, stays resumed
    assert.equal(flow.isPaused, false);
    flow.sent(40); // 109
    assert.deepEqual(source.calls, ['pause', 'resume', 'pause']);
  });

  test('with several clients the slowest one governs', () => {
    const source = recordingSource();
    const flow = new FlowControl<string>(100, 20, source);
    flow.add('fast');
    flow.add('slow');
    flow.sent(150);
    assert.equal(flow.isPaused, true);
    flow.acked('fast', 150);
    assert.equal(flow.isPaused, true, 'the slow client is still 150 behind');
    flow.acked('slow', 140);
    assert.equal(flow.isPaused, false);
    assert.deepEqual(source.calls, ['pause', 'resume']);
  });

  test('removing the slow client resumes the source', () => {
    const source = recordingSource();
    const flow = new FlowControl<string>(100, 20, source);
    flow.add('fast');
    flow.add('slow');
    flow.sent(150);
    flow.acked('fast', 150);
    assert.equal(flow.isPaused, true);
    flow.delete('slow');
    assert.equal(flow.isPaused, false);
    assert.deepEqual(source.calls, ['pause', 'resume']);
  });

  test('removing the last client resumes the source', () => {
    const source = recordingSource();
    const flow = new FlowControl<string>(100, 20, source);
    flow.add('a');
    flow.sent(1000);
    flow.delete('a');
    assert.equal(flow.isPaused, false);
    assert.deepEqual(source.calls, ['pause', 'resume']);
  });

  test('acks beyond what was sent clamp at 0 (no credit for later output)', () => {
    const source = recordingSource();
    const flow = new FlowControl<string>(100, 20, source);
    flow.add('a');
    flow.sent(10);
    flow.acked('a', 1_000_000);
    flow.sent(101);
    assert.equal(flow.isPaused, true, 'the over-ack must not have gone negative');
    assert.deepEqual(source.calls, ['pause']);
  });

  test('sentTo counts for one client only', () => {
    const source = recordingSource();
    const flow = new FlowControl<string>(100, 20, source);
    flow.add('a');
    flow.add('b');
    flow.sentTo('a', 90);
    flow.sent(20); // a: 110, b: 20
    assert.equal(flow.isPaused, true);
    flow.acked('a', 110); // a: 0, b: 20 (not below low)
    assert.equal(flow.isPaused, true);
    flow.acked('b', 1); // b: 19
    assert.equal(flow.isPaused, false);
    flow.sentTo('b', 95); // b: 114 → only b's count matters
    assert.equal(flow.isPaused, true);
    flow.acked('a', 1000);
    assert.equal(flow.isPaused, true, 'acks from a do not help b');
  });

  test('unknown clients are ignored', () => {
    const source = recordingSource();
    const flow = new FlowControl<string>(100, 20, source);
    flow.sentTo('ghost', 1000);
    flow.acked('ghost', 5);
    flow.sent(1000); // no clients at all
    assert.equal(flow.isPaused, false);
    assert.deepEqual(source.calls, []);
  });

  test('a client added later starts at 0 unacked', () => {
    const source = recordingSource();
    const flow = new FlowControl<string>(100, 20, source);
    flow.add('a');
    flow.sent(90);
    flow.add('b');
    flow.sent(5);
    flow.acked('a', 95);
    flow.sent(15); // a: 15, b: 20
    assert.equal(flow.isPaused, false);
  });
});
