import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The platform's state lives in one folder (git-ignored): the SQLite file and
 * generated secrets. It survives restarts; deleting it forgets every learner.
 */
export interface DataDir {
  path: string;
  /** Signs learner cookies. */
  cookieSecret: Buffer;
  /** Stable id of this installation, used to label its sandboxes. */
  serverId: string;
  databasePath: string;
}

export function resolveDataDirPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.DRYDOCK_DATA_DIR || 'data');
}

function readOrCreate(path: string, create: () => string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const value = create();
  writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
  return value;
}

/**
 * Files of the data folder only this server's user may read: the cookie key
 * and instructor hash forge sign-ins, the database holds every learner. The
 * store and instructor access create the last ones; an older install or a
 * copied folder may have left any of them readable by others.
 */
export const PRIVATE_DATA_FILES: readonly string[] = ['cookie-secret', 'server-id', 'instructor-secret.hash', 'drydock.db', 'drydock.db-wal', 'drydock.db-shm'];

export function openDataDir(path: string = resolveDataDirPath()): DataDir {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  // mkdir's mode applies only to a folder it creates: enforce it on an existing one
  // too, so no other host user (a sandbox's remapped root included) can enter it.
  chmodSync(path, 0o700);
  for (const name of PRIVATE_DATA_FILES) {
    const file = join(path, name);
    if (existsSync(file)) chmodSync(file, 0o600);
  }
  const secretHex = readOrCreate(join(path, 'cookie-secret'), () => randomBytes(32).toString('hex'));
  if (!/^[0-9a-f]{64}$/.test(secretHex)) throw new Error(`${join(path, 'cookie-secret')} is corrupt: expected 64 hex characters`);
  const serverId = readOrCreate(join(path, 'server-id'), () => randomBytes(6).toString('hex'));
  return { path, cookieSecret: Buffer.from(secretHex, 'hex'), serverId, databasePath: join(path, 'drydock.db') };
}
