import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What goes into the production build; a change to any of it triggers a rebuild. */
const SOURCES = ['app', 'components', 'lib', 'protocol', 'lessons', 'public', 'next.config.js', 'postcss.config.mjs', 'package-lock.json', 'tsconfig.json'];

function filesUnder(root: string, path: string): string[] {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full).sort().flatMap((name) => filesUnder(root, join(path, name)));
}

export function sourceHash(root: string): string {
  const hash = createHash('sha256');
  for (const file of SOURCES.flatMap((s) => filesUnder(root, s))) {
    hash.update(relative(root, join(root, file))).update('\0').update(readFileSync(join(root, file))).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** Runs `next build` unless the last build was made from the same sources. */
export function ensureNextBuild(root: string, log: (m: string) => void): void {
  const stamp = join(root, '.next', 'drydock-source-hash');
  const hash = sourceHash(root);
  if (existsSync(join(root, '.next', 'BUILD_ID')) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash) {
    log('web app build is up to date');
    return;
  }
  log('building the web app (next build; about a minute the first time)…');
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status}); see the output above`);
  writeFileSync(stamp, `${hash}\n`);
  log(`web app built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
