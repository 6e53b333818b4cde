import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test, type TestContext } from 'node:test';
import type Docker from 'dockerode';
import { cleanupServer, requireDocker, startReadySandbox, testConfig, testDriver } from '../support';
import { disagreement, runBlock } from '../lesson-blocks';
import { gradeExercise, runSolution } from '../../src/grading/grader';
import { lessons as lessonLibrary } from '../../../lib/lesson-format/lesson-library';
import type { CodeBlock, Lesson } from '../../../lib/lesson-format/schema';
import { instantiate, instantiateExercise, lessonValuesKey, valuesFor, type LearnerValues } from '../../../lib/lesson-format/lesson-values';

/**
 * Content CI, the terminal's side: for every lesson, in a fresh sandbox of
 * its environment, run its `sh run` blocks in slide order as a learner
 * pressing ▶ Run would (test/lesson-blocks.ts says how a block runs and what
 * counts as an error), so the prose and what the terminal shows cannot drift
 * apart:
 * - a block must succeed and print no error, unless its fence says
 *   `fails` (it must then show an error), `foreground` (it runs until
 *   Ctrl-C: CI stops it after FOREGROUND_MS and counts that as success) or
 *   `skip-ci` (not run: printed, with the line, never silent);
 * - at each exercise slide, the exercise is graded on the sandbox as the
 *   demos left it, and must FAIL: no exercise is passable by a slide's demo
 *   unchanged. Then its reference solution runs, so the later slides see the
 *   sandbox of a learner who solved it (they may build on it).
 * A lesson that continues another's environment (`environment: { continues }`)
 * runs after that lesson, in the same sandbox. A lab runs every block on
 * node1 (the tab a learner starts on); a block meant for another machine's
 * tab is marked `skip-ci` (the format does not say which tab a block is for).
 * Self-paced sandboxes only: the class mode changes where images come from,
 * which lesson-exercises.integration.test.ts covers. Values drawn per learner
 * (`${{ port }}`) are drawn for a random learner of this run, as there.
 *
 * Not yet part of `npm test` (hence not named *.test.ts; it lives with the test code): `npm run
 * test:run-blocks` runs it. The newest lessons still need their `fails` /
 * `foreground` markers and a few slides disagree with the terminal (README,
 * "Tests"); it joins the suite once it passes, in place of the self-paced
 * half of lesson-exercises (whose proof it contains) to keep CI in budget.
 */
const CI_LEARNER = `run-blocks-${randomBytes(8).toString('hex')}`;
const CI_VALUES_KEY = lessonValuesKey(randomBytes(32));
// DRYDOCK_LESSONS=volumes,buildx runs only those lessons (and the lessons whose environment they continue); CI runs all.
const only = new Set((process.env.DRYDOCK_LESSONS ?? '').split(',').filter(Boolean));
/** A block's time limit, and a `foreground` block's time before it is stopped. */
const BLOCK_MS = 120_000;
const FOREGROUND_MS = 5_000;
/** Sandboxes at a time (this runs on two cores beside the rest of the suite). */
const CONCURRENCY = 2;

const library = lessonLibrary();
const all = library.inCourseOrder().map((entry) => {
  if (!entry.ok) throw new Error(`${entry.id} does not parse; run npm run lessons:lint`);
  return entry.lesson;
});
/** One sandbox per environment: the lessons that share it, in course order. */
const environments = new Map<string, Lesson[]>();
for (const lesson of all) {
  const startedBy = library.environmentOf(lesson.manifest.id)?.startedBy ?? lesson.manifest.id;
  environments.set(startedBy, [...(environments.get(startedBy) ?? []), lesson]);
}
const runs = [...environments.entries()]
  .filter(([, lessons]) => only.size === 0 || lessons.some((l) => only.has(l.manifest.id)))
  .map(([startedBy, lessons]) => {
    // A selected lesson brings the lessons before it in its environment (its starting state); none after it.
    const last = only.size === 0 ? lessons.length - 1 : Math.max(...lessons.map((l, i) => (only.has(l.manifest.id) ? i : -1)));
    return { startedBy, lessons: lessons.slice(0, last + 1), machines: library.environmentOf(startedBy)?.machines ?? 1 };
  });

