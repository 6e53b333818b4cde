import Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, openSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { Agent } from 'node:http';
import { createConnection, type Socket } from 'node:net';
import { INNER_ENGINE_START_COMMAND } from '../../../../protocol';
import { InnerEngineError } from '../errors';
import { listSocketListeners, openSocketFile, SOCKET_IN_SANDBOX, symlinkInPath, type FileId } from './engine-socket';
import { ImageFileHashes } from './image-files';
import { execMappings, loaderVariablesIn, startTimeOf, statusField, type ExecMapping } from './proc-files';
import { holdersOf, printable, SandboxView } from './sandbox-processes';

/**
 * The grader's client for a sandbox's inner engine, which proves before each
 * connection who answers on the sandbox's /run/docker.sock.
 *
 * The learner is root in the sandbox and may stop dockerd and serve anything
 * on that path: a fake API, a proxy, a dockerd of their own. So, from the host
 * (this server is root there; everything is read through the host's /proc):
 *
 *  1. The socket file is opened (O_PATH) and the connection is made through
 *     that descriptor (/proc/self/fd/N): renaming or replacing the file can
 *     not move a connection to another socket after the check.
 *  2. The listening socket bound to exactly that file (device and inode, as
 *     the kernel reports through `ss -e` in the sandbox's network namespace)
 *     is found, then the one process in the sandbox that holds it.
 *  3. That process must be the image's dockerd: its executable is
 *     /usr/sbin/dockerd with the same SHA-256 as that file in the sandbox's
 *     image (read through the outer engine from a never-started container of
 *     the image, not from the live sandbox); every executable mapping is a
 *     file whose content matches the same path in the image; it was started
 *     without LD_PRELOAD/LD_LIBRARY_PATH/LD_AUDIT, is not traced, and lives
 *     in the sandbox's own namespaces and root.
 *
 * A verified engine is remembered per socket file; later connections only
 * re-check that the same process (pid and start time) still holds the same
 * socket (two small /proc reads; its tracer and code mappings at most once a
 * second), and every answer is checked that way again once it has arrived.
 * What this cannot see is in README.md, "Grading".
 */

/** Where an image keeps dockerd (Debian's docker.io: /usr/sbin); the first the image has counts. */
const DOCKERD_PATHS = ['/usr/sbin/dockerd', '/usr/bin/dockerd', '/usr/local/bin/dockerd'];
/** Kernel mappings that hold code but no file. */
const KERNEL_CODE = new Set(['[vdso]', '[vsyscall]']);

/** What the learner does about a refused engine. */
const RESTART_HINT = `stop whatever serves /run/docker.sock and start the engine again: \`${INNER_ENGINE_START_COMMAND}\` (or Reset the sandbox)`;

/** The sandbox's engine is not the one Drydock started (or not one at all); the message says why and what to do. */
export class EngineIdentityError extends InnerEngineError {
  override readonly name = 'EngineIdentityError';
  constructor(reason: string) {
    super(reason, RESTART_HINT);
  }
}

const notDrydocks = (reason: string): EngineIdentityError => new EngineIdentityError(`the sandbox's Docker engine is not the one Drydock started: ${reason}`);

/** What the verifier needs about a running sandbox (from the outer engine's inspect). */
export interface SandboxRef {
  /** Host pid of the sandbox's init process. */
  pid: number;
  /** The sandbox's image id (sha256:…). */
  imageId: string;
}

/** A dockerd proven to serve one socket file, and what must stay the same for that to hold. */
interface VerifiedEngine {
  socketInode: number;
  /** Host pid and start time: together they name one process. */
  pid: number;
  startTime: string;
  /** Where the listening socket sits in its descriptor table. */
  fd: number;
  /** Its executable mappings when verified. */
  code: string;
  /** When its tracer and mappings were last read (performance.now()). */
  codeReadAt: number;
}

/**
 * How often a verified dockerd's tracer and mappings are read again. Alive and
 * holding its socket is checked on every connection and after every answer;
 * these two reads cost more (a Go process has ~120 mappings) and guard only
 * against writing into dockerd's memory, which a check at one moment cannot
 * rule out anyway (README, "Not defended").
 */
