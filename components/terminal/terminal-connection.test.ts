import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket as WsClient, WebSocketServer, type WebSocket as WsSocket } from 'ws';
import { CloseCode, decodeClientFrame, encodeOutput, encodeServerControl, type ClientFrame, type ServerControl } from '../../protocol';
import { TerminalConnection, describeHeld, readyMessage, timeAgo, type ConnectionState, type OpenSocket } from './terminal-connection';
import { hello, lastState, pageRecorder } from './test/page-recorder';

async function until(condition: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/**
 * Against a real `ws` server on 127.0.0.1: what goes over the wire, and what
 * each close code does. The browser's WebSocket is stood in for by ws's client
 * (the same interface), through the constructor's socket factory.
 */
describe('TerminalConnection over a real WebSocket', () => {
  let server: WebSocketServer;
  let url: string;
  /** Each connection the server accepted, with the frames it received. */
  let peers: { socket: WsSocket; frames: ClientFrame[] }[];
  let connection: TerminalConnection | undefined;
  const openWs: OpenSocket = (target) => {
    const client = new WsClient(target);
    // A browser's WebSocket reports errors as an event followed by close; ws's client throws one nobody listens for.
    client.on('error', () => undefined);
    return client as unknown as WebSocket;
  };

  beforeEach(async () => {
    peers = [];
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (socket) => {
      const peer = { socket, frames: [] as ClientFrame[] };
      peers.push(peer);
      socket.on('message', (data: Buffer) => peer.frames.push(decodeClientFrame(new Uint8Array(data))));
    });
    await once(server, 'listening');
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws/terminal`;
  });

  afterEach(async () => {
    connection?.dispose();
    connection = undefined;
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('sends its size as soon as the socket opens; hello makes it ready, after clearing the screen for a replay', async () => {
    const page = pageRecorder();
    connection = new TerminalConnection(url, page.events, openWs);
    connection.resize({ cols: 100, rows: 30 });
    connection.connect();
    assert.deepEqual(page.seen.states, [['connecting', 'Connecting…']]);
    await until(() => peers[0]?.frames.length === 1, 'the resize frame');
    assert.deepEqual(peers[0]!.frames, [{ type: 'resize', size: { cols: 100, rows: 30 } }]);

    peers[0]!.socket.send(encodeServerControl(hello(42)));
    await until(() => page.seen.hellos.length === 1, 'hello');
    assert.equal(page.seen.replays, 1);
    assert.deepEqual(lastState(page.seen.states), ['ready', 'Reattached to your sandbox']);

    connection.send('ls\r');
    connection.reset();
    await until(() => peers[0]!.frames.length === 3, 'input and reset');
    assert.deepEqual(peers[0]!.frames.slice(1), [
      { type: 'input', data: new TextEncoder().encode('ls\r') },
      { type: 'control', message: { type: 'reset' } },
    ]);
  });

  test('acknowledges output once the terminal has rendered it, in one batch', async () => {
    const page = pageRecorder();
    connection = new TerminalConnection(url, page.events, openWs);
    connection.connect();
    await until(() => peers.length === 1 && peers[0]!.socket.readyState === WsClient.OPEN, 'the connection');
    peers[0]!.socket.send(encodeOutput(new TextEncoder().encode('hello ')));
    peers[0]!.socket.send(encodeOutput(new TextEncoder().encode('world')));
    await until(() => page.seen.output.length === 2, 'the output');
    assert.deepEqual(page.seen.output, ['hello ', 'world']);
    await sleep(100);
    assert.deepEqual(peers[0]!.frames, [], 'nothing is acknowledged before it is rendered');

    page.renderAll();
    await until(() => peers[0]!.frames.length > 0, 'the ack');
    await sleep(100);
    assert.deepEqual(peers[0]!.frames, [{ type: 'ack', bytes: 11 }]);
  });

  test('a dropped connection reconnects and sends its size again', async () => {
    const page = pageRecorder();
    connection = new TerminalConnection(url, page.events, openWs);
    connection.resize({ cols: 80, rows: 24 });
    connection.connect();
    await until(() => peers[0]?.frames.length === 1, 'the first connection');
    peers[0]!.socket.terminate();
    await until(() => lastState(page.seen.states)?.[0] === 'reconnecting', 'reconnecting');
    assert.deepEqual(lastState(page.seen.states), ['reconnecting', 'Connection lost; reconnecting…']);
    await until(() => peers[1]?.frames.length === 1, 'the second connection');
    assert.deepEqual(peers[1]!.frames, [{ type: 'resize', size: { cols: 80, rows: 24 } }]);
    assert.deepEqual(lastState(page.seen.states), ['reconnecting', 'Connecting…']);
  });

  const finalCloses: { name: string; code: number; reason: string; before?: ServerControl; expected: [ConnectionState, string] }[] = [
    { name: 'a protocol error', code: CloseCode.PROTOCOL, reason: 'bad frame', expected: ['error', 'Connection closed: bad frame. Reload the page.'] },
    { name: 'a protocol error without a reason', code: CloseCode.PROTOCOL, reason: '', expected: ['error', 'Connection closed: protocol error. Reload the page.'] },
    { name: 'expiry', code: CloseCode.EXPIRED, reason: 'Your sandbox reached its 2-hour limit.', expected: ['expired', 'Your sandbox reached its 2-hour limit.'] },
    { name: 'expiry without a reason', code: CloseCode.EXPIRED, reason: '', expected: ['expired', 'Your sandbox expired. Reload the page for a fresh one.'] },
    { name: 'a sandbox that failed', code: CloseCode.SANDBOX_FAILED, reason: '', expected: ['error', 'The sandbox could not be started.'] },
    {
      name: 'a limit (the error message before it is said in full)',
      code: CloseCode.LIMIT,
      reason: 'too many terminals',
      before: { type: 'error', code: 'limit', message: 'You have 4 terminals open, the most one learner may have; close one (another tab?) and reload.' },
      expected: ['refused', 'You have 4 terminals open, the most one learner may have; close one (another tab?) and reload.'],
    },
    { name: 'a limit without an error message', code: CloseCode.LIMIT, reason: '', expected: ['refused', 'Refused by a limit of this site.'] },
  ];
  for (const close of finalCloses) {
    test(`after ${close.name} it says why and does not reconnect`, async () => {
      const page = pageRecorder();
      connection = new TerminalConnection(url, page.events, openWs);
      connection.connect();
      await until(() => peers.length === 1 && peers[0]!.socket.readyState === WsClient.OPEN, 'the connection');
      if (close.before) peers[0]!.socket.send(encodeServerControl(close.before));
      peers[0]!.socket.close(close.code, close.reason);
      await until(() => lastState(page.seen.states)?.[0] === close.expected[0], close.expected[0]);
      assert.deepEqual(lastState(page.seen.states), close.expected);
      await sleep(400); // longer than the first reconnect delay (250 ms)
      assert.equal(peers.length, 1, 'no second connection');
    });
  }

  test('shells: the list, open-shell and close-shell go over the wire; the answers reach the page', async () => {
    const page = pageRecorder();
    const heard: string[] = [];
    connection = new TerminalConnection(
      url,
      {
        ...page.events,
        shells: (shells, max) => heard.push(`shells ${shells.map((s) => `${s.shell}${s.exited ? 'x' : ''}`).join(',')} of ${max}`),
        shellOpened: (shell) => heard.push(`opened ${shell}`),
        shellRefused: (message) => heard.push(`refused ${message}`),
      },
      openWs,
    );
    connection.connect();
    await until(() => peers.length === 1 && peers[0]!.socket.readyState === WsClient.OPEN, 'the connection');
    connection.openShell();
    connection.closeShell(3);
    await until(() => peers[0]!.frames.filter((f) => f.type === 'control').length === 2, 'two control frames');
    assert.deepEqual(
      peers[0]!.frames.filter((f) => f.type === 'control'),
      [
        { type: 'control', message: { type: 'open-shell' } },
        { type: 'control', message: { type: 'close-shell', shell: 3 } },
      ],
    );
    const socket = peers[0]!.socket;
    socket.send(encodeServerControl({ type: 'shells', shells: [{ shell: 1, exited: false }, { shell: 2, exited: true }], max: 4 }));
    socket.send(encodeServerControl({ type: 'shell-opened', shell: 2 }));
    socket.send(encodeServerControl({ type: 'shell-refused', message: 'at most 4' }));
    await until(() => heard.length === 3, 'three answers');
    assert.deepEqual(heard, ['shells 1,2x of 4', 'opened 2', 'refused at most 4']);
    assert.equal(lastState(page.seen.states)?.[0], 'connecting', 'a refused shell is no error of this terminal');
  });

  test('a SHELL_GONE close tells the page the shell is gone and does not reconnect', async () => {
    const page = pageRecorder();
    const gone: string[] = [];
    connection = new TerminalConnection(url, { ...page.events, shellGone: (reason) => gone.push(reason) }, openWs);
    connection.connect();
    await until(() => peers.length === 1 && peers[0]!.socket.readyState === WsClient.OPEN, 'the connection');
    peers[0]!.socket.close(CloseCode.SHELL_GONE, 'Terminal 3 was closed.');
    await until(() => gone.length === 1, 'shellGone');
    assert.deepEqual(gone, ['Terminal 3 was closed.']);
    await sleep(400);
    assert.equal(peers.length, 1, 'no second connection');
  });

  test('dispose closes the socket as a page leaving (1000) and reconnects no more', async () => {
    const page = pageRecorder();
    connection = new TerminalConnection(url, page.events, openWs);
    connection.connect();
    await until(() => peers.length === 1, 'the connection');
    peers[0]!.socket.send(encodeServerControl(hello()));
    await until(() => lastState(page.seen.states)?.[0] === 'ready', 'ready (the socket is open on both ends)');
    const closed = once(peers[0]!.socket, 'close');
    const statesBefore = page.seen.states.length;
    connection.dispose();
    const [code, reason] = (await closed) as [number, Buffer];
    assert.equal(code, 1000);
    assert.equal(reason.toString(), 'page closed');
    await sleep(400);
    assert.equal(peers.length, 1);
    assert.equal(page.seen.states.length, statesBefore, 'a disposed connection tells the page nothing');
    connection.connect();
    assert.equal(page.seen.states.length, statesBefore, 'nor connects again');
  });

  test('while the engine starts, typing is held and shown; a status ready sends it, in order', async () => {
    const page = pageRecorder();
    connection = new TerminalConnection(url, page.events, openWs);
    connection.connect();
    await until(() => peers.length === 1, 'the socket');
    peers[0]!.socket.send(encodeServerControl({ ...hello(0), engineReady: false }));
    await until(() => page.seen.hellos.length === 1, 'hello');
    assert.deepEqual(lastState(page.seen.states), ['starting', 'Starting the Docker engine in your sandbox…']);

    connection.send('docker ps\r');
    connection.send(new Uint8Array([0x1b, 0x5b, 0x41])); // an arrow key: held, not shown
    connection.send('ls');
    assert.deepEqual(page.seen.held, ['docker ps⏎ ', 'docker ps⏎ ', 'docker ps⏎ ls']);
    await sleep(50);
    assert.equal(peers[0]!.frames.filter((f) => f.type === 'input').length, 0, 'nothing sent while the engine starts');

    peers[0]!.socket.send(encodeServerControl({ type: 'status', state: 'ready', message: 'Sandbox ready' }));
    await until(() => peers[0]!.frames.filter((f) => f.type === 'input').length === 3, 'the held input');
    const sent = peers[0]!.frames.flatMap((f) => (f.type === 'input' ? [new TextDecoder().decode(f.data)] : []));
    assert.deepEqual(sent, ['docker ps\r', '\x1b[A', 'ls']);
    assert.deepEqual([page.seen.held.at(-1), lastState(page.seen.states)], ['', ['ready', 'Sandbox ready']]);
    connection.send('x');
    await until(() => peers[0]!.frames.filter((f) => f.type === 'input').length === 4, 'typing goes straight through');
  });
});

describe('describeHeld', () => {
  test('Enter as ⏎, control keys as ^X, escape sequences dropped, a long line cut from the front', () => {
    const bytes = (text: string): Uint8Array[] => [new TextEncoder().encode(text)];
    assert.equal(describeHeld(bytes('echo hi\r\x03\x7f\x1bOA\x1b[1;5D')), 'echo hi⏎ ^C^?');
    const long = describeHeld(bytes('x'.repeat(200)));
    assert.equal(long.length, 80);
    assert.ok(long.startsWith('…x'));
  });
});

describe('readyMessage: what the learner reads when their terminal is ready', () => {
  const now = Date.UTC(2026, 11, 2, 9);
  test('a reload, a new sandbox, a restored environment (with its age), and a fresh one after a loss', () => {
    assert.equal(readyMessage({ reattached: true }, now), 'Reattached to your sandbox');
    assert.equal(readyMessage({ reattached: false }, now), 'Sandbox ready');
    assert.equal(readyMessage({ reattached: false, restoredFrom: now - 90_000 }, now), 'Restored your environment from 2 minutes ago');
    assert.equal(readyMessage({ reattached: false, restoredFrom: now - 20 * 3_600_000 }, now), 'Restored your environment from 20 hours ago');
    assert.equal(readyMessage({ reattached: false, restoredFrom: now - 30 * 3_600_000 }, now), 'Restored your environment from yesterday');
    assert.equal(readyMessage({ reattached: false, restoredFrom: now - 3 * 86_400_000 }, now), 'Restored your environment from 3 days ago');
    assert.equal(readyMessage({ reattached: false, lost: 'expired' }, now), 'Your saved environment expired: starting fresh');
    assert.equal(readyMessage({ reattached: false, lost: 'evicted' }, now), 'Your saved environment was removed to make room: starting fresh');
  });

  test('timeAgo never says "0 minutes"', () => {
    assert.equal(timeAgo(0), '1 minute ago');
  });
});