/** Per lesson: what the report at the end prints. */
interface Tally {
  blocks: number;
  failing: string[];
  skipped: string[];
  passedByDemos: string[];
  solutionsFailed: string[];
  ms: number;
}
const tallies = new Map<string, Tally>();

describe('every run block of every lesson: the terminal shows what the prose says; no demo passes an exercise', { concurrency: CONCURRENCY, timeout: 120 * 60_000 }, () => {
  const config = testConfig();
  const driver = testDriver(config);
  let docker: Docker;
  const started = performance.now();

  before(async () => {
    docker = await requireDocker();
  });
  after(async () => {
    printReport(performance.now() - started);
    assert.deepEqual(await cleanupServer(docker, config.serverId), { containers: 0, networks: 0, volumes: 0 });
  });

  test('there are lessons to run', () => {
    assert.ok(runs.length > 0, only.size > 0 ? `DRYDOCK_LESSONS=${[...only].join(',')} names no lesson` : 'no lessons');
  });

  for (const run of runs) {
    const name = run.lessons.map((l) => l.manifest.id).join(' → ');
    test(name, { timeout: 40 * 60_000 }, async (t) => {
      const lab = `rb${config.serverId.slice(-8)}${run.startedBy}`.replace(/[^A-Za-z0-9]/g, '').slice(0, 40);
      const machines = await Promise.all(
        Array.from({ length: run.machines }, (_, i) =>
          startReadySandbox(driver, config, `content-ci-${run.startedBy}`, `rb-${run.startedBy}${i > 0 ? `-${i + 1}` : ''}`, {
            ...(run.machines > 1 ? { machine: { lab, hostname: `node${i + 1}` } } : {}),
          }),
        ),
      );
      const sandboxOf = (machine: number) => machines[machine - 1];
      try {
        for (const lesson of run.lessons) await runLesson(t, lesson, machines[0]!, sandboxOf);
      } finally {
        for (const id of machines) await driver.remove(id);
      }
    });
  }

  /** One lesson's blocks and exercises, in slide order, on its environment's sandbox (node1 of a lab). */
  async function runLesson(t: TestContext, lesson: Lesson, node1: string, sandboxOf: (machine: number) => string | undefined): Promise<void> {
    const tally: Tally = { blocks: 0, failing: [], skipped: [], passedByDemos: [], solutionsFailed: [], ms: 0 };
    tallies.set(lesson.manifest.id, tally);
    const lessonStarted = performance.now();
    /** The learner's shell state (cwd, variables) carried from block to block. */
    let state = '';
    const values: LearnerValues = valuesFor(lesson.manifest.values, CI_LEARNER, lesson.manifest.id, CI_VALUES_KEY);
    for (const slide of lesson.slides) {
      /** The learner's checks of their own answer: run after the exercise's reference solution. */
      const selfChecks: CodeBlock[] = [];
      for (const written of slide.codeBlocks) {
        const block: CodeBlock = instantiate(written, values);
        if (block.mode === 'copy' && block.file) {
          // As a learner pastes it into the editor and saves (the editor creates the folders).
          const file = block.file;
          await t.test(`${lesson.file}:${block.line} (saved in the editor as ${file})`, async () => {
            // The editor's own save path (driver.writeFile: through the backend, parent folders made).
            const written = await driver.writeFile(node1, file, Buffer.from(`${block.code}\n`, 'utf8'));
            assert.equal(written.kind, 'written', `${lesson.file}:${block.line}: saving ${file} as the editor would: ${JSON.stringify(written)}`);
          });
          continue;
        }
        if (block.mode !== 'run') continue;
        if (block.ci === 'self-check') {
          selfChecks.push(block);
          continue;
        }
        const where = `${lesson.file}:${block.line}`;
        if (block.ci === 'skip') {
          const reason = `${where}: not run (skip-ci; slide "${slide.title}" says why)`;
          tally.skipped.push(reason);
          t.diagnostic(reason);
          console.log(`[run-blocks] ${reason}`);
          continue;
        }
        await runOne(block, slide.title);
      }
      if (!slide.exercise) continue;
      const exercise = instantiateExercise(slide.exercise, values);
      const where = `${lesson.file}:${exercise.line}`;
      await t.test(`${where} exercise ${exercise.id}: the demos before it do not pass it`, async () => {
        const verdict = await gradeExercise(driver, sandboxOf, exercise);
        if (verdict.passed) tally.passedByDemos.push(`${where} ${exercise.id}`);
        assert.equal(verdict.passed, false, `${where}: the slides' demos, run as they are, pass exercise ${exercise.id}`);
      });
      // The solution gives the later slides a learner's solved state; that it passes is lesson-exercises' proof.
      await t.test(`${where} exercise ${exercise.id}: its solution runs after the demos and passes`, async () => {
        const solution = await runSolution(driver, sandboxOf, exercise);
        const ok = solution.exitCode === 0 && !solution.timedOut;
        if (!ok) tally.solutionsFailed.push(`${where} ${exercise.id}: exit ${solution.exitCode}${solution.timedOut ? ' (timed out)' : ''}: ${lastLine(solution.stderr || solution.stdout)}`);
        assert.ok(ok, `${where}: the solution of ${exercise.id} fails in the sandbox the demos left (exit ${solution.exitCode}):\n${solution.stdout}\n${solution.stderr}`);
        // A learner who did the demos and then the exercise passes it (lesson-exercises proves the same from a fresh sandbox).
        const verdict = await gradeExercise(driver, sandboxOf, exercise);
        const failed = verdict.checks.filter((c) => !c.passed);
        if (!verdict.passed) tally.solutionsFailed.push(`${where} ${exercise.id}: checks fail after the solution: ${failed.map((c) => c.message).join('; ').slice(0, 200)}`);
        assert.equal(verdict.passed, true, `${where}: after the demos and the solution, checks of ${exercise.id} fail: ${JSON.stringify(failed, null, 1)}`);
      });
      for (const block of selfChecks) await runOne(block, slide.title);
    }
    tally.ms = performance.now() - lessonStarted;

    /** One run block, typed as ▶ Run would, judged by what the terminal showed. */
    async function runOne(block: CodeBlock, slideTitle: string): Promise<void> {
      const where = `${lesson.file}:${block.line}`;
      await t.test(`${where} ${block.ci === 'runs' ? '' : `(${block.ci}) `}${firstLine(block.code)}`, async () => {
        const timeoutMs = block.ci === 'foreground' ? FOREGROUND_MS : BLOCK_MS;
        const result = await runBlock(driver, node1, block, state, timeoutMs);
        tally.blocks++;
        if (result.state !== undefined) state = result.state;
        const problem = disagreement(block, result, timeoutMs);
        if (problem) tally.failing.push(`${where}: ${problem.split('\n')[0]}`);
        assert.equal(problem, undefined, `${where} (slide "${slideTitle}"):\n${problem}\n--- the terminal showed:\n${result.output.slice(-3000)}`);
      });
    }
  }
});

