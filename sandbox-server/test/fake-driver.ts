import { pack as tarPack } from 'tar-stream';
import { connect } from 'node:net';
import { Duplex, Readable, Writable } from 'node:stream';
import type { TerminalSize } from '../../protocol';
import { posix } from 'node:path';
import type { ExecOptions, ExecResult, SandboxDirEntry, SandboxDriver, SandboxFile, SandboxInfo, SandboxListing, SandboxRecord, SandboxShell, SandboxSpec, SandboxWrite } from '../src/engine/driver';
import { EngineUnavailableError, SandboxNotFoundError } from '../src/engine/errors';
import type { InnerEngine } from '../src/engine/inner-engine';

/**
 * The terminal stream of a fake sandbox. What the session writes (keystrokes)
 * is recorded; the test plays the container's side with `output()` and
 * `exit()` (the main process ended, so the engine closes the attach stream).
 */
export class FakeTerminalStream extends Duplex {
  /** Every chunk written by the session, in order. */
  readonly writes: Buffer[] = [];

  constructor(private readonly echo: boolean) {
    super();
  }

  override _read(): void {
    // Output is pushed by the test through output().
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writes.push(Buffer.from(chunk));
    if (this.echo) this.push(Buffer.from(chunk));
    callback();
  }

  /** Everything written so far, as one string. */
  get written(): string {
    return Buffer.concat(this.writes).toString();
  }

  /** The container prints something. */
  output(data: string | Buffer): void {
    this.push(typeof data === 'string' ? Buffer.from(data) : data);
  }

  /** The container's main process exits: the stream ends on both sides and then closes. */
  exit(): void {
    this.push(null);
    this.end();
  }
}

export interface FakeDriverOptions {
  /** Echo everything written to a stream back as output (like a tty in cooked mode). default false */
  echo?: boolean;
  /** The label this server puts on its sandboxes; list() only returns sandboxes with it. default 'test' */
  serverId?: string;
  /**
   * Files readFile() and listDirectory() find, by path (the same in every fake
   * sandbox; writeFile() adds to it). Folders are implied by the paths; a
   * path ending in "/" is an empty folder.
   */
  files?: Record<string, string>;
  /** What exec() returns. */
  execResult?: Partial<ExecResult> | ((id: string, cmd: string[], options: ExecOptions) => Partial<ExecResult>);
}

/** An extra shell of a fake sandbox (openShell): its terminal, its sizes, and whether it was killed. */
export class FakeShell implements SandboxShell {
  readonly resizes: TerminalSize[] = [];
  killed = false;

  constructor(
    readonly sandboxId: string,
    readonly stream: FakeTerminalStream,
  ) {}

  async resize(size: TerminalSize): Promise<void> {
    await Promise.resolve();
    this.resizes.push(size);
  }

  async kill(): Promise<void> {
    await Promise.resolve();
    this.killed = true;
    if (!this.stream.destroyed) this.stream.exit();
  }
}

interface FakeSandbox {
  info: SandboxInfo;
  serverId: string;
}

let nextId = 1;

/** A 64-hex container-like id whose first 12 characters (the short id) are unique. */
export function fakeSandboxId(): string {
  return (nextId++).toString(16).padStart(12, '0') + 'f'.repeat(52);
}

/** An in-memory SandboxDriver for unit tests: records every call and lets the test drive the terminal. */
export class FakeDriver implements SandboxDriver {
  /** Every call in order, as "method:id" (create as "create:learnerId"). */
  readonly calls: string[] = [];
  readonly created: SandboxSpec[] = [];
  readonly started: string[] = [];
  readonly attached: string[] = [];
  readonly removed: string[] = [];
  readonly resizes: { id: string; size: TerminalSize }[] = [];
  readonly execs: { id: string; cmd: string[]; options: ExecOptions }[] = [];
  /** Every stream handed out by attach(), per sandbox id, oldest first. */
  readonly streams = new Map<string, FakeTerminalStream[]>();
  /** Every extra shell opened (openShell), oldest first. */
  readonly shells: FakeShell[] = [];
  /** Make the next attach() calls fail with this error (consumed one per call). */
  readonly attachFailures: Error[] = [];
  private readonly sandboxes = new Map<string, FakeSandbox>();
  private readonly serverId: string;

  constructor(private readonly options: FakeDriverOptions = {}) {
    this.serverId = options.serverId ?? 'test';
  }

  /** Puts a sandbox in the backend as if an earlier run (or another server) had created it. */
  seed(info: Partial<SandboxInfo> & Pick<SandboxInfo, 'learnerId'>, serverId = this.serverId): SandboxInfo {
    const now = Date.now();
    const full: SandboxInfo = {
      id: fakeSandboxId(),
      profile: 'dind',
      sessionId: `seeded${nextId}`,
      createdAt: now,
      expiresAt: now + 60 * 60_000,
      running: true,
      ...info,
    };
    this.sandboxes.set(full.id, { info: full, serverId });
    return { ...full };
  }

