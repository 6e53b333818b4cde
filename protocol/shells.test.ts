import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAIN_SHELL,
  ProtocolError,
  decodeClientFrame,
  decodeServerFrame,
  encodeClientControl,
  encodeServerControl,
  parseShellParam,
  type ServerControl,
} from './index';
import { utf8Encoder } from './text-codec';

const controlFrame = (value: unknown): Uint8Array => {
  const json = utf8Encoder.encode(JSON.stringify(value));
  const out = new Uint8Array(json.length + 1);
  out[0] = 0x04;
  out.set(json, 1);
  return out;
};

describe('the shell query parameter', () => {
  test('absent is the main shell', () => {
    assert.equal(parseShellParam(null), MAIN_SHELL);
  });

  test('a plain number in range is that shell', () => {
    assert.equal(parseShellParam('1'), 1);
    assert.equal(parseShellParam('2'), 2);
    assert.equal(parseShellParam('9999'), 9999);
  });

  for (const bad of ['', '0', '02', '-1', '+2', '1.0', '2 ', ' 2', '1e3', '10000', 'new', '0x2', '２']) {
    test(`"${bad}" is refused`, () => {
      assert.equal(parseShellParam(bad), null);
    });
  }
});

describe('shell control messages', () => {
  test('the shell list round trips', () => {
    const message: ServerControl = { type: 'shells', shells: [{ shell: 1, exited: false }, { shell: 3, exited: true }], max: 4 };
    assert.deepEqual(decodeServerFrame(encodeServerControl(message)), { type: 'control', message });
  });

  test('shell-opened and shell-refused round trip', () => {
    for (const message of [{ type: 'shell-opened', shell: 2 }, { type: 'shell-refused', message: 'at most 4' }] satisfies ServerControl[]) {
      assert.deepEqual(decodeServerFrame(encodeServerControl(message)), { type: 'control', message });
    }
  });

  test('a hello names its shell; an older server’s hello without one still parses', () => {
    const hello = { type: 'hello', sandboxId: 'abc', reattached: false, replayBytes: 0, expiresAt: 1, idleTimeoutMinutes: 30 } as const;
    assert.deepEqual(decodeServerFrame(encodeServerControl({ ...hello, shell: 2 })), { type: 'control', message: { ...hello, shell: 2 } });
    assert.deepEqual(decodeServerFrame(encodeServerControl(hello)), { type: 'control', message: hello });
  });

  test('open-shell and close-shell round trip', () => {
    assert.deepEqual(decodeClientFrame(encodeClientControl({ type: 'open-shell' })), { type: 'control', message: { type: 'open-shell' } });
    assert.deepEqual(decodeClientFrame(encodeClientControl({ type: 'close-shell', shell: 2 })), { type: 'control', message: { type: 'close-shell', shell: 2 } });
  });

  test('close-shell without a valid shell number names the field', () => {
    for (const shell of [undefined, 0, 1.5, '2', 10000]) {
      assert.throws(() => decodeClientFrame(controlFrame({ type: 'close-shell', shell })), (e: unknown) => e instanceof ProtocolError && /close-shell.*shell/.test(e.message));
    }
  });

  test('a shell list that is empty or has a bad entry is malformed', () => {
    assert.throws(() => decodeServerFrame(controlFrame({ type: 'shells', shells: [], max: 4 })), ProtocolError);
    assert.throws(() => decodeServerFrame(controlFrame({ type: 'shells', shells: [{ shell: 1 }], max: 4 })), /shells\.0\.exited/);
  });
});
