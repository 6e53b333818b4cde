import { fork, type ChildProcess } from 'node:child_process';
import { on, once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isServerMessage, type ServerMessage, type ServerRequest } from './platform-messages';

const READY_TIMEOUT_MS = 120_000;
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * The Drydock server under test, in a child process of its own (as in
 * production, where the browser is not on the server's event loop), forked
 * with Node's IPC channel and a throw-away data folder (hence a server id,
 * and sandbox labels, unique to the run).
 */
export class PlatformProcess {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly child: ChildProcess,
    /** Aborts when the child exits, so that nothing waits for a reply that cannot come. */
    private readonly exited: AbortSignal,
    readonly dataDir: string,
    readonly url: string,
    readonly serverId: string,
  ) {}

  /** Forks the server and waits until it listens. */
  static async start(options: {
    root: string;
    env: NodeJS.ProcessEnv;
    image: string;
    /** The server's script; default platform-child.ts (a test gives a stand-in). */
    script?: string;
  }): Promise<PlatformProcess> {
    const { root, env, image } = options;
    const dataDir = mkdtempSync(join(tmpdir(), 'drydock-bench-'));
    const child = fork(options.script ?? join(root, 'scripts', 'bench', 'platform-child.ts'), [], {
      cwd: root,
      // e.g. DRYDOCK_BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server under load.
      execArgv: ['--import', 'tsx', ...(env.DRYDOCK_BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)],
      env: { ...env, DRYDOCK_DATA_DIR: dataDir, DRYDOCK_SANDBOX_IMAGE: image, NEXT_TELEMETRY_DISABLED: '1' },
      // The child's stdout goes to our stderr, so that --json output stays clean.
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    child.stdout?.pipe(process.stderr);
    const exited = new AbortController();
    child.once('exit', (code) => exited.abort(new Error(`the Drydock server exited (code ${code})`)));
    try {
      const ready = await nextMessage(child, (m) => m.type === 'ready', AbortSignal.any([exited.signal, AbortSignal.timeout(READY_TIMEOUT_MS)]));
      if (ready.type !== 'ready') throw new Error(`expected "ready", got "${ready.type}"`);
      return new PlatformProcess(child, exited.signal, dataDir, ready.url.replace('localhost', '127.0.0.1'), ready.serverId);
    } catch (error) {
      child.kill('SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
      if (exited.signal.aborted) throw new Error(`${(exited.signal.reason as Error).message} before it was ready`);
      if (error instanceof Error && error.name === 'AbortError') throw new Error(`the Drydock server did not start within ${READY_TIMEOUT_MS / 1000} s`);
      throw error;
    }
  }

  /** Removes the learner's sandbox on the server. */
  async remove(learnerId: string): Promise<void> {
    await this.ask({ op: 'remove', learnerId });
  }

  /** The server's process id (its open files are in /proc/<pid>/fd). */
  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the server process has no pid');
    return this.child.pid;
  }

  /** The server's self-paced warm pool: what it aims for and what waits. */
  async selfPacedWarm(): Promise<{ target: number; waiting: number }> {
    const pool = (await this.ask({ op: 'self-paced-warm' })).selfPacedWarm;
    if (!pool) throw new Error('the server sent no warm pool figures');
    return pool;
  }

  /** The server process's resident memory now, bytes. */
  async rssBytes(): Promise<number> {
    return (await this.memory()).rss;
  }

  /**
   * RSS with what the JS heap and off-heap objects hold, bytes: when RSS moves
   * and heapUsed + external does not, the memory is native (allocator, Next's
   * caches in C++ land), not a leak of JS objects.
   */
  async memory(): Promise<{ rss: number; heapUsed: number; external: number }> {
    const { rss, heap } = await this.ask({ op: 'rss' });
    if (rss === undefined || !heap) throw new Error('the server sent no memory figures');
    return { rss, heapUsed: heap.used, external: heap.external };
  }

  /** CPU time the server process has used so far, ms (user + system). */
  async cpuMs(): Promise<number> {
    const usage = (await this.ask({ op: 'cpu' })).cpu;
    if (!usage) throw new Error('the server sent no CPU usage');
    return (usage.user + usage.system) / 1000;
  }

  /**
   * Asks the server to remove its sandboxes and stop, waits for it to exit
   * (it may be writing a CPU profile), and kills it if it does not within
   * 10 s. Removes the data folder. Safe to call twice.
   */
  async stop(log: (message: string) => void): Promise<void> {
    if (!this.exited.aborted) await this.ask({ op: 'shutdown' }).catch((e: Error) => log(`server shutdown: ${e.message}`));
    if (!this.exited.aborted) {
      let timer: NodeJS.Timeout | undefined;
      const killed = new Promise<void>((resolve) => {
        timer = setTimeout(() => (this.child.kill('SIGTERM'), resolve()), 10_000);
      });
      await Promise.race([once(this.exited, 'abort'), killed]);
      clearTimeout(timer);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Sends one request once the previous one is answered, and waits for its reply. */
  private ask(request: ServerRequest): Promise<Extract<ServerMessage, { type: 'done' }>> {
    const send = async (): Promise<Extract<ServerMessage, { type: 'done' }>> => {
      const signal = AbortSignal.any([this.exited, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]);
      const reply = nextMessage(this.child, (m) => m.type !== 'ready' && m.op === request.op, signal);
      this.child.send(request);
      const answer = await reply.catch((error: Error) => {
        throw new Error(`server did not answer "${request.op}": ${signal.reason instanceof Error ? signal.reason.message : error.message}`);
      });
      if (answer.type === 'failed') throw new Error(answer.error);
      if (answer.type !== 'done') throw new Error(`unexpected "${answer.type}" for "${request.op}"`);
      return answer;
    };
    const result = this.queue.then(send, send);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** The next message from the child that `wanted` accepts (events.on buffers, so none is missed); rejects when `signal` aborts first. */
async function nextMessage(child: ChildProcess, wanted: (message: ServerMessage) => boolean, signal: AbortSignal): Promise<ServerMessage> {
  for await (const [message] of on(child, 'message', { signal }) as AsyncIterable<[unknown]>) {
    if (isServerMessage(message) && wanted(message)) return message;
  }
  throw new Error('the channel closed');
}
