import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerControl } from './control';
import {
  FrameType,
  ProtocolError,
  decodeClientFrame,
  decodeServerFrame,
  encodeAck,
  encodeClientControl,
  encodeInput,
  encodeOutput,
  encodeResize,
  encodeServerControl,
} from './frames';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const frameOf = (type: number, payload: Uint8Array | number[]): Uint8Array => Uint8Array.from([type, ...payload]);
const jsonFrame = (type: number, text: string): Uint8Array => frameOf(type, utf8(text));

/** Asserts that decoding throws a ProtocolError whose message matches. */
function assertProtocolError(decode: () => unknown, message: RegExp): void {
  assert.throws(decode, (error: unknown) => {
    assert.ok(error instanceof ProtocolError, `expected ProtocolError, got ${String(error)}`);
    assert.equal(error.name, 'ProtocolError');
    assert.match(error.message, message);
    return true;
  });
}

describe('frame round trips', () => {
  test('output carries its bytes unchanged, type byte first', () => {
    const data = Uint8Array.from([0, 1, 0x1b, 0x5b, 0xff, 0x0a]);
    const encoded = encodeOutput(data);
    assert.equal(encoded[0], FrameType.OUTPUT);
    assert.equal(encoded.length, data.length + 1);
    const decoded = decodeServerFrame(encoded);
    assert.equal(decoded.type, 'output');
    assert.deepEqual(decoded.type === 'output' && Array.from(decoded.data), Array.from(data));
  });

  test('empty output round trips to an empty payload', () => {
    const decoded = decodeServerFrame(encodeOutput(new Uint8Array(0)));
    assert.deepEqual(decoded, { type: 'output', data: new Uint8Array(0) });
  });

  test('input from a string is UTF-8, non-ASCII included', () => {
    const text = 'échø 🐳 ls -l\r';
    const encoded = encodeInput(text);
    assert.equal(encoded[0], FrameType.INPUT);
    const decoded = decodeClientFrame(encoded);
    assert.equal(decoded.type, 'input');
    if (decoded.type !== 'input') return;
    assert.equal(new TextDecoder().decode(decoded.data), text);
    assert.deepEqual(Array.from(decoded.data), Array.from(utf8(text)));
  });

  test('input from bytes is passed through (control characters too)', () => {
    const bytes = Uint8Array.from([0x03, 0x04, 0x1b, 0x00, 0xc3]);
    const decoded = decodeClientFrame(encodeInput(bytes));
    assert.equal(decoded.type, 'input');
    assert.deepEqual(decoded.type === 'input' && Array.from(decoded.data), Array.from(bytes));
  });

  test('resize is JSON {cols, rows}', () => {
    const encoded = encodeResize({ cols: 120, rows: 40 });
    assert.equal(encoded[0], FrameType.RESIZE);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(encoded.subarray(1))), { cols: 120, rows: 40 });
    assert.deepEqual(decodeClientFrame(encoded), { type: 'resize', size: { cols: 120, rows: 40 } });
  });

  test('resize at the limits of the allowed range', () => {
    assert.deepEqual(decodeClientFrame(encodeResize({ cols: 2, rows: 1 })), { type: 'resize', size: { cols: 2, rows: 1 } });
    assert.deepEqual(decodeClientFrame(encodeResize({ cols: 1000, rows: 500 })), { type: 'resize', size: { cols: 1000, rows: 500 } });
  });

  for (const bytes of [0, 1, 65_536, 0x7fffffff, 0x80000000, 0xffffffff]) {
    test(`ack of ${bytes} round trips as uint32 big-endian`, () => {
      const encoded = encodeAck(bytes);
      assert.equal(encoded.length, 5);
      assert.equal(encoded[0], FrameType.ACK);
      assert.equal(new DataView(encoded.buffer, encoded.byteOffset).getUint32(1, false), bytes);
      assert.deepEqual(decodeClientFrame(encoded), { type: 'ack', bytes });
    });
  }

  test('ack bytes are big-endian on the wire', () => {
    assert.deepEqual(Array.from(encodeAck(0x01020304)), [FrameType.ACK, 1, 2, 3, 4]);
  });

  test('ack decodes from a subarray that does not start at offset 0', () => {
    const backing = Uint8Array.from([0xaa, 0xbb, FrameType.ACK, 0, 0, 1, 0, 0xcc]);
    assert.deepEqual(decodeClientFrame(backing.subarray(2, 7)), { type: 'ack', bytes: 256 });
  });

  test('encodeAck rejects out-of-range and non-integer counts with RangeError', () => {
    for (const bad of [-1, 2 ** 32, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => encodeAck(bad), RangeError, `encodeAck(${bad})`);
    }
  });

  test('server control hello round trips', () => {
    const hello: ServerControl = {
      type: 'hello',
      sandboxId: '0123456789ab',
      reattached: true,
      replayBytes: 42,
      expiresAt: 1_800_000_000_000,
      idleTimeoutMinutes: 30,
    };
    const encoded = encodeServerControl(hello);
    assert.equal(encoded[0], FrameType.CONTROL);
    assert.deepEqual(decodeServerFrame(encoded), { type: 'control', message: hello });
  });

  test('server control status round trips, for every state', () => {
    for (const state of ['starting', 'ready', 'restarting', 'expired', 'removed', 'error'] as const) {
      const status: ServerControl = { type: 'status', state, message: `now ${state} — ✓` };
      assert.deepEqual(decodeServerFrame(encodeServerControl(status)), { type: 'control', message: status });
    }
  });

  test('server control error round trips', () => {
    const error: ServerControl = { type: 'error', code: 'SANDBOX_FAILED', message: 'could not create' };
    assert.deepEqual(decodeServerFrame(encodeServerControl(error)), { type: 'control', message: error });
  });

  test('server control queue round trips', () => {
    const queue: ServerControl = { type: 'queue', position: 3 };
    assert.deepEqual(decodeServerFrame(encodeServerControl(queue)), { type: 'control', message: queue });
  });

  test('client control reset round trips', () => {
    const encoded = encodeClientControl({ type: 'reset' });
    assert.equal(encoded[0], FrameType.CONTROL);
    assert.deepEqual(decodeClientFrame(encoded), { type: 'control', message: { type: 'reset' } });
  });
});

