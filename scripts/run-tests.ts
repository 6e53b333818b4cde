/**
 * The test suite: `npm test` runs lint, typecheck, then this with "all".
 *   unit         *.test.ts next to the code (no Docker, no browser)
 *   integration  *.integration.test.ts (real Docker Engine)
 *   e2e          e2e/*.e2e.test.ts (real Docker Engine + Chromium + production build)
 * Suites that need Docker or Chromium check for them first and fail loudly
 * with what to install; nothing is skipped.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureNextBuild } from './lib/build-next';
import { prepareSandboxEngine } from './lib/sandbox-engine';
import { findChromium } from '../e2e/support/chromium';

type Suite = 'unit' | 'integration' | 'e2e';
const root = process.cwd();
const SKIP_DIRS = new Set(['node_modules', '.next', '.git', 'data', 'public', 'test-results']);

function findFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) findFiles(full, out);
    else if (name.endsWith('.test.ts') || name.endsWith('.test.tsx')) out.push(relative(root, full));
  }
  return out.sort();
}

function suiteOf(file: string): Suite {
  if (file.endsWith('.e2e.test.ts')) return 'e2e';
  if (file.endsWith('.integration.test.ts')) return 'integration';
  return 'unit';
}

function fail(message: string): never {
  console.error(`\n[test] ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const wanted = process.argv[2] ?? 'all';
  const suites: Suite[] = wanted === 'all' ? ['unit', 'integration', 'e2e'] : [wanted as Suite];
  const files = findFiles(root).filter((f) => suites.includes(suiteOf(f)));
  if (files.length === 0) fail(`no test files for "${wanted}"`);

  if (suites.includes('integration') || suites.includes('e2e')) {
    // The default tier, as `npm start` gives it: its own engine, images copied in (sets DOCKER_HOST).
    const engine = await prepareSandboxEngine(root, (m) => console.log(`[test] ${m}`)).catch((error: Error) =>
      fail(`integration and e2e tests need a Docker Engine and the sandbox tier under test.\n${error.message}`),
    );
    process.env.DRYDOCK_SANDBOX_IMAGE ||= engine.images.sandbox;
    process.env.DRYDOCK_REGISTRY_IMAGE ||= engine.images.registry;
  }
  if (suites.includes('e2e')) {
    if (!findChromium()) fail('e2e tests need Chromium: sudo apt-get install -y chromium (or set CHROMIUM_PATH).');
    ensureNextBuild(root, (m) => console.log(`[test] ${m}`));
  }

  // One file at a time: integration and e2e files share one Docker engine and two cores.
  const result = spawnSync(
    process.execPath,
    // --test-force-exit: a handle a failed test leaves open must not hang CI until its time limit.
    ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=600000', '--test-force-exit', ...files],
    { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } },
  );
  process.exit(result.status ?? 1);
}

void main().catch((error: Error) => fail(error.message));
