import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { loadSandboxServerConfig, type SandboxServerConfig } from '../src/config/config';
import { DockerClassRegistryBackend } from '../src/engine/docker/registry-services';
import { DockerDriver } from '../src/engine/docker/docker';
import type { SandboxSpec } from '../src/engine/driver';
import { sandboxEngine } from '../src/engine/docker/isolation/tier';
import { Label } from '../src/engine/docker/labels';
import type { ServerControl } from '../../protocol';
import type { TerminalClient } from '../src/terminal/terminal-client';

/**
 * The engine the test driver uses (DockerDriver's default: Drydock's own
 * engine in the hardened tier unless DOCKER_HOST says otherwise), so a test
 * checks and cleans up where its sandboxes are. Fails the test run loudly
 * when no engine answers: these tests never skip.
 */
export async function requireDocker(): Promise<Docker> {
  const docker = sandboxEngine();
  try {
    await docker.ping();
  } catch (error) {
    throw new Error(`This test needs a running Docker Engine and none answers (${(error as Error).message}). Start one: sudo dockerd &`);
  }
  return docker;
}

export function sandboxImage(): string {
  return process.env.DRYDOCK_SANDBOX_IMAGE ?? 'drydock/sandbox:latest';
}

/** The class registry image (scripts/images/ensure-images.sh builds it). */
export function registryImage(): string {
  return process.env.DRYDOCK_REGISTRY_IMAGE ?? 'drydock/registry:latest';
}

/** A config with a server id of its own, so tests never touch real sandboxes or each other's. */
export function testConfig(overrides: Partial<SandboxServerConfig> = {}): SandboxServerConfig {
  const base = loadSandboxServerConfig(`test-${randomBytes(4).toString('hex')}`, { NODE_ENV: 'test', DRYDOCK_SANDBOX_IMAGE: sandboxImage() });
  // No self-paced warm pool unless a test asks for one: it would start a sandbox in every test's server and take a place.
  return { ...base, selfPacedWarm: { min: 0, max: 0, windowMinutes: 10 }, ...overrides, limits: { ...base.limits, ...overrides.limits } };
}

export function testDriver(config: SandboxServerConfig): DockerDriver {
  return new DockerDriver({ image: config.image, serverId: config.serverId, isolatedNetwork: config.isolatedNetwork, subnets: config.sandboxSubnets });
}

/** Class registries on the test driver's engine, labelled with the config's server id (what SandboxService.classRegistries is). */
export function testRegistryBackend(config: SandboxServerConfig, driver: DockerDriver = testDriver(config)): DockerClassRegistryBackend {
  return new DockerClassRegistryBackend(driver.docker, config.serverId);
}

/** What carries a label, per kind (a test's "nothing left behind" is all zeros). */
export async function countLabelled(docker: Docker, label: string): Promise<{ containers: number; networks: number; volumes: number }> {
  const filters = { label: [label] };
  return {
    containers: (await docker.listContainers({ all: true, filters })).length,
    networks: (await docker.listNetworks({ filters })).length,
    volumes: ((await docker.listVolumes({ filters })).Volumes ?? []).length,
  };
}

/** Removes every container, network and volume labelled with this server id; returns what is left (should be zeros). */
export async function cleanupServer(docker: Docker, serverId: string): Promise<{ containers: number; networks: number; volumes: number }> {
  const label = `${Label.server}=${serverId}`;
  const filters = { label: [label] };
  for (const c of await docker.listContainers({ all: true, filters })) {
    await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  }
  for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => undefined);
  return countLabelled(docker, label);
}

const ANSI = /\x1b\[[0-9;?]*[a-zA-Z]|\x1b\][^\x07]*\x07/g;
export const stripAnsi = (s: string): string => s.replace(ANSI, '');