const CODE_RECHECK_MS = 1_000;

class EngineVerifier {
  /** "<sandbox pid> <dev>:<ino>" of a socket file → the engine proven to serve it. */
  private readonly verified = new Map<string, VerifiedEngine>();
  private readonly verifying = new Map<string, Promise<VerifiedEngine>>();
  /** Content hashes of host-side files (executables, libraries), by identity and change time. */
  private readonly fileHashes = new Map<string, Promise<string>>();
  private readonly image: ImageFileHashes;

  constructor(outer: Docker) {
    this.image = new ImageFileHashes(outer);
  }

  /** A Docker client whose every connection goes to a verified engine, and whose every answer is re-checked. */
  client(sandbox: SandboxRef): Docker {
    const used = new Set<VerifiedEngine>();
    const agent = new Agent({ keepAlive: false });
    // The callback form of createConnection: the check is asynchronous (the first one hashes dockerd).
    agent.createConnection = ((_options: unknown, callback: (error: Error | null, socket?: Socket) => void) => {
      this.connect(sandbox).then(
        ({ socket, engine }) => {
          used.add(engine);
          callback(null, socket);
        },
        (error: Error) => callback(error),
      );
      return undefined;
    }) as unknown as Agent['createConnection'];
    // docker-modem hands `agent` to http.request; its types do not list it.
    const options = { socketPath: `/proc/${sandbox.pid}/root${SOCKET_IN_SANDBOX}`, agent };
    const client = new Docker(options);
    const modem = client.modem as { dial(options: unknown, callback: (error: unknown, data?: unknown) => void): void };
    const dial = modem.dial.bind(modem);
    modem.dial = (options, callback) =>
      dial(options, (error, data) => {
        // An answer (a 404 too) counts only if the engine that gave it still serves: a swap during the request shows here.
        const changed = [...used].map((engine) => this.stillHolds(engine)).find((reason) => reason !== null);
        if (changed && !(error instanceof EngineIdentityError)) callback(notDrydocks(`it changed while the grader read it (${changed})`));
        else callback(error, data);
      });
    return client;
  }

  /** Opens a connection to the sandbox's engine socket once the process behind it is proven to be the image's dockerd. */
  async connect(sandbox: SandboxRef): Promise<{ socket: Socket; engine: VerifiedEngine }> {
    const { fd, file } = openSocketFile(sandbox.pid);
    let closed = false;
    const close = (): void => {
      if (!closed) closeSync(fd);
      closed = true;
    };
    try {
      const engine = await this.engineServing(sandbox, file);
      // Through the descriptor: the same inode that was checked, whatever the path holds by now.
      const socket = createConnection({ path: `/proc/self/fd/${fd}` });
      socket.once('connect', close).once('error', close).once('close', close);
      return { socket, engine };
    } catch (error) {
      close();
      throw error;
    }
  }

  private async engineServing(sandbox: SandboxRef, file: FileId): Promise<VerifiedEngine> {
    const key = `${sandbox.pid} ${file.dev}:${file.ino}`;
    const known = this.verified.get(key);
    if (known && this.changeIn(known) === null) return known;
    this.verified.delete(key);
    let pending = this.verifying.get(key);
    if (!pending) {
      pending = this.verify(sandbox, file).finally(() => this.verifying.delete(key));
      this.verifying.set(key, pending);
    }
    const engine = await pending;
    if (this.verified.size >= 1000) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(key, engine);
    return engine;
  }

  /** Null while the verified process is alive and holds its socket; else what changed. Two small /proc reads. */
  private stillHolds(engine: VerifiedEngine): string | null {
    const proc = `/proc/${engine.pid}`;
    try {
      if (startTimeOf(readFileSync(`${proc}/stat`, 'utf8')) !== engine.startTime) return 'its dockerd exited';
      if (readlinkSync(`${proc}/fd/${engine.fd}`) !== `socket:[${engine.socketInode}]`) return 'its dockerd no longer holds the socket';
      return null;
    } catch {
      return 'its dockerd exited';
    }
  }