describe('malformed client frames', () => {
  test('empty frame', () => {
    assertProtocolError(() => decodeClientFrame(new Uint8Array(0)), /empty frame/);
  });

  test('unknown type byte names the byte', () => {
    assertProtocolError(() => decodeClientFrame(frameOf(0x07, [1, 2])), /unknown frame type 0x07/);
    assertProtocolError(() => decodeClientFrame(frameOf(0xff, [])), /unknown frame type 0xff/);
  });

  test('an OUTPUT frame is not accepted from a client', () => {
    assertProtocolError(() => decodeClientFrame(encodeOutput(utf8('x'))), /unknown frame type 0x00/);
  });

  test('resize with bad JSON', () => {
    assertProtocolError(() => decodeClientFrame(jsonFrame(FrameType.RESIZE, '{cols: 80')), /resize frame is not valid JSON/);
  });

  test('resize with invalid UTF-8', () => {
    assertProtocolError(() => decodeClientFrame(frameOf(FrameType.RESIZE, [0x7b, 0xff, 0xfe, 0x7d])), /resize frame is not valid UTF-8/);
  });

  test('resize without rows names the field', () => {
    assertProtocolError(() => decodeClientFrame(jsonFrame(FrameType.RESIZE, '{"cols":80}')), /resize frame is malformed: rows:/);
  });

  test('resize with cols as a string names the field', () => {
    assertProtocolError(() => decodeClientFrame(jsonFrame(FrameType.RESIZE, '{"cols":"80","rows":24}')), /resize frame is malformed: cols:/);
  });

  test('resize out of range', () => {
    assertProtocolError(() => decodeClientFrame(jsonFrame(FrameType.RESIZE, '{"cols":1,"rows":24}')), /resize frame is malformed: cols:/);
    assertProtocolError(() => decodeClientFrame(jsonFrame(FrameType.RESIZE, '{"cols":1001,"rows":24}')), /resize frame is malformed: cols:/);
    assertProtocolError(() => decodeClientFrame(jsonFrame(FrameType.RESIZE, '{"cols":80,"rows":0}')), /resize frame is malformed: rows:/);
    assertProtocolError(() => decodeClientFrame(jsonFrame(FrameType.RESIZE, '{"cols":80,"rows":501}')), /resize frame is malformed: rows:/);
    assertProtocolError(() => decodeClientFrame(jsonFrame(FrameType.RESIZE, '{"cols":80.5,"rows":24}')), /resize frame is malformed: cols:/);
  });

  test('resize that is not an object', () => {
    assertProtocolError(() => decodeClientFrame(jsonFrame(FrameType.RESIZE, '[80,24]')), /resize frame is malformed/);
  });

  test('ack with 3 or 5 payload bytes states the length', () => {
    assertProtocolError(() => decodeClientFrame(frameOf(FrameType.ACK, [0, 0, 1])), /ack frame must carry 4 bytes, got 3/);
    assertProtocolError(() => decodeClientFrame(frameOf(FrameType.ACK, [0, 0, 0, 1, 0])), /ack frame must carry 4 bytes, got 5/);
    assertProtocolError(() => decodeClientFrame(frameOf(FrameType.ACK, [])), /got 0/);
  });

  test('control with bad JSON or invalid UTF-8', () => {
    assertProtocolError(() => decodeClientFrame(jsonFrame(FrameType.CONTROL, '{"type":')), /control frame is not valid JSON/);
    assertProtocolError(() => decodeClientFrame(frameOf(FrameType.CONTROL, [0xc3, 0x28])), /control frame is not valid UTF-8/);
  });

  test('control that is not an object', () => {
    for (const text of ['"reset"', '42', 'null', 'true']) {
      assertProtocolError(() => decodeClientFrame(jsonFrame(FrameType.CONTROL, text)), /control frame must be a JSON object with a string "type"/);
    }
  });

  test('control without a string type', () => {
    assertProtocolError(() => decodeClientFrame(jsonFrame(FrameType.CONTROL, '{}')), /must be a JSON object with a string "type"/);
    assertProtocolError(() => decodeClientFrame(jsonFrame(FrameType.CONTROL, '{"type":7}')), /must be a JSON object with a string "type"/);
  });

  test('unknown control type is reported as unknown-control, not an error', () => {
    assert.deepEqual(decodeClientFrame(jsonFrame(FrameType.CONTROL, '{"type":"teleport","to":"mars"}')), {
      type: 'unknown-control',
      controlType: 'teleport',
    });
  });

  test('a server-only control type sent by a client is unknown there', () => {
    assert.deepEqual(decodeClientFrame(encodeServerControl({ type: 'error', code: 'x', message: 'y' })), {
      type: 'unknown-control',
      controlType: 'error',
    });
  });
});