  /** Whether the backend still has this sandbox. */
  has(id: string): boolean {
    return this.sandboxes.has(id);
  }

  /** The newest stream attached to a sandbox. */
  stream(id: string): FakeTerminalStream {
    const stream = this.streams.get(id)?.at(-1);
    if (!stream) throw new Error(`no stream was attached to ${id}`);
    return stream;
  }

  count(calls: readonly string[], id: string): number {
    return calls.filter((c) => c === id).length;
  }

  async create(spec: SandboxSpec): Promise<SandboxInfo> {
    await Promise.resolve();
    this.calls.push(`create:${spec.learnerId}`);
    this.created.push(spec);
    const info: SandboxInfo = {
      id: fakeSandboxId(),
      learnerId: spec.learnerId,
      profile: spec.profile,
      sessionId: spec.sessionId,
      createdAt: Date.now(),
      expiresAt: spec.expiresAt,
      running: false,
      classId: spec.classId,
      pool: spec.pool,
    };
    info.network = `fake-net-${info.id.slice(0, 12)}`;
    this.sandboxes.set(info.id, { info, serverId: this.serverId });
    // Like the Docker driver: the registry joins the sandbox's (here pretend) network before start.
    if (spec.registry) await spec.registry.connect(info.network);
    return { ...info };
  }

  async attach(id: string): Promise<Duplex> {
    await Promise.resolve();
    this.calls.push(`attach:${id}`);
    this.attached.push(id);
    const failure = this.attachFailures.shift();
    if (failure) throw failure;
    this.require(id);
    const stream = new FakeTerminalStream(this.options.echo ?? false);
    const list = this.streams.get(id) ?? [];
    list.push(stream);
    this.streams.set(id, list);
    return stream;
  }

  async start(id: string): Promise<void> {
    await Promise.resolve();
    this.calls.push(`start:${id}`);
    const sandbox = this.require(id);
    sandbox.info = { ...sandbox.info, running: true, stoppedAt: undefined };
    this.started.push(id);
  }

  async resize(id: string, size: TerminalSize): Promise<void> {
    await Promise.resolve();
    this.require(id);
    this.resizes.push({ id, size });
  }

  async exec(id: string, cmd: string[], options: ExecOptions): Promise<ExecResult> {
    await Promise.resolve();
    this.require(id);
    this.execs.push({ id, cmd, options });
    const scripted = typeof this.options.execResult === 'function' ? this.options.execResult(id, cmd, options) : this.options.execResult;
    return { exitCode: 0, stdout: '', stderr: '', timedOut: false, durationMs: 1, ...scripted };
  }

  async openShell(id: string): Promise<SandboxShell> {
    await Promise.resolve();
    this.calls.push(`openShell:${id}`);
    this.require(id);
    const shell = new FakeShell(id, new FakeTerminalStream(this.options.echo ?? false));
    this.shells.push(shell);
    return shell;
  }

  async update(id: string, record: SandboxRecord): Promise<void> {
    await Promise.resolve();
    const sandbox = this.require(id);
    this.calls.push(`update:${id}`);
    sandbox.info = { ...sandbox.info, learnerId: record.learnerId, expiresAt: record.expiresAt, pool: undefined, profile: record.profile ?? sandbox.info.profile };
  }

  readonly stopped: string[] = [];

  /** The fake's files under `path`, as a tar stream (tar-stream, as the Docker driver's archive is a tar). */
  async exportFolder(id: string, path: string): Promise<NodeJS.ReadableStream> {
    await Promise.resolve();
    this.require(id);
    const pack = tarPack();
    const prefix = path.endsWith('/') ? path : `${path}/`;
    for (const [file, text] of Object.entries(this.options.files ?? {})) {
      if (file.startsWith(prefix)) pack.entry({ name: file.slice(1) }, text);
    }
    pack.finalize();
    return pack;
  }

  /** Like Docker: the sandbox stops, keeps what it wrote, and its terminal stream ends; inspect() says when it stopped. */
  async stop(id: string): Promise<void> {
    await Promise.resolve();
    const sandbox = this.require(id);
    this.calls.push(`stop:${id}`);
    this.stopped.push(id);
    if (!sandbox.info.running) return;
    sandbox.info = { ...sandbox.info, running: false, stoppedAt: Date.now() };
    for (const stream of this.streams.get(id) ?? []) if (!stream.destroyed) stream.destroy();
    for (const shell of this.shells) if (shell.sandboxId === id && !shell.stream.destroyed) shell.stream.destroy();
  }

