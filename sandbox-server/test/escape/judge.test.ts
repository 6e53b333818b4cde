import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { ExecResult } from '../../src/engine/driver';
import { ATTACKS, attacksInOrder, script } from './attacks';
import { judge } from './judge';

const result = (stdout: string, extra: Partial<ExecResult> = {}): ExecResult => ({ exitCode: 0, stdout, stderr: '', timedOut: false, durationMs: 10, ...extra });

describe('escape suite: judging', () => {
  test('an escape wins over everything, and a leaked secret comes first', () => {
    const v = judge(result('BLOCKED: a: refused\nESCAPED: b worked\nCONTROL: c FAILED x\nsecret-123\n'), { controls: ['c'], canaries: [{ file: 'cookie-secret', value: 'secret-123' }] });
    assert.equal(v.outcome, 'escaped');
    assert.match(v.evidence, /^the sandbox's output holds the content of the data folder's cookie-secret; b worked$/);
  });

  test('a failed or missing positive control makes a refusal inconclusive, never blocked', () => {
    assert.equal(judge(result('BLOCKED: a: refused\nCONTROL: c FAILED broken'), { controls: ['c'] }).outcome, 'inconclusive');
    assert.equal(judge(result('BLOCKED: a: refused'), { controls: ['c'] }).outcome, 'inconclusive');
    assert.equal(judge(result('BLOCKED: a: refused'), { hostControls: [{ name: 'h', ok: false }] }).outcome, 'inconclusive');
  });

  test('silence, a timeout or an exception is not a pass', () => {
    assert.equal(judge(result('')).outcome, 'inconclusive');
    assert.equal(judge(result('BLOCKED: a', { timedOut: true, exitCode: null })).outcome, 'inconclusive');
  });

  test('refusals with passing controls are blocked, notes kept as context', () => {
    const v = judge(result('BLOCKED: a: Permission denied\nNOTE: tried 3 ways\nCONTROL: c ok'), { controls: ['c'] });
    assert.deepEqual(v, { outcome: 'blocked', evidence: 'a: Permission denied; (tried 3 ways)' });
  });

  test('not-applicable only when nothing escaped', () => {
    assert.equal(judge(result('BLOCKED: x'), { notApplicable: 'no SysRq' }).outcome, 'not-applicable');
    assert.equal(judge(result('ESCAPED: x'), { notApplicable: 'no SysRq' }).outcome, 'escaped');
  });
});

describe('escape suite: the attacks', () => {
  test('ids are unique, destructive ones run last', () => {
    assert.equal(new Set(ATTACKS.map((a) => a.id)).size, ATTACKS.length);
    const stages = attacksInOrder().map((a) => a.stage);
    assert.deepEqual(stages, [...stages].sort((a, b) => ['host', 'shared', 'victim'].indexOf(a) - ['host', 'shared', 'victim'].indexOf(b)));
  });

  test('every script is valid bash with the prelude', () => {
    const names = readdirSync(new URL('./scripts/', import.meta.url)).filter((f) => f.endsWith('.sh') && f !== 'prelude.sh' && f !== 'net-lib.sh');
    assert.ok(names.length >= 20);
    for (const name of names) {
      const check = spawnSync('bash', ['-n'], { input: script(name), encoding: 'utf8' });
      assert.equal(check.status, 0, `${name}: ${check.stderr}`);
    }
    const perl = spawnSync('perl', ['-c', new URL('./scripts/open-by-handle.pl', import.meta.url).pathname], { encoding: 'utf8' });
    assert.equal(perl.status, 0, perl.stderr);
  });
});
