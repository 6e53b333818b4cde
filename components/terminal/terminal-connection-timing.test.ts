import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { decodeClientFrame, encodeOutput, encodeServerControl, type ClientFrame } from '../../protocol';
import { TerminalConnection, type OpenSocket } from './terminal-connection';
import { lastState, pageRecorder } from './test/page-recorder';

/** A WebSocket stand-in whose opening, frames and closing the test drives (with mocked timers). */
class StandInSocket {
  readonly OPEN = 1;
  readyState = 0;
  binaryType = 'blob';
  readonly sent: ClientFrame[] = [];
  closedWith: [number, string] | undefined;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: ArrayBuffer | string }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;

  send(bytes: Uint8Array): void {
    this.sent.push(decodeClientFrame(bytes));
  }
  close(code: number, reason: string): void {
    this.closedWith = [code, reason];
    this.readyState = 3;
  }
  /** The server accepted the connection. */
  open(): void {
    this.readyState = this.OPEN;
    this.onopen?.();
  }
  receive(frame: Uint8Array): void {
    this.onmessage?.({ data: frame.slice().buffer });
  }
  /** The connection ended (1006: it dropped). */
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

describe('TerminalConnection timing (stand-in socket, mocked timers)', () => {
  let sockets: StandInSocket[];
  const openStandIn: OpenSocket = () => {
    const socket = new StandInSocket();
    sockets.push(socket);
    return socket as unknown as WebSocket;
  };

  beforeEach(() => {
    sockets = [];
    mock.timers.enable({ apis: ['setTimeout'] });
  });
  afterEach(() => mock.timers.reset());

  test('reconnects after 250 ms, doubling each failed try up to 5 s; an opened socket starts the backoff over', () => {
    const connection = new TerminalConnection('ws://x/ws/terminal', pageRecorder().events, openStandIn);
    connection.connect();
    sockets[0]!.open();
    sockets[0]!.drop();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 7; attempt++) {
      let waited = 0;
      while (sockets.length === attempt) {
        mock.timers.tick(1);
        waited++;
        assert.ok(waited <= 10_000, 'no reconnect within 10 s');
      }
      delays.push(waited);
      sockets[attempt]!.drop(); // the server is still unreachable
    }
    assert.deepEqual(delays, [250, 500, 1000, 2000, 4000, 5000, 5000]);

    mock.timers.tick(5000);
    sockets.at(-1)!.open();
    sockets.at(-1)!.drop();
    const count = sockets.length;
    mock.timers.tick(249);
    assert.equal(sockets.length, count);
    mock.timers.tick(1);
    assert.equal(sockets.length, count + 1, 'back to 250 ms after a socket that opened');
    connection.dispose();
  });

  test('dispose stops a pending reconnect', () => {
    const connection = new TerminalConnection('ws://x/ws/terminal', pageRecorder().events, openStandIn);
    connection.connect();
    sockets[0]!.drop();
    connection.dispose();
    mock.timers.tick(10_000);
    assert.equal(sockets.length, 1);
  });

  test('acks: small renders are gathered for 50 ms, 16 KiB goes at once, and nothing is acked across a reconnect', () => {
    const page = pageRecorder();
    const connection = new TerminalConnection('ws://x/ws/terminal', page.events, openStandIn);
    connection.connect();
    const socket = sockets[0]!;
    socket.open();
    socket.receive(encodeOutput(new Uint8Array(100)));
    socket.receive(encodeOutput(new Uint8Array(200)));
    page.renderAll();
    mock.timers.tick(49);
    assert.deepEqual(socket.sent, []);
    mock.timers.tick(1);
    assert.deepEqual(socket.sent, [{ type: 'ack', bytes: 300 }]);

    socket.receive(encodeOutput(new Uint8Array(16 * 1024)));
    page.renderAll();
    assert.deepEqual(socket.sent.at(-1), { type: 'ack', bytes: 16 * 1024 }, 'at once');

    socket.receive(encodeOutput(new Uint8Array(10)));
    page.renderAll();
    socket.drop();
    mock.timers.tick(250);
    const next = sockets[1]!;
    next.open();
    mock.timers.tick(100);
    assert.deepEqual(next.sent, [], 'output rendered before the drop is not acked to the new socket');
    connection.dispose();
  });

  test('a malformed frame is dropped with a warning; an unknown control message is ignored', () => {
    const warnings: unknown[] = [];
    const warn = mock.method(console, 'warn', (...args: unknown[]) => void warnings.push(args[0]));
    const page = pageRecorder();
    const connection = new TerminalConnection('ws://x/ws/terminal', page.events, openStandIn);
    connection.connect();
    sockets[0]!.open();
    sockets[0]!.receive(Uint8Array.from([0x09, 1, 2]));
    sockets[0]!.receive(Uint8Array.from([0x04, ...new TextEncoder().encode('{"type":"party"}')]));
    sockets[0]!.receive(encodeServerControl({ type: 'queue', position: 3 }));
    warn.mock.restore();
    assert.deepEqual(warnings, ['drydock: dropped a malformed frame from the server', 'drydock: ignoring unknown control message "party"']);
    assert.deepEqual(lastState(page.seen.states), ['queued', 'The site is full — you are number 3 in line; your terminal opens by itself when a place frees up.']);
    connection.dispose();
  });
});