  async readFile(id: string, path: string, maxBytes: number): Promise<SandboxFile> {
    await Promise.resolve();
    this.require(id);
    const text = this.options.files?.[path];
    if (text === undefined) return this.isFolder(path) ? { kind: 'not-a-file', type: 'directory' } : { kind: 'missing' };
    const content = Buffer.from(text);
    return { kind: 'file', content: content.subarray(0, maxBytes), size: content.length, truncated: content.length > maxBytes };
  }

  /** Every writeFile() call, in order. */
  readonly writes: { id: string; path: string; content: string }[] = [];

  async listDirectory(id: string, path: string, maxEntries: number): Promise<SandboxListing> {
    await Promise.resolve();
    this.require(id);
    if (this.options.files?.[path] !== undefined) return { kind: 'not-a-directory' };
    if (!this.isFolder(path)) return { kind: 'missing' };
    const prefix = path === '/' ? '/' : `${path}/`;
    const entries = new Map<string, SandboxDirEntry>();
    for (const [file, text] of Object.entries(this.options.files ?? {})) {
      if (!file.startsWith(prefix) || file === prefix) continue;
      const [name, ...rest] = file.slice(prefix.length).split('/');
      if (!name) continue;
      entries.set(name, rest.length > 0 ? { name, type: 'directory', size: 0 } : { name, type: 'file', size: Buffer.byteLength(text) });
    }
    const all = [...entries.values()].sort((a, b) => Number(b.type === 'directory') - Number(a.type === 'directory') || a.name.localeCompare(b.name));
    return { kind: 'directory', entries: all.slice(0, maxEntries), truncated: all.length > maxEntries };
  }

  async writeFile(id: string, path: string, content: Buffer): Promise<SandboxWrite> {
    await Promise.resolve();
    this.require(id);
    if (this.isFolder(path)) return { kind: 'not-a-file', type: 'a folder' };
    const files = (this.options.files ??= {});
    const created = files[path] === undefined;
    files[path] = content.toString('utf8');
    this.writes.push({ id, path, content: content.toString('utf8') });
    return { kind: 'written', path, size: content.length, created };
  }

  private isFolder(path: string): boolean {
    const prefix = path === '/' ? '/' : `${path}/`;
    return path === '/' || Object.keys(this.options.files ?? {}).some((file) => file.startsWith(prefix) && posix.normalize(file) !== path);
  }

  async remove(id: string): Promise<void> {
    await Promise.resolve();
    this.calls.push(`remove:${id}`);
    this.removed.push(id);
    this.sandboxes.delete(id);
    for (const stream of this.streams.get(id) ?? []) if (!stream.destroyed) stream.destroy();
    // The sandbox's processes go with it, extra shells included.
    for (const shell of this.shells) if (shell.sandboxId === id && !shell.stream.destroyed) shell.stream.destroy();
  }

  async list(): Promise<SandboxInfo[]> {
    await Promise.resolve();
    return [...this.sandboxes.values()].filter((s) => s.serverId === this.serverId).map((s) => ({ ...s.info }));
  }

  /**
   * Ports of the fake sandboxes, each carried to a real TCP server of the
   * test (openPort connects there): port → address on this host.
   */
  readonly ports = new Map<number, { host: string; port: number }>();

  async listeningPorts(id: string): Promise<number[]> {
    await Promise.resolve();
    this.require(id);
    return [...this.ports.keys()].sort((a, b) => a - b);
  }

  async openPort(id: string, port: number): Promise<Duplex> {
    await Promise.resolve();
    this.require(id);
    this.calls.push(`openPort:${id}:${port}`);
    const target = this.ports.get(port);
    // Like the relay in a sandbox where nothing listens: the connection ends at once, with nothing said.
    if (!target) return Duplex.from({ readable: Readable.from([]), writable: new Writable({ write: (_c, _e, cb) => cb() }) });
    return connect(target.port, target.host);
  }

  /** The inner engine each sandbox answers with (a FakeInnerEngine serving recorded answers); none: the grader cannot reach one. */
  readonly innerEngines = new Map<string, InnerEngine>();

  async innerEngine(id: string): Promise<InnerEngine> {
    await Promise.resolve();
    this.require(id);
    const engine = this.innerEngines.get(id);
    if (!engine) throw new Error(`no inner engine answers in sandbox ${id}`);
    return engine;
  }

  async inspect(id: string): Promise<SandboxInfo> {
    await Promise.resolve();
    return { ...this.require(id).info };
  }

  /** While true, every call that reaches the engine fails as when it is not reachable (a dockerd restart). */
  engineAway = false;

  private require(id: string): FakeSandbox {
    if (this.engineAway) throw new EngineUnavailableError('Docker Engine is not reachable (ECONNREFUSED) in the fake');
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) throw new SandboxNotFoundError(`no such sandbox: ${id}`);
    return sandbox;
  }
}