const firstLine = (code: string): string => {
  const line = code.split('\n')[0]!.trim();
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
};
const lastLine = (text: string): string => text.trim().split('\n').at(-1)?.trim().slice(0, 200) ?? '';

/** What each lesson gave, for the log (the failures are also each a failing subtest). */
function printReport(wallMs: number): void {
  const lines = [`[run-blocks] ${tallies.size} lesson(s) in ${Math.round(wallMs / 1000)} s wall clock (${CONCURRENCY} sandboxes at a time)`];
  for (const [id, tally] of tallies) {
    lines.push(
      `[run-blocks] ${id}: ${tally.blocks} block(s) run in ${Math.round(tally.ms / 1000)} s, ${tally.failing.length} failing, ${tally.skipped.length} skipped, ` +
        `${tally.passedByDemos.length} exercise(s) passed by the demos, ${tally.solutionsFailed.length} solution(s) failing after the demos`,
    );
    for (const f of tally.failing) lines.push(`[run-blocks]   block   ${f}`);
    for (const e of tally.passedByDemos) lines.push(`[run-blocks]   passed by the demos: ${e}`);
    for (const s of tally.solutionsFailed) lines.push(`[run-blocks]   solution fails: ${s}`);
    for (const s of tally.skipped) lines.push(`[run-blocks]   ${s}`);
  }
  console.log(lines.join('\n'));
}
