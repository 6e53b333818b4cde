import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { cleanupServer, registryImage, requireDocker, startReadySandbox, testConfig, testDriver, testRegistryBackend } from '../../test/support';
import { classSeedImages, startClassRegistry, type ClassRegistry } from '../registry/class-registry';
import { gradeExercise, runSolution } from './grader';
import { lessons as lessonLibrary } from '../../../lib/lesson-format/lesson-library';

/**
 * Content CI: for every exercise of every lesson, on a fresh sandbox of its
 * own lesson, in course order: the check FAILS before the solution, the
 * reference solution runs cleanly, and the check PASSES after it. Twice: as
 * a self-paced learner's sandbox, and as a class's (its inner engine using the
 * class registry mirror, seeded with every lesson's images, no network beyond).
 */
// DRYDOCK_LESSONS=volumes,buildx proves only those lessons (while writing them); CI proves all.
const only = new Set((process.env.DRYDOCK_LESSONS ?? '').split(',').filter(Boolean));
const lessons = lessonLibrary().all().flatMap((entry) => {
  if (only.size > 0 && !only.has(entry.id)) return [];
  if (!entry.ok) throw new Error(`${entry.id} does not parse; run npm run lessons:lint`);
  const exercises = entry.lesson.slides.flatMap((s) => (s.exercise ? [s.exercise] : []));
  return exercises.length > 0 ? [{ id: entry.id, exercises, images: entry.lesson.manifest.images }] : [];
});
// DRYDOCK_CONTENT_CI=self-paced or =class runs one of the two.
const modes = (['self-paced', 'class'] as const).filter((m) => !process.env.DRYDOCK_CONTENT_CI || process.env.DRYDOCK_CONTENT_CI === m);

for (const mode of modes) {
  describe(`every exercise (${mode} sandbox): fails on a fresh sandbox, passes after its solution`, () => {
    const config = testConfig();
    const driver = testDriver(config);
    const classId = `content-ci-${config.serverId.slice(-8)}`;
    let docker: Docker;
    let registry: ClassRegistry | undefined;

    before(async () => {
      docker = await requireDocker();
      if (mode === 'class') {
        registry = await startClassRegistry(testRegistryBackend(config, driver), { classId, image: registryImage(), seedImages: classSeedImages(lessons), sourceImage: config.image });
      }
    });
    after(async () => {
      await registry?.remove();
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
          sandboxId = await startReadySandbox(driver, config, `content-ci-${lesson.id}`, lesson.id, registry ? { registry, classId } : {});
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
}