  /** Null while the verified process still serves as it did (alive, same socket; no tracer, same code mapped, read at most every CODE_RECHECK_MS); else what changed. */
  private changeIn(engine: VerifiedEngine): string | null {
    const held = this.stillHolds(engine);
    if (held) return held;
    if (performance.now() - engine.codeReadAt < CODE_RECHECK_MS) return null;
    const proc = `/proc/${engine.pid}`;
    try {
      const tracer = statusField(readFileSync(`${proc}/status`, 'utf8'), 'TracerPid');
      if (tracer !== '0') return `its dockerd is being traced (TracerPid ${tracer})`;
      if (codeOf(execMappings(readFileSync(`${proc}/maps`, 'utf8'))) !== engine.code) return 'its dockerd mapped other code';
      engine.codeReadAt = performance.now();
      return null;
    } catch {
      return 'its dockerd exited';
    }
  }

  /** The full check: which socket the file is bound to, who holds it, and whether that is the image's dockerd. */
  private async verify(sandbox: SandboxRef, file: FileId): Promise<VerifiedEngine> {
    const tampered = symlinkInPath(sandbox.pid);
    if (tampered) throw new Error(`the sandbox's Docker socket was tampered with: ${tampered}`);
    const listeners = (await listSocketListeners(sandbox.pid)).filter((l) => l.file?.dev === file.dev && l.file.ino === file.ino);
    if (listeners.length !== 1) {
      // None: a stale socket file, or one served from outside the sandbox's network (an inner container's).
      throw new EngineIdentityError(`no Docker engine of the sandbox listens on ${SOCKET_IN_SANDBOX} (a stale socket file, or one served from another network namespace)`);
    }
    const socketInode = listeners[0]!.socketInode;
    const sandboxView = new SandboxView(sandbox.pid);
    const holders = holdersOf(sandboxView.pids(), socketInode);
    if (holders.length !== 1) {
      throw holders.length === 0
        ? new EngineIdentityError(`no process in the sandbox holds the socket on ${SOCKET_IN_SANDBOX}`)
        : notDrydocks(`its socket is shared by ${holders.map((h) => sandboxView.describe(h.pid)).join(', ')}`);
    }
    const { pid, fd } = holders[0]!;
    if (fd === null) throw notDrydocks(`${sandboxView.describe(pid)} holds its socket only in a thread's own descriptor table`);
    const { startTime, code } = await this.verifyProcess(sandbox, sandboxView, pid);
    // codeReadAt 0: changeIn below reads tracer and mappings again at once.
    const engine: VerifiedEngine = { socketInode, pid, startTime, fd, code, codeReadAt: 0 };
    // Hashing took a while: it must still be the same process, holding the same socket.
    const changed = this.changeIn(engine);
    if (changed) throw notDrydocks(changed);
    return engine;
  }

