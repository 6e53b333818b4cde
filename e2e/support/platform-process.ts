import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxEngine } from '../../sandbox-server/src/engine/docker/isolation/tier';
import { cleanupServer } from '../../sandbox-server/test/support';

export interface RunningPlatform {
  url: string;
  dataDir: string;
  serverId: string;
  child: ChildProcess;
  log(): string;
  /** SIGTERM, wait for exit; keeps sandboxes (as a real restart would). */
  stop(): Promise<void>;
  /** stop(), then remove every sandbox this platform made and its data folder; returns what was left. */
  destroy(): Promise<{ containers: number; networks: number }>;
}

/**
 * Env for a file whose every test is a new learner outside any class: all of
 * them come from 127.0.0.1, and a sandbox stays theirs after the test, so the
 * per-address cap (default 2; waiting-room.e2e.test.ts tests it) is raised to
 * leave room for each test's own.
 */
export const ROOM_FOR_A_LEARNER_PER_TEST: Record<string, string> = { DRYDOCK_SANDBOXES_PER_ADDRESS: '16' };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts the platform the way a learner's operator does (`npm start`, i.e.
 * scripts/start.ts) in a child process, on a free port with its own data dir.
 */
export async function startPlatformProcess(options: { dataDir?: string; port?: number; env?: Record<string, string> } = {}): Promise<RunningPlatform> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'drydock-e2e-'));
  const port = options.port ?? (await freePort());
  const env = { ...process.env, ...options.env, PORT: String(port), HOST: '127.0.0.1', DRYDOCK_DATA_DIR: dataDir };
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: process.cwd(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`platform did not become ready in 120 s:\n${output}`)), 120_000);
    const check = () => {
      if (output.includes('[drydock] ready:')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`platform exited with ${code} before it was ready:\n${output}`));
    });
  });
  const serverId = readFileSync(join(dataDir, 'server-id'), 'utf8').trim();
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return; // exited, or killed (a test may SIGKILL it)
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    serverId,
    child,
    log: () => output,
    stop,
    destroy: async () => {
      await stop();
      // The platform's engine, not this process's: a test may run it on another (isolation-tier.e2e runs the capability tier on the operator's).
      const left = await cleanupServer(sandboxEngine(env), serverId);
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      return left;
    },
  };
}