/** A TerminalClient that records what the session sends it. */
export class RecordingClient implements TerminalClient {
  output = '';
  controls: ServerControl[] = [];
  closed: { code: number; reason: string } | null = null;
  sendOutput(data: Buffer): void {
    this.output += data.toString('utf8');
  }
  sendControl(message: ServerControl): void {
    this.controls.push(message);
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
  text(): string {
    return stripAnsi(this.output);
  }
}

export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 20_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Collects a raw terminal stream's output. */
export function collect(stream: Duplex): { text(): string } {
  let out = '';
  stream.on('data', (c: Buffer) => (out += c.toString('utf8')));
  return { text: () => stripAnsi(out) };
}

/** The sandbox prompt, after the inner engine is ready. */
export const PROMPT = /root@sandbox:~# $/m;

// ---------------------------------------------------------------------------
// Terminal WebSocket helpers (a real sandbox-server over HTTP, and a `ws`
// client that plays the browser). Used by *.integration.test.ts.
// ---------------------------------------------------------------------------
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { WebSocket } from 'ws';
import { openDataDir, type DataDir } from '../../lib/config/data-dir';
import { LEARNER_COOKIE, newLearnerId, signLearnerCookie } from '../../lib/identity/learner-identity';
import { FrameType, decodeServerFrame, encodeAck, type ServerControl as ServerControlMessage } from '../../protocol';
import { silentLogger } from '../../lib/logging/logger';
import { startSandboxService, type SandboxService } from '../src/sandbox-service';
import { TERMINAL_PATH } from '../src/websocket/upgrade';
import { removeEverySandbox } from './sandboxes';

export interface TestSandboxServer {
  data: DataDir;
  service: SandboxService;
  http: HttpServer;
  port: number;
  /** ws://127.0.0.1:<port>/ws/terminal */
  url: string;
  /** The page's own origin (what a browser sends as Origin). */
  origin: string;
  /** A fresh learner: its id and the signed cookie header value. */
  newLearner(): { id: string; cookie: string };
  /** Removes every sandbox, detaches, stops listening and deletes the data dir. */
  close(): Promise<void>;
}

/** Stands up the sandbox service behind a plain HTTP server on 127.0.0.1, as the platform server does. */
export async function startTestSandboxServer(
  config: SandboxServerConfig,
  env: Record<string, string> = {},
  options: { environmentMachines?: (name: string) => number | undefined } = {},
): Promise<TestSandboxServer> {
  const dir = mkdtempSync(joinPath(tmpdir(), 'drydock-itest-'));
  const data = openDataDir(dir);
  const service = await startSandboxService(data, {
    config,
    log: silentLogger,
    env: { NODE_ENV: 'test', DRYDOCK_SANDBOX_IMAGE: config.image, ...env },
    // Stands in for the platform's instructor cookie in tests.
    authorizeWatch: (req) => req.headers['x-test-instructor'] === TEST_INSTRUCTOR_TOKEN,
    environmentMachines: options.environmentMachines,
  });
  const http = createHttpServer((_, res) => res.writeHead(404).end());
  http.on('upgrade', (req, socket, head) => {
    if (!service.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    data,
    service,
    http,
    port,
    url: `ws://127.0.0.1:${port}${TERMINAL_PATH}`,
    origin: `http://127.0.0.1:${port}`,
    newLearner() {
      const id = newLearnerId();
      return { id, cookie: `${LEARNER_COOKIE}=${signLearnerCookie(data.cookieSecret, id)}` };
    },
    async close() {
      service.close();
      await removeEverySandbox(service.manager, service.driver);
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The header value startTestSandboxServer accepts as instructor rights on /ws/watch. */
export const TEST_INSTRUCTOR_TOKEN = 'test-instructor';

/** Result of an upgrade attempt: the HTTP status of a refusal, or an open socket. */
export type UpgradeOutcome = { refused: number; body: string; headers: Record<string, string | string[] | undefined> } | { socket: TerminalSocket };

/** A browser stand-in on the terminal WebSocket: decodes frames, records output and controls, acks like xterm.js (unless told not to). */
export class TerminalSocket {
  readonly controls: ServerControlMessage[] = [];
  /** OUTPUT payloads in arrival order, with the time each arrived. */
  readonly outputs: { at: number; data: Buffer }[] = [];
  outputBytes = 0;
  ackedBytes = 0;
  /** Frames that did not decode (should stay empty). */
  readonly badFrames: string[] = [];
  closed: { code: number; reason: string } | null = null;
  readonly whenClosed: Promise<{ code: number; reason: string }>;

  constructor(
    readonly ws: WebSocket,
    /** Ack every OUTPUT payload as it arrives (what the real client does from term.write's callback). */
    public autoAck = true,
  ) {
    this.whenClosed = new Promise((resolve) => {
      ws.on('close', (code: number, reason: Buffer) => {
        this.closed = { code, reason: reason.toString('utf8') };
        resolve(this.closed);
      });
    });
    ws.on('message', (raw: Buffer, isBinary: boolean) => {
      if (!isBinary) {
        this.badFrames.push(`text frame: ${raw.toString('utf8').slice(0, 80)}`);
        return;
      }
      try {
        const frame = decodeServerFrame(raw);
        if (frame.type === 'output') {
          const data = Buffer.from(frame.data);
          this.outputs.push({ at: performance.now(), data });
          this.outputBytes += data.length;
          if (this.autoAck) this.ackAll();
        } else if (frame.type === 'control') {
          this.controls.push(frame.message);
        }
      } catch (error) {
        this.badFrames.push((error as Error).message);
      }
    });
  }

  /** Opens a socket; resolves with the refusal status or the open socket. */
  static connect(url: string, headers: Record<string, string>, options: { autoAck?: boolean } = {}): Promise<UpgradeOutcome> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers, perMessageDeflate: false });
      const socket = new TerminalSocket(ws, options.autoAck ?? true);
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve({ refused: res.statusCode ?? 0, body, headers: res.headers }));
        res.on('error', () => resolve({ refused: res.statusCode ?? 0, body, headers: res.headers }));
      });
      ws.on('open', () => resolve({ socket }));
      ws.on('error', (error) => reject(error));
    });
  }

  /** Opens a socket that must be accepted. */
  static async open(url: string, headers: Record<string, string>, options: { autoAck?: boolean } = {}): Promise<TerminalSocket> {
    const outcome = await TerminalSocket.connect(url, headers, options);
    if ('refused' in outcome) assert.fail(`terminal socket refused with HTTP ${outcome.refused}: ${outcome.body}`);
    return outcome.socket;
  }

  /** Raw output so far, decoded as UTF-8 (from byte `from` on). */
  raw(from = 0): string {
    return Buffer.concat(this.outputs.map((o) => o.data)).subarray(from).toString('utf8');
  }

  /** Output so far without ANSI sequences (from byte `from` on). */
  text(from = 0): string {
    return stripAnsi(this.raw(from));
  }

  send(frame: Uint8Array | string): void {
    this.ws.send(frame);
  }

  /** Sends what the learner types as an INPUT frame. */
  type(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    const frame = Buffer.alloc(bytes.length + 1);
    frame[0] = FrameType.INPUT;
    bytes.copy(frame, 1);
    this.ws.send(frame);
  }

  /** Acks every output byte received and not yet acked. */
  ackAll(): void {
    const owed = this.outputBytes - this.ackedBytes;
    if (owed <= 0 || this.ws.readyState !== this.ws.OPEN) return;
    this.ackedBytes = this.outputBytes;
    this.ws.send(encodeAck(owed));
  }

  hello(): Extract<ServerControlMessage, { type: 'hello' }> {
    const hello = this.controls.find((m): m is Extract<ServerControlMessage, { type: 'hello' }> => m.type === 'hello');
    assert.ok(hello, `no hello yet; controls: ${JSON.stringify(this.controls)}`);
    return hello;
  }

  async waitForHello(timeoutMs = 60_000): Promise<Extract<ServerControlMessage, { type: 'hello' }>> {
    await waitFor('the hello control message', () => this.controls.some((m) => m.type === 'hello') || this.closed !== null, timeoutMs);
    if (this.closed) assert.fail(`socket closed before hello: ${JSON.stringify(this.closed)}; controls: ${JSON.stringify(this.controls)}`);
    return this.hello();
  }

  /** Waits until the output from byte `from` on matches. */
  async waitForText(what: string, pattern: RegExp, from = 0, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.text(from))) {
      if (Date.now() > deadline) {
        assert.fail(`timed out after ${timeoutMs} ms waiting for ${what} (${pattern}); output tail: ${JSON.stringify(this.text(from).slice(-300))}; closed: ${JSON.stringify(this.closed)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): Promise<{ code: number; reason: string }> {
    if (!this.closed) this.ws.close(1000, 'test done');
    return this.whenClosed;
  }
}

/**
 * A ready sandbox for grading tests: create → attach → start, wait until the
 * inner engine is up and the prompt shows, then detach. Returns the container id.
 */
export async function startReadySandbox(
  driver: DockerDriver,
  config: SandboxServerConfig,
  learnerId: string,
  sessionSuffix: string,
  extra: Pick<SandboxSpec, 'registry' | 'classId' | 'machine'> = {},
): Promise<string> {
  const info = await driver.create({ learnerId, profile: 'dind', sessionId: `${config.serverId}-${sessionSuffix}`.slice(0, 60), expiresAt: Date.now() + 3_600_000, limits: config.limits, ...extra });
  const stream = await driver.attach(info.id);
  const out = collect(stream);
  await driver.start(info.id);
  // A lab machine's prompt names its host (root@node2:~#).
  const prompt = extra.machine ? new RegExp(`root@${extra.machine.hostname}:~# $`, 'm') : PROMPT;
  await waitFor('the sandbox prompt', () => prompt.test(out.text()), 90_000);
  stream.destroy();
  return info.id;
}
