import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { cleanupServer, requireDocker, startReadySandbox, testConfig, testDriver } from '../../sandbox-server/test/support';
import { gradeExercise, runSolution } from '../../sandbox-server/src/grader';
import { loadAllLessons } from './loader';

/**
 * Content CI: for every exercise of every lesson, on a fresh sandbox of its
 * own lesson, in course order: the check FAILS before the solution, the
 * reference solution runs cleanly, and the check PASSES after it.
 */
// DRYDOCK_LESSONS=volumes,buildx proves only those lessons (while writing them); CI proves all.
const only = new Set((process.env.DRYDOCK_LESSONS ?? '').split(',').filter(Boolean));
const lessons = loadAllLessons().flatMap((entry) => {
  if (only.size > 0 && !only.has(entry.id)) return [];
  if (!entry.ok) throw new Error(`${entry.id} does not parse; run npm run lessons:lint`);
  const exercises = entry.lesson.slides.flatMap((s) => (s.exercise ? [s.exercise] : []));
  return exercises.length > 0 ? [{ id: entry.id, exercises }] : [];
});

describe('every exercise: fails on a fresh sandbox, passes after its solution', () => {
  const config = testConfig();
  const driver = testDriver(config);
  let docker: Docker;

  before(async () => {
    docker = await requireDocker();
  });
  after(async () => {
    assert.deepEqual(await cleanupServer(docker, config.serverId), { containers: 0, networks: 0, volumes: 0 });
  });

  test('the course has exercises to prove', () => {
    assert.ok(lessons.length > 0, 'no lesson has an exercise');
  });

  for (const lesson of lessons) {
    describe(lesson.id, () => {
      let sandboxId = '';
      before(async () => {
        // The container is named after this run's server id, so two CI runs on one engine never collide.
        sandboxId = await startReadySandbox(driver, config, `content-ci-${lesson.id}`, lesson.id);
      });
      after(async () => {
        if (sandboxId) await driver.remove(sandboxId);
      });

      for (const exercise of lesson.exercises) {
        test(`${exercise.id}`, async () => {
          const before = await gradeExercise(driver, sandboxId, exercise);
          assert.equal(before.passed, false, `the check passes before the solution ran: ${JSON.stringify(before.checks)}`);
          const solution = await runSolution(driver, sandboxId, exercise);
          assert.equal(solution.exitCode, 0, `the solution failed (exit ${solution.exitCode}):\n${solution.stdout}\n${solution.stderr}`);
          const after = await gradeExercise(driver, sandboxId, exercise);
          const failed = after.checks.filter((c) => !c.passed);
          assert.equal(after.passed, true, `after the solution, checks fail: ${JSON.stringify(failed, null, 1)}`);
        });
      }
    });
  }
});
