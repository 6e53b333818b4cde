import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

export function openDataDir(path: string = resolveDataDirPath()): DataDir {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const secretHex = readOrCreate(join(path, 'cookie-secret'), () => randomBytes(32).toString('hex'));
  if (!/^[0-9a-f]{64}$/.test(secretHex)) throw new Error(`${join(path, 'cookie-secret')} is corrupt: expected 64 hex characters`);
  const serverId = readOrCreate(join(path, 'server-id'), () => randomBytes(6).toString('hex'));
  return { path, cookieSecret: Buffer.from(secretHex, 'hex'), serverId, databasePath: join(path, 'drydock.db') };
}
