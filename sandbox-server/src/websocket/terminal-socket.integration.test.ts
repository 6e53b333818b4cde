import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { LEARNER_COOKIE, newLearnerId, signLearnerCookie } from '../../../lib/identity/learner-identity';
import { CloseCode, FrameType, encodeResize } from '../../../protocol';
import { Label } from '../engine/docker/labels';
import {
  PROMPT,
  TerminalSocket,
  cleanupServer,
  requireDocker,
  startTestSandboxServer,
  stripAnsi,
  testConfig,
  waitFor,
  type TestSandboxServer,
} from '../../test/support';

/**
 * The terminal WebSocket end to end against the real engine: the HTTP upgrade
 * checks, the framing, malformed input, replay on reconnect, flow control
 * under a flood, and isolation between learners. One sandbox per learner,
 * reused across tests (they run in order).
 */

const KiB = 1024;
const MiB = 1024 * KiB;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function within<T>(what: string, promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function frameOf(type: number, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([Buffer.from([type]), body]);
}

/** When the output (from byte `from` on) first matched `pattern`: the arrival time of the frame that completed it. */
function arrivalOf(s: TerminalSocket, from: number, pattern: RegExp): number | undefined {
  let offset = 0;
  let tail = '';
  for (const o of s.outputs) {
    const end = offset + o.data.length;
    if (end > from) {
      tail = (tail + o.data.subarray(Math.max(0, from - offset)).toString('utf8')).slice(-4096);
      if (pattern.test(stripAnsi(tail))) return o.at;
    }
    offset = end;
  }
  return undefined;
}

describe('terminal WebSocket (real engine)', () => {
  // A short heartbeat so that the missed-pong test is quick; live clients answer pings on their own.
  const config = testConfig({ heartbeatMs: 1_000 });
  let docker: Docker;
  let server: TestSandboxServer;
  let learnerA: { id: string; cookie: string };
  let learnerB: { id: string; cookie: string };
  let headersA: Record<string, string>;
  /** Learner A's first socket; stays open through the malformed-frame tests. */
  let a1: TerminalSocket;
  let sandboxIdA = '';
  let containerIdA = '';

  /** Learner A's open terminal sockets, as the server counts them. */
  const socketsOfA = () => server.service.manager.connectionState(learnerA.id).sockets;
  /** Learner A's sandbox id; the check fails when A has none. */
  const sandboxIdOfA = (): string => {
    const id = server.service.manager.sandboxIdOf(learnerA.id, 'dind');
    assert.ok(id, 'learner A has a sandbox');
    return id;
  };

  before(async () => {
    docker = await requireDocker();
    // As the platform says from its lessons: networking has one machine, swarm-lab three; no other environment exists.
    server = await startTestSandboxServer(config, {}, { environmentMachines: (name) => ({ networking: 1, 'swarm-lab': 3 })[name] });
    learnerA = server.newLearner();
    learnerB = server.newLearner();
    headersA = { Cookie: learnerA.cookie, Origin: server.origin };
  });

  after(async () => {
    await server?.close();
    const left = await cleanupServer(docker, config.serverId);
    assert.deepEqual(left, { containers: 0, networks: 0, volumes: 0 });
  });

  test('the upgrade refuses bad cookies (401), foreign or missing origins (403) and unknown profiles (400), creating nothing', async () => {
    const good = signLearnerCookie(server.data.cookieSecret, learnerA.id);
    const [version, id, signature] = good.split('.') as [string, string, string];
    const flipped = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    const cases: { name: string; url?: string; headers: Record<string, string>; status: number }[] = [
      { name: 'no cookie', headers: { Origin: server.origin }, status: 401 },
      { name: 'cookie signed with another secret', headers: { Origin: server.origin, Cookie: `${LEARNER_COOKIE}=${signLearnerCookie(randomBytes(32), learnerA.id)}` }, status: 401 },
      { name: 'learner id swapped under a valid signature', headers: { Origin: server.origin, Cookie: `${LEARNER_COOKIE}=${version}.${newLearnerId()}.${signature}` }, status: 401 },
      { name: 'tampered signature', headers: { Origin: server.origin, Cookie: `${LEARNER_COOKIE}=${version}.${id}.${flipped(signature)}` }, status: 401 },
      { name: 'garbage cookie', headers: { Origin: server.origin, Cookie: `${LEARNER_COOKIE}=%E0%A4%A` }, status: 401 },
      { name: 'foreign origin', headers: { Origin: 'http://evil.example', Cookie: learnerA.cookie }, status: 403 },
      { name: 'same host, other port', headers: { Origin: `http://127.0.0.1:${server.port + 1}`, Cookie: learnerA.cookie }, status: 403 },
      { name: 'no origin', headers: { Cookie: learnerA.cookie }, status: 403 },
      { name: 'unknown profile', url: `${server.url}?profile=nope`, headers: headersA, status: 400 },
      { name: 'profile with path characters', url: `${server.url}?profile=..%2Fdind`, headers: headersA, status: 400 },
      // Made-up environments would let one learner hold a sandbox per name: only the lessons' are served.
      { name: 'an environment no lesson has', url: `${server.url}?env=dind:made-up`, headers: headersA, status: 400 },
      { name: 'a machine the lab does not have', url: `${server.url}?env=dind:swarm-lab@4`, headers: headersA, status: 400 },
      { name: 'a second machine of a one-machine lesson', url: `${server.url}?env=dind:networking@2`, headers: headersA, status: 400 },
      { name: 'an environment with a bad name', url: `${server.url}?env=dind:Net%2F..`, headers: headersA, status: 400 },
    ];
    for (const c of cases) {
      const outcome = await within(c.name, TerminalSocket.connect(c.url ?? server.url, c.headers), 10_000);
      if (!('refused' in outcome)) {
        await outcome.socket.close();
        assert.fail(`${c.name}: the upgrade was accepted`);
      }
      assert.equal(outcome.refused, c.status, `${c.name}: ${outcome.body}`);
    }
    // An explicit ?profile=dind is fine; a path other than the terminal's is not this handler's.
    const other = await TerminalSocket.connect(`ws://127.0.0.1:${server.port}/ws/other`, headersA).catch((e: Error) => e);
    assert.ok(other instanceof Error, 'an upgrade for another path is not served');
    assert.equal(server.service.manager.size, 0, 'no sandbox was opened for a refused socket');
    assert.deepEqual(await server.service.driver.list(), []);
  });

  test('a good socket gets status starting, then hello (not reattached), then the prompt', async () => {
    const started = Date.now();
    a1 = await TerminalSocket.open(`${server.url}?profile=dind`, headersA);
    const hello = await a1.waitForHello(60_000);
    assert.equal(a1.controls[0]?.type, 'status');
    assert.equal(a1.controls[0]?.type === 'status' && a1.controls[0].state, 'starting');
    assert.equal(a1.controls[1], hello, 'hello is the second control message');
    assert.equal(hello.reattached, false);
    assert.match(hello.sandboxId, /^[0-9a-f]{12}$/);
    assert.equal(hello.idleTimeoutMinutes, config.limits.idleTimeoutMs / 60_000);
    assert.ok(Math.abs(hello.expiresAt - (started + config.limits.maxLifetimeMs)) < 60_000, `expiresAt ${hello.expiresAt}`);
    if (hello.replayBytes > 0) assert.equal(a1.outputs[0]?.data.length, hello.replayBytes, 'the replay is one output frame of replayBytes');
    containerIdA = sandboxIdOfA();
    sandboxIdA = hello.sandboxId;
    assert.equal(containerIdA.slice(0, 12), sandboxIdA);
    const inspected = await docker.getContainer(containerIdA).inspect();
    assert.equal(inspected.Config.Labels[Label.learner], learnerA.id, 'the container belongs to the authenticated learner');
    await a1.waitForText('the first prompt', PROMPT, 0, 60_000);
    assert.match(a1.text(), /Docker [\d.]+\S* ready in [\d.]+ s/);
    assert.deepEqual(a1.badFrames, []);
  });

  test('INPUT frames reach the shell and a RESIZE frame sets the terminal size', async () => {
    let from = a1.outputBytes;
    a1.type('echo $((6*7))\r');
    await a1.waitForText('the result of echo $((6*7))', /^42\r?$/m, from);

    from = a1.outputBytes;
    a1.type('stty size\r');
    await a1.waitForText('stty size before any resize', /^\d+ \d+\r?\n/m, from);
    assert.doesNotMatch(a1.text(from), /^30 100\r?$/m, 'the size is not 30x100 before the resize');

    a1.send(encodeResize({ cols: 100, rows: 30 }));
    // The resize is an engine API call beside the stream: retry stty until it shows (or time out).
    const deadline = Date.now() + 10_000;
    let ok = false;
    while (!ok && Date.now() < deadline) {
      from = a1.outputBytes;
      a1.type('stty size\r');
      await a1.waitForText('stty size output', /^\d+ \d+\r?\n/m, from);
      ok = /^30 100\r?$/m.test(a1.text(from));
      if (!ok) await sleep(200);
    }
    assert.ok(ok, `stty size never printed "30 100"; last: ${JSON.stringify(a1.text(from))}`);
    assert.equal(a1.closed, null);
  });

  test('malformed frames close only their own socket with 4400 and a reason; the sandbox and other sockets carry on', async () => {
    const cases: { name: string; frame: Buffer | string; reason: RegExp }[] = [
      { name: 'text frame', frame: 'echo hi\r', reason: /^text frames are not part of the protocol/ },
      { name: 'empty binary frame', frame: Buffer.alloc(0), reason: /^empty frame \(no type byte\)$/ },
      { name: 'unknown type byte 0x7f', frame: Buffer.from([0x7f, 0x41, 0x42]), reason: /^unknown frame type 0x7f from client$/ },
      { name: 'resize with cols "x"', frame: frameOf(FrameType.RESIZE, '{"cols":"x","rows":30}'), reason: /^resize frame is malformed: cols: / },
      { name: 'resize with positional numbers', frame: frameOf(FrameType.RESIZE, '[100,30]'), reason: /^resize frame is malformed: / },
      { name: 'resize too large', frame: frameOf(FrameType.RESIZE, '{"cols":100000,"rows":30}'), reason: /^resize frame is malformed: cols: / },
      { name: 'resize not JSON', frame: frameOf(FrameType.RESIZE, '{cols:100'), reason: /^resize frame is not valid JSON$/ },
      { name: 'ack with 2 bytes', frame: frameOf(FrameType.ACK, Buffer.from([0, 1])), reason: /^ack frame must carry 4 bytes, got 2$/ },
      { name: 'control not JSON', frame: frameOf(FrameType.CONTROL, '{"type":'), reason: /^control frame is not valid JSON$/ },
      { name: 'control not UTF-8', frame: frameOf(FrameType.CONTROL, Buffer.from([0xff, 0xfe, 0x7b])), reason: /^control frame is not valid UTF-8$/ },
      { name: 'control with a numeric type', frame: frameOf(FrameType.CONTROL, '{"type":5}'), reason: /^control frame must be a JSON object with a string "type"$/ },
      { name: 'control that is an array', frame: frameOf(FrameType.CONTROL, '["reset"]'), reason: /^control frame must be a JSON object with a string "type"$/ },
    ];
    for (const c of cases) {
      const s = await TerminalSocket.open(server.url, headersA);
      const hello = await s.waitForHello();
      assert.equal(hello.sandboxId, sandboxIdA, `${c.name}: same sandbox`);
      assert.equal(hello.reattached, true);
      s.send(c.frame);
      const closed = await within(`${c.name}: close`, s.whenClosed, 5_000);
      assert.equal(closed.code, CloseCode.PROTOCOL, `${c.name}: close code (reason ${closed.reason})`);
      assert.match(closed.reason, c.reason, c.name);
      const error = s.controls.find((m) => m.type === 'error');
      assert.ok(error && error.type === 'error', `${c.name}: an error control message precedes the close`);
      assert.equal(error.code, 'protocol');
      assert.match(error.message, c.reason);
    }
    await waitFor('the server to drop the closed sockets', () => socketsOfA() === 1, 5_000);

    // An unknown control type is ignored: the socket stays open and works.
    const future = await TerminalSocket.open(server.url, headersA);
    await future.waitForHello();
    future.send(frameOf(FrameType.CONTROL, '{"type":"future-thing","detail":{"x":1}}'));
    future.send(frameOf(FrameType.CONTROL, '{"type":"future-thing"}'));
    let from = future.outputBytes;
    future.type('echo still-open-$((3+4))\r');
    await future.waitForText('echo on the socket that sent an unknown control type', /^still-open-7\r?$/m, from);
    assert.equal(future.closed, null);
    await future.close();

    from = a1.outputBytes;
    a1.type('echo survivor-$((5*5))\r');
    await a1.waitForText('echo on the socket that stayed open', /^survivor-25\r?$/m, from);
    assert.equal(a1.closed, null);
    assert.equal(sandboxIdOfA(), containerIdA, 'the sandbox was not replaced');
    assert.deepEqual((await server.service.driver.list()).map((s) => s.id), [containerIdA]);
    assert.equal((await docker.getContainer(containerIdA).inspect()).State.Running, true);
  });

  test('a message over maxPayload closes that socket with 1009; the sandbox survives', async () => {
    assert.equal(config.maxPayloadBytes, 64 * KiB);
    const s = await TerminalSocket.open(server.url, headersA);
    await s.waitForHello();
    const big = Buffer.alloc(config.maxPayloadBytes + 1, 0x61);
    big[0] = FrameType.INPUT;
    s.send(big);
    const closed = await within('close after an oversized message', s.whenClosed, 5_000);
    assert.equal(closed.code, 1009);
    await waitFor('the server to drop the oversized socket', () => socketsOfA() === 1, 5_000);
    const from = a1.outputBytes;
    a1.type('echo big-survivor-$((2+2))\r');
    await a1.waitForText('echo after the oversized message', /^big-survivor-4\r?$/m, from);
    // None of the oversized input reached the shell.
    assert.doesNotMatch(a1.text(from), /aaaa/);
    assert.equal(sandboxIdOfA(), containerIdA);
  });

  test('reconnect: a new socket is reattached to the same sandbox and replays recent output', async () => {
    const marker = randomBytes(4).toString('hex');
    const from = a1.outputBytes;
    a1.type(`echo marker-$((1+1))-${marker}\r`);
    await a1.waitForText('the marker', new RegExp(`^marker-2-${marker}\\r?$`, 'm'), from);
    await a1.close();
    await waitFor('the session to have no clients', () => socketsOfA() === 0, 5_000);

    const a2 = await TerminalSocket.open(server.url, headersA);
    const hello = await a2.waitForHello();
    assert.equal(hello.reattached, true);
    assert.equal(hello.sandboxId, sandboxIdA);
    assert.ok(hello.replayBytes > 0, 'some output is replayed');
    await waitFor('the replay', () => a2.outputBytes >= hello.replayBytes, 5_000);
    const replay = a2.outputs[0]?.data;
    assert.ok(replay);
    assert.equal(replay.length, hello.replayBytes, 'the replay arrives as one frame of replayBytes');
    assert.match(replay.toString('utf8'), new RegExp(`marker-2-${marker}`));
    assert.equal(sandboxIdOfA(), containerIdA);
    await a2.close();
  });

  test('flow control: a socket that never acks gets a bounded amount of a flood; acking brings Ctrl-C back fast', async (t) => {
    await waitFor('learner A to have no sockets', () => socketsOfA() === 0, 5_000);
    const flood = await TerminalSocket.open(server.url, headersA, { autoAck: false });
    const hello = await flood.waitForHello();
    await waitFor('the replay', () => flood.outputBytes >= hello.replayBytes, 5_000);

    let from = flood.outputBytes;
    flood.type('echo ready-$((9+9))\r');
    await flood.waitForText('a prompt before the flood', /^ready-18\r?\n(.*\n)*.*root@sandbox:~# $/m, from);

    const rssBefore = process.memoryUsage().rss;
    let rssMax = rssBefore;
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 50);
    try {
      const floodStart = performance.now();
      flood.type('yes drydock-flood\r');
      await sleep(3_000);
      const at3s = flood.outputBytes;
      await sleep(1_000);
      const at4s = flood.outputBytes;
      const floodBytes = at3s - from;
      t.diagnostic(`flood, no acks: ${at3s} bytes received after 3 s (${(at3s / KiB).toFixed(0)} KiB incl. ${hello.replayBytes} replay), +${at4s - at3s} bytes in the next second`);
      assert.ok(floodBytes > 64 * KiB, `the flood produced output (${floodBytes} bytes)`);
      assert.ok(at3s > config.flowHighWaterBytes, `the server sends up to the high-water mark before pausing (${at3s})`);
      assert.ok(at3s < 4 * MiB, `unacked output is bounded: ${at3s} bytes`);
      assert.ok(at3s < config.flowHighWaterBytes + config.batchMaxBytes + 512 * KiB, `unacked output stays near high water + one batch: ${at3s} bytes`);
      assert.ok(at4s - at3s < 512 * KiB, `the flood stopped growing: +${at4s - at3s} bytes`);
      assert.equal(at4s - at3s, 0, 'nothing at all arrives while paused');
      assert.equal(flood.closed, null);

      // Start acking what was rendered, then Ctrl-C.
      const ctrlCFrom = flood.outputBytes;
      flood.autoAck = true;
      const sentAt = performance.now();
      flood.ackAll();
      flood.type('\x03');
      await flood.waitForText('the prompt after Ctrl-C', /root@sandbox:~# $/, ctrlCFrom, 10_000);
      const promptAt = arrivalOf(flood, ctrlCFrom, /root@sandbox:~# $/);
      assert.ok(promptAt !== undefined, 'the arrival of the prompt is recorded');
      const latency = promptAt - sentAt;
      t.diagnostic(`Ctrl-C → prompt: ${latency.toFixed(0)} ms once acks flowed; ${flood.outputBytes - ctrlCFrom} bytes of backlog drained; flood ran ${((sentAt - floodStart) / 1000).toFixed(1)} s`);
      assert.ok(latency < 1_000, `the prompt came back ${latency.toFixed(0)} ms after Ctrl-C`);
    } finally {
      clearInterval(sampler);
    }
    const rssGrowth = rssMax - rssBefore;
    t.diagnostic(`RSS before the flood ${(rssBefore / MiB).toFixed(0)} MiB, peak ${(rssMax / MiB).toFixed(0)} MiB (+${(rssGrowth / MiB).toFixed(1)} MiB)`);
    assert.ok(rssGrowth < 100 * MiB, `server RSS grew by ${(rssGrowth / MiB).toFixed(1)} MiB during the flood`);

    from = flood.outputBytes;
    flood.type('echo after-flood-$((2*3))\r');
    await flood.waitForText('echo after the flood', /^after-flood-6\r?$/m, from);
    assert.equal(sandboxIdOfA(), containerIdA);
    await flood.close();
  });

  test('two learners get two sandboxes, and neither sees the other one\'s output', async () => {
    const b = await TerminalSocket.open(server.url, { Cookie: learnerB.cookie, Origin: server.origin });
    const helloB = await b.waitForHello(60_000);
    assert.equal(helloB.reattached, false);
    assert.notEqual(helloB.sandboxId, sandboxIdA);
    await b.waitForText('learner B\'s first prompt', PROMPT, 0, 60_000);

    const a = await TerminalSocket.open(server.url, headersA);
    const helloA = await a.waitForHello();
    assert.equal(helloA.sandboxId, sandboxIdA);

    const secretA = randomBytes(6).toString('hex');
    const secretB = randomBytes(6).toString('hex');
    let from = a.outputBytes;
    a.type(`echo secret-$((40+2))-${secretA}\r`);
    await a.waitForText('A\'s output', new RegExp(`^secret-42-${secretA}\\r?$`, 'm'), from);
    from = b.outputBytes;
    b.type(`echo bee-$((1+1))-${secretB}; hostname\r`);
    await b.waitForText('B\'s output', new RegExp(`^bee-2-${secretB}\\r?$`, 'm'), from);
    await sleep(300);
    assert.doesNotMatch(b.raw(), new RegExp(secretA), 'B never receives A\'s output');
    assert.doesNotMatch(a.raw(), new RegExp(secretB), 'A never receives B\'s output');

    const list = await server.service.driver.list();
    assert.equal(list.length, 2);
    const byLearner = new Map(list.map((s) => [s.learnerId, s.id]));
    assert.equal(byLearner.get(learnerA.id), containerIdA);
    const idB = byLearner.get(learnerB.id);
    assert.ok(idB);
    assert.notEqual(idB, containerIdA);
    assert.equal(idB.slice(0, 12), helloB.sandboxId);
    await a.close();
    await b.close();
  });

  test('a known control type with extra fields is that type (zod strips them): {"type":"reset","extra":…} resets the sandbox', async () => {
    const b = await TerminalSocket.open(server.url, { Cookie: learnerB.cookie, Origin: server.origin });
    const hello = await b.waitForHello();
    const idB = server.service.manager.sandboxIdOf(learnerB.id, 'dind');
    assert.ok(idB && idB.startsWith(hello.sandboxId));
    b.send(frameOf(FrameType.CONTROL, '{"type":"reset","extra":{"nested":true}}'));
    const closed = await within('close after reset', b.whenClosed, 15_000);
    assert.equal(closed.code, CloseCode.SHUTDOWN);
    const status = b.controls.filter((m) => m.type === 'status').at(-1);
    assert.equal(status?.type === 'status' && status.state, 'removed');
    await waitFor('B\'s container to be removed', async () => !(await server.service.driver.list()).some((s) => s.id === idB), 15_000);
    assert.equal(server.service.manager.sandboxIdOf(learnerB.id, 'dind'), undefined);
    assert.deepEqual((await server.service.driver.list()).map((s) => s.id), [containerIdA]);

    // The client reconnects after SHUTDOWN and gets a fresh sandbox.
    const again = await TerminalSocket.open(server.url, { Cookie: learnerB.cookie, Origin: server.origin });
    const fresh = await again.waitForHello(60_000);
    assert.equal(fresh.reattached, false);
    assert.notEqual(fresh.sandboxId, hello.sandboxId);
    await again.waitForText('the fresh sandbox\'s prompt', PROMPT, 0, 60_000);
    await again.close();
  });

  test('heartbeat: a socket that stops answering pings is terminated and leaves the session', async () => {
    const s = await TerminalSocket.open(server.url, headersA);
    await s.waitForHello();
    await waitFor('A\'s session to count the socket', () => socketsOfA() === 1, 5_000);
    // Stop reading: the client no longer sees pings, so it sends no pongs (a dead peer).
    const raw = (s.ws as unknown as { _socket: Socket })._socket;
    raw.pause();
    const stalledAt = Date.now();
    await waitFor('the server to terminate the silent socket', () => socketsOfA() === 0, 4 * config.heartbeatMs + 2_000);
    const took = Date.now() - stalledAt;
    assert.ok(took <= 2 * config.heartbeatMs + 500, `terminated ${took} ms after the pongs stopped (heartbeat ${config.heartbeatMs} ms)`);
    raw.resume();
    const closed = await within('the client to notice', s.whenClosed, 5_000);
    assert.equal(closed.code, 1006, 'terminate() drops the connection without a close frame');
    assert.equal(server.service.manager.sandboxIdOf(learnerA.id, 'dind'), containerIdA, 'the sandbox is untouched');
  });
});
