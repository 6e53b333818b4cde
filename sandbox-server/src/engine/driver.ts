import type { Duplex } from 'node:stream';
import type { TerminalSize } from '../../../protocol';
import type { InnerEngine } from './inner-engine';

/**
 * The seam between session logic and the container backend. SessionManager
 * only talks to this interface, so a Kubernetes or microVM backend can be
 * added later, and unit tests can use an in-memory fake.
 */

/** Limits the engine applies to every sandbox (sandbox-server/src/config reads them from the environment). */
export interface SandboxLimits {
  /** Memory limit per sandbox, bytes; swap is disabled. [DRYDOCK_SANDBOX_MEMORY_MB] default 1536 MiB */
  memoryBytes: number;
  /** CPU limit per sandbox, in CPUs. [DRYDOCK_SANDBOX_CPUS] default 1 */
  cpus: number;
  /** Maximum processes in the sandbox, inner containers included. [DRYDOCK_SANDBOX_PIDS] default 1024 */
  pids: number;
  /** An unattended sandbox (no socket, no input) is removed after this. [DRYDOCK_IDLE_MINUTES] default 30 */
  idleTimeoutMs: number;
  /** A sandbox is removed this long after creation, attended or not. [DRYDOCK_LIFETIME_MINUTES] default 240 */
  maxLifetimeMs: number;
}

export interface SandboxSpec {
  learnerId: string;
  /**
   * Which environment of the learner this is (protocol/environment.ts): one
   * sandbox per learner per environment. A warm sandbox is made for the bare
   * profile (`dind`) and takes its environment when claimed (update()).
   */
  profile: string;
  /** Random, unguessable id of this sandbox's session. */
  sessionId: string;
  expiresAt: number;
  limits: SandboxLimits;
  /** The class the sandbox belongs to: labels it and everything made for it, so ending the class finds them. */
  classId?: string;
  /** Started ahead of time for this warm pool, with no learner yet (learnerId is ''). */
  pool?: string;
  /** Registries the sandbox's inner engine uses (a class registry); none when absent. */
  registry?: SandboxRegistryAccess;
  /** One machine of a multi-machine lab; absent for an ordinary sandbox with a network of its own. */
  machine?: SandboxMachine;
}

/**
 * A machine of a lab: sandboxes with the same `lab` share one private network
 * (and only they do), each reachable there by its `hostname`, which is also
 * its own hostname. The lab id must be unique to one learner's lab: it is the
 * whole of what puts machines together.
 */
export interface SandboxMachine {
  /** Letters, digits, `_`, `.`, `-` (at most 64). */
  lab: string;
  /** One DNS label, e.g. `node1`. */
  hostname: string;
}

/**
 * What a sandbox needs from a class registry (sandbox-server/src/registry/class-registry.ts
 * implements it): addresses for the inner engine's daemon.json, and a way to
 * make them reachable from the sandbox's own network.
 */
export interface SandboxRegistryAccess {
  /** The inner engine's `registry-mirrors` entry, e.g. http://drydock-mirror:5000 (also made insecure). */
  mirrorUrl: string;
  /** More host:port the inner engine may use over plain HTTP, e.g. drydock-registry:5000. */
  insecureRegistries: string[];
  /** Called with the sandbox's network (SandboxInfo.network) before the sandbox starts: attach the registries to it. */
  connect(network: string): Promise<void>;
}

export interface SandboxInfo {
  /** Backend id (the full container id for Docker). */
  id: string;
  learnerId: string;
  profile: string;
  sessionId: string;
  createdAt: number;
  expiresAt: number;
  running: boolean;
  classId?: string;
  /** Set on a warm sandbox until a learner claims it. */
  pool?: string;
  /** When a sandbox that is not running stopped (epoch ms): a parked environment's age. Set by inspect() only. */
  stoppedAt?: number;
  /** The backend's name of the sandbox's own network, when it has one (what a class registry joins); a lab machine's is its lab's. */
  network?: string;
  /** Set on a lab machine (read back from the backend, so a restarted server can regroup a lab). */
  machine?: SandboxMachine;
}

export interface ExecOptions {
  /** Written to the process's stdin, then stdin is closed. */
  stdin?: string;
  /** After this the exec is reported as timed out, and its processes in the sandbox are ended (its children too). */
  timeoutMs: number;
  env?: string[];
  /** Output kept per stream, bytes; more is dropped and reported as `outputTruncated` (a program in the sandbox cannot fill the server's memory). default unlimited */
  maxOutputBytes?: number;
}

export interface ExecResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
  /** Set when stdout or stderr passed ExecOptions.maxOutputBytes and was cut there. */
  outputTruncated?: boolean;
}

/** A file read from a sandbox's filesystem by the backend (not by a program in the sandbox). */
export type SandboxFile =
  | { kind: 'file'; content: Buffer; size: number; truncated: boolean }
  | { kind: 'missing' }
  | { kind: 'not-a-file'; type: string };

