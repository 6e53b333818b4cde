// Runs before `npm start` and `npm test` (npm's pre-scripts): installs the
// locked dependencies when node_modules is missing or older than the lock
// file, so both README commands work on a fresh clone. Plain Node, no deps.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const installed = 'node_modules/.package-lock.json';
const stale = !existsSync(installed) || statSync('package-lock.json').mtimeMs > statSync(installed).mtimeMs;
if (stale) {
  console.log('[drydock] installing dependencies (npm install; the SQLite driver compiles, about 2 minutes the first time)…');
  // Not `npm ci`: see .ci/run for why the lock file cannot satisfy it on every registry.
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
