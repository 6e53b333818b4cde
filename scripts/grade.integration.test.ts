import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { openDataDir } from '../lib/config/data-dir';
import { loadLesson } from '../lib/lesson-format/loader';
import { runSolution } from '../sandbox-server/src/grading/grader';
import { cleanupServer, requireDocker, startReadySandbox, testConfig, testDriver } from '../sandbox-server/test/support';

/** The terminal side of grading: `npm run grade` against a real sandbox, then `npm run grades -- export`. */
describe('grading from the command line', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'drydock-grade-cli-'));
  const data = openDataDir(dataDir);
  const config = testConfig({ serverId: data.serverId });
  const driver = testDriver(config);
  const env = { ...process.env, DRYDOCK_DATA_DIR: dataDir };
  const run = (script: string, args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { env, encoding: 'utf8' });
  let docker: Docker;
  let sandboxId = '';

  before(async () => {
    docker = await requireDocker();
    sandboxId = await startReadySandbox(driver, config, 'cli-learner', 'cli');
  });
  after(async () => {
    assert.deepEqual(await cleanupServer(docker, data.serverId), { containers: 0, networks: 0, volumes: 0 });
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('an unsolved exercise: one FAIL line with the reason, exit 1', () => {
    const result = run('scripts/grade.ts', ['--lesson', 'containers-101', '--exercise', 'exit-three', '--all']);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /^cli-learner\texit-three\tFAIL\t\d+ ms\tA container named three must have exited with status 3\. — there is no container named three$/m);
  });

  test('after the solution: pass, exit 0, and the export shows two attempts and the pass', async () => {
    const lesson = loadLesson('containers-101');
    assert.ok(lesson?.ok);
    const exercise = lesson.lesson.slides.find((s) => s.exercise?.id === 'exit-three')?.exercise;
    assert.ok(exercise);
    assert.equal((await runSolution(driver, sandboxId, exercise)).exitCode, 0);
    const result = run('scripts/grade.ts', ['--lesson', 'containers-101', '--exercise', 'exit-three', '--learner', 'cli-learner']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^cli-learner\texit-three\tpass\t\d+ ms$/m);
    const csv = run('scripts/grades.ts', ['export', '--format', 'csv']);
    assert.equal(csv.status, 0, csv.stderr);
    assert.match(csv.stdout, /^cli-learner,containers-101,exit-three,yes,2,\d{4}-\d\d-\d\dT[\d:.]+Z,\d{4}-\d\d-\d\dT[\d:.]+Z,0,no,,no\r$/m); // no hints, no solution seen
  });

  test('bad usage says what is wrong and exits 2', () => {
    const result = run('scripts/grade.ts', ['--lesson', 'containers-101', '--exercise', 'nope', '--all']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /lesson "containers-101" has no exercise "nope"/);
  });
});