/**
 * An extra interactive shell in a running sandbox (a TTY exec: what
 * `docker exec -it <sandbox> bash -l` gives). Its stream is the shell's
 * terminal, raw (a TTY has no stdout/stderr apart): what is written is
 * typed, what is read is shown. The stream closes when the shell exits.
 */
export interface SandboxShell {
  readonly stream: Duplex;
  /** Sets the shell's terminal size. */
  resize(size: TerminalSize): Promise<void>;
  /** Ends the shell's processes (its children too) and closes the stream. Best effort, never throws; idempotent. */
  kill(): Promise<void>;
}

/** One entry of a sandbox folder, as listDirectory() reports it. */
export interface SandboxDirEntry {
  /** The entry's own name (no slash; never "." or ".."). */
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  /** For a symlink: what it leads to inside the sandbox ('missing' for a dangling link). */
  target?: 'file' | 'directory' | 'missing' | 'other';
  /** Bytes (for a file). */
  size: number;
}

export type SandboxListing =
  | { kind: 'directory'; entries: SandboxDirEntry[]; truncated: boolean }
  | { kind: 'missing' }
  | { kind: 'not-a-directory' };

/** What writeFile() did. */
export type SandboxWrite =
  | { kind: 'written'; path: string; size: number; created: boolean }
  /** The path (after symlinks) is a folder or a device, or its parent is not a folder. */
  | { kind: 'not-a-file'; type: string }
  /** That part of the sandbox cannot be written (the hardened tier's root filesystem is read-only outside its writable folders). */
  | { kind: 'read-only' };

/** The facts update() records for good. */
export interface SandboxRecord {
  learnerId: string;
  expiresAt: number;
  /** The environment a warm sandbox was claimed for (its profile until then). */
  profile?: string;
}

export interface SandboxDriver {
  /** Creates (does not start) a sandbox. */
  create(spec: SandboxSpec): Promise<SandboxInfo>;
  /** Attaches to the sandbox's terminal; call before start() so no output is lost. */
  attach(id: string): Promise<Duplex>;
  start(id: string): Promise<void>;
  resize(id: string, size: TerminalSize): Promise<void>;
  exec(id: string, cmd: string[], options: ExecOptions): Promise<ExecResult>;
  /** Starts another login shell in the (running) sandbox, with a terminal of its own. */
  openShell(id: string): Promise<SandboxShell>;
  /**
   * Stops the sandbox and keeps everything it wrote: its files, its inner
   * engine's images and volumes, its shell history (a parked environment).
   * start() brings it back; its processes start afresh. Idempotent.
   */
  stop(id: string): Promise<void>;
  /** Removes the sandbox and everything created for it (network, volumes; a lab's network with its last machine). Idempotent. */
  remove(id: string): Promise<void>;
  /** Sandboxes this server created, running or not. */
  list(): Promise<SandboxInfo[]>;
  inspect(id: string): Promise<SandboxInfo>;
  /**
   * A client for the sandbox's inner Docker engine that does not go through
   * any program inside the sandbox (the grader's Docker-state checks).
   */
  innerEngine(id: string): Promise<InnerEngine>;
  /**
   * Records durable facts that change after creation: which learner claimed a
   * warm sandbox, a lifetime the instructor extended.
   */
  update(id: string, record: SandboxRecord): Promise<void>;
  /** Reads a file of the sandbox (symlinks resolved inside the sandbox), at most maxBytes of it. */
  readFile(id: string, path: string, maxBytes: number): Promise<SandboxFile>;
  /**
   * TCP ports something listens on in the sandbox's own network namespace
   * (a learner's server, or a port an inner `docker run -p` published), ascending.
   */
  listeningPorts(id: string): Promise<number[]>;
  /**
   * A byte connection to 127.0.0.1:port inside the sandbox, made without any
   * host port or host route into the sandbox's network (the web preview).
   * The Duplex ends when the far side closes; destroy it to hang up.
   */
  openPort(id: string, port: number): Promise<Duplex>;
  /**
   * The entries of a sandbox folder (symlinks resolved inside the sandbox),
   * at most maxEntries of them. What a program in the sandbox reports is
   * parsed strictly: a learner can make their own listing wrong, never the server.
   */
  listDirectory(id: string, path: string, maxEntries: number): Promise<SandboxListing>;
  /**
   * A folder of the sandbox as a tar stream, read by the backend (running or
   * parked: a stopped sandbox's files are read too). An instructor's export.
   */
  exportFolder(id: string, path: string): Promise<NodeJS.ReadableStream>;
  /**
   * Writes a whole file into the sandbox through the backend (not through a
   * program in it), symlinks resolved inside the sandbox: owned by the
   * sandbox's root, keeping the mode of the file it replaces (0644 for a new
   * one). Missing parent folders are made.
   */
  writeFile(id: string, path: string, content: Buffer): Promise<SandboxWrite>;
}
