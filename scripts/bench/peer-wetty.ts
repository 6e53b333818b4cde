import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { BenchContext } from './context';
import { sleep } from './options';
import type { PlatformProcess } from './platform-process';
import { measureEcho, measureThroughput, type Echo, type Throughput } from './terminal-figures';
import { OutputWatcher, type DrydockSocketLink, type TerminalLink } from './terminal-link';

/**
 * The peer for section H: wetty, a web terminal on npm whose flow control
 * (the client acknowledges what it rendered; the server pauses the pty above
 * a high-water mark) is the one Drydock's follows. It serves `docker exec -it
 * <sandbox> bash -l` into the same sandbox Drydock's learner uses, so the two
 * paths differ only in the web terminal in between.
 *
 * wetty is not a dependency of Drydock (it brings express, socket.io and a
 * native node-pty): the bench installs the pinned version into a cache folder
 * on first use, which needs the npm registry once. Without it, section H says
 * why and the rest of the bench runs.
 */

export const WETTY_VERSION = '3.2.0';
const BASE = '/wetty';

/** Where the pinned wetty is installed: ~/.cache/drydock-bench/wetty-<version> (XDG_CACHE_HOME if set). */
function cacheDir(): string {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'drydock-bench', `wetty-${WETTY_VERSION}`);
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${output.trim().split('\n').slice(-3).join(' / ')}`))));
  });
}

/** The folder that holds node_modules/wetty, installed if missing. */
export async function ensureWetty(log: (message: string) => void): Promise<string> {
  const dir = cacheDir();
  if (existsSync(join(dir, 'node_modules', 'wetty', 'build', 'main.js')) && existsSync(join(dir, 'node_modules', 'node-pty'))) return dir;
  mkdirSync(dir, { recursive: true });
  log(`installing wetty ${WETTY_VERSION} into ${dir} (once)…`);
  await run('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--no-save', `wetty@${WETTY_VERSION}`], {});
  // node-pty is native: prove it loads and spawns here before wetty is trusted with it.
  await run(process.execPath, ['-e', "require('node-pty').spawn('true', [], {}).onExit(() => process.exit(0))"], { cwd: dir });
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface SocketLike {
  on(event: string, listener: (...args: never[]) => void): void;
  emit(event: string, ...args: unknown[]): void;
  disconnect(): void;
}

/**
 * One wetty server and one client of it, as the browser's wetty client
 * speaks: `input` up, `data` down (text), `commit` with the characters
 * rendered (here: as they arrive, the best case, as for Drydock's link).
 */
export class WettyLink implements TerminalLink {
  readonly out = new OutputWatcher();

  private constructor(
    private readonly server: ChildProcess,
    private readonly socket: SocketLike,
  ) {
    socket.on('data', (data: string) => {
      this.out.push(Buffer.from(data, 'utf8'));
      socket.emit('commit', data.length);
    });
    socket.on('logout', () => this.out.fail(new Error('wetty: the shell ended')));
    socket.on('disconnect', () => this.out.fail(new Error('wetty: the socket closed')));
  }

  /** Starts wetty serving `command` (run through `env -S`) and connects to it. */
  static async open(dir: string, command: string, size: { cols: number; rows: number }, log: (message: string) => void): Promise<WettyLink> {
    const port = await freePort();
    const server = spawn(process.execPath, [join(dir, 'node_modules', 'wetty', 'build', 'main.js'), '--host', '127.0.0.1', '--port', String(port), '--base', BASE, '--command', command], {
      cwd: dir,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let said = '';
    server.stdout?.on('data', (c: Buffer) => (said += c.toString()));
    server.stderr?.on('data', (c: Buffer) => (said += c.toString()));
    const up = Date.now() + 20_000;
    while (!(await answers(port))) {
      if (server.exitCode !== null || Date.now() > up) {
        server.kill('SIGKILL');
        throw new Error(`wetty did not start: ${said.trim().split('\n').slice(-3).join(' / ')}`);
      }
      await sleep(100);
    }
    const require = createRequire(join(dir, 'package.json'));
    const { io } = require('socket.io-client') as { io(url: string, options: Record<string, unknown>): SocketLike };
    const socket = io(`http://127.0.0.1:${port}`, { path: `${BASE}/socket.io`, transports: ['websocket'], reconnection: false });
    const link = new WettyLink(server, socket);
    socket.on('connect', () => socket.emit('resize', size));
    log(`wetty ${WETTY_VERSION} on port ${port}: ${command}`);
    return link;
  }

  type(data: string): void {
    this.socket.emit('input', data);
  }

  async close(): Promise<void> {
    this.socket.disconnect();
    this.server.kill('SIGTERM');
    await sleep(200);
    if (this.server.exitCode === null) this.server.kill('SIGKILL');
  }
}

/** What wetty serves for section H: a login shell in the sandbox (on the engine DOCKER_HOST names), as Drydock's learner has. */
export function sandboxShell(sandboxId: string): string {
  // As root on localhost, wetty runs its --command through `env -S` instead of ssh.
  return `docker exec -it -w /root ${sandboxId} bash -l`;
}

async function answers(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${BASE}/`);
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

export type PeerFigures = { tool: string; echo: Echo; throughput: Throughput } | { skipped: string };

/**
 * Section H: Drydock's link and wetty's, both into the learner's sandbox,
 * measured by the same echo and throughput code as section C (wetty in the
 * place of the baseline). Skipped, with the reason, when wetty cannot be
 * installed or started here.
 */
export async function measurePeer(bench: BenchContext, server: PlatformProcess, drydockLink: DrydockSocketLink, size: { cols: number; rows: number }): Promise<PeerFigures> {
  const { log } = bench;
  const hello = drydockLink.controls.find((c) => c.type === 'hello');
  if (typeof hello?.sandboxId !== 'string') throw new Error('the Drydock link had no hello with a sandbox id');
  let peer: WettyLink;
  try {
    const dir = await ensureWetty(log);
    peer = await WettyLink.open(dir, sandboxShell(hello.sandboxId), size, log);
    await peer.out.waitForPrompt(30_000);
  } catch (error) {
    const reason = (error as Error).message;
    log(`section H skipped: ${reason}`);
    return { skipped: reason };
  }
  try {
    await sleep(300);
    const echo = await measureEcho(bench, drydockLink, peer);
    log(`echo beside wetty: drydock ${echo.drydock.median.toFixed(2)} ms, wetty ${echo.baseline.median.toFixed(2)} ms (medians)`);
    const throughput = await measureThroughput(bench, server, drydockLink, peer);
    return { tool: `wetty ${WETTY_VERSION}`, echo, throughput };
  } finally {
    await peer.close();
  }
}
