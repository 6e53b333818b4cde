import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseArgs } from 'node:util';
import { isParseArgsError, parseCommandLine } from './cli';

const USAGE = 'usage: demo [--quick] [--name <x>] [file]';
const CONFIG = { options: { quick: { type: 'boolean' }, name: { type: 'string' } }, allowPositionals: true } as const;

describe('parseCommandLine', () => {
  test('parses flags, values and positionals', () => {
    const { values, positionals } = parseCommandLine(USAGE, CONFIG, ['--quick', '--name', 'ada', 'x.md']);
    assert.equal(values.quick, true);
    assert.equal(values.name, 'ada');
    assert.deepEqual(positionals, ['x.md']);
  });

  test('recognises the errors parseArgs throws for a bad command line, and only those', () => {
    const bad = (args: string[]) => {
      try {
        parseArgs({ args, options: { name: { type: 'string' } }, strict: true });
      } catch (error) {
        return error;
      }
      assert.fail(`${args.join(' ')} parsed`);
    };
    assert.equal(isParseArgsError(bad(['--nope'])), true, 'unknown option');
    assert.equal(isParseArgsError(bad(['--name'])), true, 'missing value');
    assert.equal(isParseArgsError(bad(['stray'])), true, 'unexpected positional');
    assert.equal(isParseArgsError(new Error('other')), false);
  });
});

describe('a script using it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'demo.ts');
  writeFileSync(
    script,
    `import { parseCommandLine } from ${JSON.stringify(join(import.meta.dirname, 'cli.ts'))};\n` +
      `const { values } = parseCommandLine(${JSON.stringify(USAGE)}, { options: { quick: { type: 'boolean' } } });\n` +
      `console.log('quick=' + String(values.quick ?? false));\n`,
  );
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', cwd: process.cwd() });

  test('--help prints the usage and exits 0', () => {
    const r = run('--help');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), USAGE);
  });

  test('an unknown flag is named, with the usage, and exits 2', () => {
    const r = run('--quik');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /Unknown option '--quik'/);
    assert.match(r.stderr, /usage: demo/);
    assert.equal(r.stdout, '');
  });

  test('known flags run the script', () => {
    const r = run('--quick');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'quick=true');
  });
});
