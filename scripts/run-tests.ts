/**
 * The test suite: `npm test` runs lint, typecheck, then this with "all".
 *   unit         *.test.ts next to the code (no Docker, no browser)
 *   integration  *.integration.test.ts (real Docker Engine)
 *   content      *.content.test.ts: the lessons' content CI (real Docker Engine), two files at a time
 *   e2e          e2e/*.e2e.test.ts (real Docker Engine + Chromium + production build)
 * Suites that need Docker or Chromium check for them first and fail loudly
 * with what to install; nothing is skipped.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ensureNextBuild } from './lib/build-next';
import { isEntryPoint, parseCommandLine } from './lib/cli';
import { prepareSandboxEngine } from './lib/sandbox-engine';
import { findChromium } from '../e2e/support/chromium';

const SUITES = ['unit', 'integration', 'content', 'e2e'] as const;
type Suite = (typeof SUITES)[number];

const USAGE = `
usage: tsx scripts/run-tests.ts [all|unit|integration|content|e2e]    (npm test runs "all" after lint and typecheck)

  unit         *.test.ts next to the code (no Docker, no browser)
  integration  *.integration.test.ts (real Docker Engine)
  content      *.content.test.ts: every lesson's blocks and exercises in real sandboxes (real Docker Engine)
  e2e          e2e/*.e2e.test.ts (real Docker Engine + Chromium + production build)
  all          all three (the default)
  -h, --help   this text
`;
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
  if (file.endsWith('.content.test.ts')) return 'content';
  return 'unit';
}

function usageError(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function fail(message: string): never {
  console.error(`\n[test] ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const { positionals } = parseCommandLine(USAGE, { options: {}, allowPositionals: true });
  if (positionals.length > 1) usageError(`one suite at a time, not "${positionals.join(' ')}"`);
  const wanted = positionals[0] ?? 'all';
  const suites: Suite[] = wanted === 'all' ? [...SUITES] : SUITES.filter((s) => s === wanted);
  if (suites.length === 0) usageError(`unknown suite "${wanted}"`);
  const files = findFiles(root).filter((f) => suites.includes(suiteOf(f)));
  if (files.length === 0) fail(`no test files for "${wanted}"`);

  if (suites.some((s) => s !== 'unit')) {
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

  // The content CI first, two files at a time: they wait on sandboxes' engines and builds more than they
  // compute, and together are a third of the suite. Not beside the other files: those count what the engine
  // holds (the soak's leftovers, cleanup counts), which another file's sandboxes would disturb.
  const content = files.filter((f) => suiteOf(f) === 'content');
  const rest = files.filter((f) => suiteOf(f) !== 'content');
  const statuses = [content.length > 0 ? runFiles(content, 2, CONTENT_FILE_TIMEOUT_MS) : 0, rest.length > 0 ? runFiles(rest, 1, FILE_TIMEOUT_MS) : 0];
  process.exit(statuses.find((s) => s !== 0) ?? 0);
}

/**
 * Node's --test-timeout bounds each file as a whole as well as each test. 10 minutes for a file; a content file
 * runs the whole course (about 10-15 minutes beside the other one on two cores), its tests bounded by their own limits.
 */
const FILE_TIMEOUT_MS = 10 * 60_000;
const CONTENT_FILE_TIMEOUT_MS = 40 * 60_000;

/** Node's test runner on these files, `concurrency` files at a time; its exit status. */
function runFiles(files: string[], concurrency: number, timeoutMs: number): number {
  const result = spawnSync(
    process.execPath,
    // --test-force-exit: a handle a failed test leaves open must not hang CI until its time limit.
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, `--test-timeout=${timeoutMs}`, '--test-force-exit', ...files],
    { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } },
  );
  return result.status ?? 1;
}

if (isEntryPoint(import.meta.url)) main().catch((error: Error) => fail(error.message));