describe('malformed server frames', () => {
  test('empty frame', () => {
    assertProtocolError(() => decodeServerFrame(new Uint8Array(0)), /empty frame/);
  });

  test('unknown type byte', () => {
    assertProtocolError(() => decodeServerFrame(frameOf(0x09, [])), /unknown frame type 0x09 from server/);
  });

  test('an INPUT frame is not accepted from a server', () => {
    assertProtocolError(() => decodeServerFrame(encodeInput('ls')), /unknown frame type 0x01/);
  });

  test('known control type with a bad body names the type and field', () => {
    assertProtocolError(
      () => decodeServerFrame(jsonFrame(FrameType.CONTROL, '{"type":"status","state":"sleeping","message":"zz"}')),
      /control message "status" is malformed: state:/,
    );
    assertProtocolError(
      () => decodeServerFrame(jsonFrame(FrameType.CONTROL, '{"type":"hello","sandboxId":"abc","reattached":"yes","replayBytes":0,"expiresAt":1,"idleTimeoutMinutes":30}')),
      /control message "hello" is malformed: reattached:/,
    );
    assertProtocolError(
      () => decodeServerFrame(jsonFrame(FrameType.CONTROL, '{"type":"hello","sandboxId":"abc","reattached":false,"replayBytes":-1,"expiresAt":1,"idleTimeoutMinutes":30}')),
      /control message "hello" is malformed: replayBytes:/,
    );
    assertProtocolError(() => decodeServerFrame(jsonFrame(FrameType.CONTROL, '{"type":"error","code":1}')), /control message "error" is malformed/);
    // A place in line is a whole number from 1: 0, fractions and strings are not places.
    for (const position of ['0', '1.5', '"2"', '-1']) {
      assertProtocolError(() => decodeServerFrame(jsonFrame(FrameType.CONTROL, `{"type":"queue","position":${position}}`)), /control message "queue" is malformed: position:/);
    }
    assertProtocolError(() => decodeServerFrame(jsonFrame(FrameType.CONTROL, '{"type":"queue"}')), /control message "queue" is malformed: position:/);
  });

  test('control not an object / without type', () => {
    assertProtocolError(() => decodeServerFrame(jsonFrame(FrameType.CONTROL, '[]')), /must be a JSON object with a string "type"/);
    assertProtocolError(() => decodeServerFrame(jsonFrame(FrameType.CONTROL, '{"state":"ready"}')), /must be a JSON object with a string "type"/);
  });

  test('unknown control type is ignored (unknown-control)', () => {
    assert.deepEqual(decodeServerFrame(jsonFrame(FrameType.CONTROL, '{"type":"future-thing","x":1}')), {
      type: 'unknown-control',
      controlType: 'future-thing',
    });
  });
});
