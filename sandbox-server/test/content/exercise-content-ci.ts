import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { cleanupServer, registryImage, requireDocker, startReadySandbox, testConfig, testDriver, testRegistryBackend } from '../support';
import { classSeedImages, startClassRegistry, type ClassRegistry } from '../../src/registry/class-registry';
import { gradeExercise, runSolution } from '../../src/grading/grader';
import { lessons as lessonLibrary } from '../../../lib/lesson-format/lesson-library';
import { instantiateExercise, lessonValuesKey, valuesFor } from '../../../lib/lesson-format/lesson-values';

/**
 * Content CI: for every exercise of every lesson, on a fresh sandbox of its
 * own lesson, in course order: the check FAILS before the solution, the
 * reference solution runs cleanly, and the check PASSES after it. In CI in
 * class sandboxes (lesson-exercises-class.content.test.ts: the inner engine
 * using the class registry mirror, seeded with every lesson's images, no
 * network beyond); the self-paced side is proven by the run-blocks content CI
 * (lesson-run-blocks.content.test.ts), from the state the slides' demos leave.
 * Run one lesson's with e.g. DRYDOCK_LESSONS=volumes node --import tsx --test
 * --test-force-exit sandbox-server/src/grading/lesson-exercises-class.content.test.ts.
 */
// DRYDOCK_LESSONS=volumes,buildx proves only those lessons (while writing them); CI proves all.
const CI_LEARNER = `content-ci-${randomBytes(8).toString('hex')}`;
const CI_VALUES_KEY = lessonValuesKey(randomBytes(32));
const only = new Set((process.env.DRYDOCK_LESSONS ?? '').split(',').filter(Boolean));
const lessons = lessonLibrary().all().flatMap((entry) => {
  if (only.size > 0 && !only.has(entry.id)) return [];
  if (!entry.ok) throw new Error(`${entry.id} does not parse; run npm run lessons:lint`);
  // Values drawn per learner: a learner of this run's own (a random id and key), so values differ from run to run
  // and an exercise that only passes with one particular port or name fails here sooner or later.
  const values = valuesFor(entry.lesson.manifest.values, CI_LEARNER, entry.id, CI_VALUES_KEY);
  const exercises = entry.lesson.slides.flatMap((s) => (s.exercise ? [instantiateExercise(s.exercise, values)] : []));
  const machines = lessonLibrary().environmentOf(entry.id)?.machines ?? 1;
  return exercises.length > 0 ? [{ id: entry.id, exercises, images: entry.lesson.manifest.images, machines, values }] : [];
});
/**
 * Proves every exercise in one kind of sandbox ('self-paced' is kept for a run
 * by hand from a small test file of your own; CI runs 'class').
 */
export function proveEveryExercise(mode: 'self-paced' | 'class'): void {
  // Its own time limit: the runner's per-test default (10 min) is too short for the whole course beside the run-blocks half.
  describe(`every exercise (${mode} sandbox): fails on a fresh sandbox, passes after its solution`, { timeout: 40 * 60_000 }, () => {
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
      // The values drawn for this run are in the name, so a failure can be reproduced with them.
      describe(Object.keys(lesson.values).length > 0 ? `${lesson.id} (values ${JSON.stringify(lesson.values)})` : lesson.id, () => {
        /** The lesson's machines: one sandbox, or a lab of several on one private network (node1 first). */
        let machines: string[] = [];
        const sandboxOf = (machine: number) => machines[machine - 1];
        before(async () => {
          // The container is named after this run's server id, so two CI runs on one engine never collide.
          const lab = `ci${config.serverId.slice(-8)}${lesson.id}`.replace(/[^A-Za-z0-9]/g, '').slice(0, 40);
          machines = await Promise.all(
            Array.from({ length: lesson.machines }, (_, i) =>
              startReadySandbox(driver, config, `content-ci-${lesson.id}`, `${lesson.id}${i > 0 ? `-${i + 1}` : ''}`, {
                ...(registry ? { registry, classId } : {}),
                ...(lesson.machines > 1 ? { machine: { lab, hostname: `node${i + 1}` } } : {}),
              }),
            ),
          );
        });
        after(async () => {
          for (const id of machines) await driver.remove(id);
        });

        for (const exercise of lesson.exercises) {
          test(`${exercise.id}`, async () => {
            const before = await gradeExercise(driver, sandboxOf, exercise);
            assert.equal(before.passed, false, `the check passes before the solution ran: ${JSON.stringify(before.checks)}`);
            const solution = await runSolution(driver, sandboxOf, exercise);
            assert.equal(solution.exitCode, 0, `the solution failed (exit ${solution.exitCode}):\n${solution.stdout}\n${solution.stderr}`);
            const after = await gradeExercise(driver, sandboxOf, exercise);
            const failed = after.checks.filter((c) => !c.passed);
            assert.equal(after.passed, true, `after the solution, checks fail: ${JSON.stringify(failed, null, 1)}`);
          });
        }
      });
    }
  });
}
