/**
 * `npm run grade -- --lesson <id> [--exercise <id>] [--learner <id> | --all]`
 * grades sandboxes from the terminal, as the Check button does, and records
 * the attempts: one learner's sandbox, or every sandbox of this installation
 * (DRYDOCK_DATA_DIR, default ./data). Prints one line per learner and
 * exercise (with the hints and the solution the learner opened, if any);
 * exits 1 if any check failed, 2 on bad usage.
 */
import { openDataDir } from '../lib/config/data-dir';
import { lessons } from '../lib/lesson-format/lesson-library';
import { instantiateExercise, lessonValuesKey, valuesFor } from '../lib/lesson-format/lesson-values';
import { Store } from '../lib/store';
import type { ExerciseHelp } from '../lib/store/progress';
import { loadSandboxServerConfig } from '../sandbox-server/src/config/config';
import { DockerDriver } from '../sandbox-server/src/engine/docker/docker';
import { gradeExercise } from '../sandbox-server/src/grading/grader';
import { runAsScript, parseCommandLine } from './lib/cli';

const USAGE = `
usage: npm run grade -- --lesson <id> [--exercise <id>] [--learner <id> | --all]

  --lesson <id>     the lesson whose exercises are graded (required)
  --exercise <id>   only this exercise (default: every exercise of the lesson)
  --learner <id>    this learner's sandbox
  --all             every running sandbox of this installation
  -h, --help        this text

Exits 1 if any check failed, 2 on bad usage.
`;

/** The help the learner took, in brackets so it cannot be read as a check's reason: "[2 hints, solution seen 2026-12-01T10:00:00.000Z]"; empty when none. */
export function helpNote(help: ExerciseHelp): string {
  const parts = [
    ...(help.hintsUsed > 0 ? [`${help.hintsUsed} ${help.hintsUsed === 1 ? 'hint' : 'hints'}`] : []),
    ...(help.solutionShownAt !== null ? [`solution seen ${new Date(help.solutionShownAt).toISOString()}`] : []),
  ];
  return parts.length > 0 ? `[${parts.join(', ')}]` : '';
}

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<number> {
  const { values } = parseCommandLine(USAGE, {
    options: { lesson: { type: 'string' }, exercise: { type: 'string' }, learner: { type: 'string' }, all: { type: 'boolean', default: false } },
  });
  const lessonId = values.lesson ?? usage('--lesson is required');
  const exerciseId = values.exercise;
  const learnerId = values.learner;
  const all = values.all;
  if (!learnerId === !all) usage('give either --learner <id> or --all');

  const entry = lessons().get(lessonId) ?? usage(`no lesson "${lessonId}" in lessons/`);
  if (!entry.ok) usage(`lesson "${lessonId}" has errors; run npm run lessons:lint`);
  const exercises = entry.lesson.slides.flatMap((s) => (s.exercise && (!exerciseId || s.exercise.id === exerciseId) ? [s.exercise] : []));
  if (exercises.length === 0) usage(exerciseId ? `lesson "${lessonId}" has no exercise "${exerciseId}"` : `lesson "${lessonId}" has no exercises`);

  const data = openDataDir();
  const config = loadSandboxServerConfig(data.serverId);
  const driver = new DockerDriver({ image: config.image, serverId: config.serverId, isolatedNetwork: config.isolatedNetwork, subnets: config.sandboxSubnets });
  await driver.ping();
  const sandboxes = (await driver.list()).filter((s) => s.running && s.profile === entry.lesson.manifest.profile && (all || s.learnerId === learnerId));
  if (sandboxes.length === 0) {
    console.error(all ? 'no running sandboxes' : `learner ${learnerId} has no running sandbox`);
    return 1;
  }

  const store = new Store(data.databasePath);
  // Each learner is graded on their own drawn values, as the Check button grades them (the same key: this installation's secret).
  const valuesKey = lessonValuesKey(data.cookieSecret);
  let failures = 0;
  for (const sandbox of sandboxes) {
    store.touchLearner(sandbox.learnerId);
    const values = valuesFor(entry.lesson.manifest.values, sandbox.learnerId, lessonId, valuesKey);
    for (const exercise of exercises) {
      const verdict = await gradeExercise(driver, sandbox.id, instantiateExercise(exercise, values));
      store.progress.recordAttempt({
        learnerId: sandbox.learnerId,
        lessonId,
        exerciseId: exercise.id,
        passed: verdict.passed,
        evidence: { sandbox: sandbox.id.slice(0, 12), checks: verdict.checks, by: 'cli' },
        durationMs: verdict.durationMs,
      });
      if (!verdict.passed) failures++;
      const why = verdict.checks.filter((c) => !c.passed).map((c) => c.message).join('; ');
      const help = helpNote(store.progress.helpOn(sandbox.learnerId, lessonId, exercise.id));
      console.log(`${sandbox.learnerId}\t${exercise.id}\t${verdict.passed ? 'pass' : 'FAIL'}\t${verdict.durationMs} ms${help ? `\t${help}` : ''}${why ? `\t${why}` : ''}`);
    }
  }
  store.close();
  return failures > 0 ? 1 : 0;
}

runAsScript(import.meta.url, 'grade', main);