  /** Is this process the sandbox image's dockerd, unaltered? Returns what identifies it. */
  private async verifyProcess(sandbox: SandboxRef, view: SandboxView, pid: number): Promise<{ startTime: string; code: string }> {
    const proc = `/proc/${pid}`;
    const who = view.describe(pid);
    const startTime = startTimeOf(readFileSync(`${proc}/stat`, 'utf8'));
    for (const ns of ['pid', 'mnt', 'net'] as const) {
      if (readlinkSync(`${proc}/ns/${ns}`) !== readlinkSync(`/proc/${sandbox.pid}/ns/${ns}`)) throw notDrydocks(`${who} runs in a ${ns} namespace of its own`);
    }
    const root = statSync(`${proc}/root`);
    const sandboxRoot = statSync(`/proc/${sandbox.pid}/root`);
    if (root.dev !== sandboxRoot.dev || root.ino !== sandboxRoot.ino) throw notDrydocks(`${who} runs in a root directory of its own`);
    const tracer = statusField(readFileSync(`${proc}/status`, 'utf8'), 'TracerPid');
    if (tracer !== '0') throw notDrydocks(`${who} is being traced (by pid ${tracer} on the host)`);
    const loaderVariables = loaderVariablesIn(readFileSync(`${proc}/environ`, 'latin1'));
    if (loaderVariables.length > 0) throw notDrydocks(`${who} was started with ${loaderVariables.join(', ')}`);

    const dockerd = await this.dockerdPath(sandbox.imageId);
    const exe = readlinkSync(`${proc}/exe`).replace(/ \(deleted\)$/, '');
    if (exe !== dockerd) throw notDrydocks(`${SOCKET_IN_SANDBOX} is served by ${printable(exe)} (${view.where(pid)}), not ${dockerd}`);
    const mappings = execMappings(readFileSync(`${proc}/maps`, 'utf8'));
    const anonymous = mappings.find((m) => !m.path.startsWith('/') && !KERNEL_CODE.has(m.path));
    if (anonymous) throw notDrydocks(`${who} runs code that no file of the image holds (${anonymous.path ? printable(anonymous.path) : 'anonymous memory'})`);
    const files = mappings.filter((m) => m.path.startsWith('/'));
    const expected = await this.image.hashes(sandbox.imageId, [dockerd, ...files.map((m) => m.path)]);
    if ((await this.hashHostFile(`${proc}/exe`)) !== expected.get(dockerd)) throw notDrydocks(`${dockerd} (${view.where(pid)}) differs from the sandbox image's dockerd`);
    for (const mapping of files) {
      const want = expected.get(mapping.path);
      if (!want) throw notDrydocks(`${who} has ${printable(mapping.path)} loaded, which the sandbox image does not have`);
      if ((await this.hashHostFile(`${proc}/map_files/${mapping.range}`)) !== want) throw notDrydocks(`${who} has ${printable(mapping.path)} loaded, and it differs from the sandbox image's`);
    }
    return { startTime, code: codeOf(mappings) };
  }

  private async dockerdPath(imageId: string): Promise<string> {
    const found = await this.image.hashes(imageId, DOCKERD_PATHS);
    const path = DOCKERD_PATHS.find((p) => found.get(p));
    if (!path) throw new Error(`the sandbox image ${imageId.slice(0, 19)} has no dockerd (looked in ${DOCKERD_PATHS.join(', ')})`);
    return path;
  }

  /**
   * SHA-256 of a file seen from the host (/proc/<pid>/exe, /proc/<pid>/map_files/…).
   * Kept by device, inode, size and change times: dockerd is ~100 MB, and a
   * sandbox's libraries are the same files for every verification of it.
   */
  private async hashHostFile(path: string): Promise<string> {
    const fd = openSync(path, 'r');
    const st = fstatSync(fd);
    const key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    const known = this.fileHashes.get(key);
    if (known) {
      closeSync(fd);
      return known;
    }
    const hashing = new Promise<string>((resolve, reject) => {
      const hash = createHash('sha256');
      createReadStream('', { fd, highWaterMark: 1 << 20 })
        .on('data', (chunk) => hash.update(chunk))
        .on('end', () => resolve(hash.digest('hex')))
        .on('error', reject);
    });
    if (this.fileHashes.size >= 1000) this.fileHashes.delete(this.fileHashes.keys().next().value!);
    this.fileHashes.set(key, hashing);
    hashing.catch(() => this.fileHashes.delete(key));
    return hashing;
  }
}

/** What must not change for the code a process runs to stay the code that was checked. */
function codeOf(mappings: ExecMapping[]): string {
  return mappings.map((m) => `${m.range} ${m.inode} ${m.path}${m.deleted ? ' (deleted)' : ''}`).join('\n');
}

/** One verifier per outer engine, so what it learned (image hashes, verified engines) serves every grade. */
const verifiers = new WeakMap<Docker, EngineVerifier>();

/**
 * The grader's client for the inner engine of a running sandbox: see the
 * comment at the top. `outer` is the engine that runs the sandbox (it reads
 * the image's own files).
 */
export function verifiedInnerEngine(outer: Docker, sandbox: SandboxRef): Docker {
  let verifier = verifiers.get(outer);
  if (!verifier) {
    verifier = new EngineVerifier(outer);
    verifiers.set(outer, verifier);
  }
  return verifier.client(sandbox);
}
