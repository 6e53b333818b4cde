import { solutionSteps } from '../../../lib/lesson-format/solution-steps';
import type { DockerfileCheck, Exercise } from '../../../lib/lesson-format/schema';
import { judgeDockerState } from './docker-state';
import { checkDockerfile } from './dockerfile/rules';
import type { ExecResult, SandboxDriver } from '../engine/driver';
import { InnerEngineError, SandboxNotFoundError } from '../engine/errors';
import { INNER_ENGINE_START_COMMAND } from '../../../protocol';
import type { InnerEngine } from '../engine/inner-engine';
import { withDeadline } from '../../../lib/lifecycle/deadline';

/**
 * Runs an exercise's checks in a sandbox from outside the learner's shell:
 * each script goes in through the Docker API (exec, script on stdin, never
 * written into the sandbox), with a timeout and stdout/stderr kept apart.
 * The verdict is the server's; the browser can only ask for it.
 */
export interface CheckResult {
  index: number;
  passed: boolean;
  /** What the learner sees: the check's `fail` text (plus what it found), or "ok". */
  message: string;
  /** The check's `fail` text (what was expected), when it failed. */
  fail?: string;
  /** What the check requires (its `fail` text), passed or not: a passed check is shown as met. */
  expects: string;
  /** What the check found, when it failed and said so. */
  found?: string;
  /** The check's own hint, given only when it fails. */
  hint?: string;
  /** Separate findings of a failing check, when it has several (a Dockerfile's broken rules, one per line). */
  details?: string[];
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** The end of what the check printed, kept as evidence. */
  stdout: string;
  stderr: string;
}

export interface Verdict {
  exerciseId: string;
  passed: boolean;
  checks: CheckResult[];
  /**
   * Set when a check failed and the sandbox's own Docker engine does not
   * answer (the learner stopped it, broke it, or serves something else on its
   * socket): what the grader found, and how to get the engine back. A failed
   * check may then be the engine's doing, not the exercise's.
   */
  engine?: string;
  durationMs: number;
}

/** Evidence kept per check: enough to see what happened, bounded in size. */
const EVIDENCE_BYTES = 2_000;

/**
 * The environment checks run with: a fixed PATH and nothing inherited from
 * the learner's shell (an exec never sees the shell's variables, aliases or
 * functions). Hardening against a tampered sandbox filesystem is separate.
 */
const CHECK_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8', 'HOME=/root'];

const tail = (text: string): string => (text.length > EVIDENCE_BYTES ? `…${text.slice(-EVIDENCE_BYTES)}` : text);
const lastLine = (text: string): string => text.trim().split('\n').at(-1)?.trim() ?? '';

/** A Dockerfile larger than this is not one a lesson asks for. */
const DOCKERFILE_BYTES = 256 * 1024;

/** Reads the learner's Dockerfile from the sandbox (through the engine) and applies the rules. */
async function judgeDockerfile(driver: SandboxDriver, sandboxId: string, check: DockerfileCheck['dockerfile']): Promise<{ passed: boolean; found: string; details?: string[] }> {
  const file = await driver.readFile(sandboxId, check.path, DOCKERFILE_BYTES);
  if (file.kind === 'missing') return { passed: false, found: `there is no file ${check.path}` };
  if (file.kind === 'not-a-file') return { passed: false, found: `${check.path} is a ${file.type}, not a file` };
  if (file.truncated) return { passed: false, found: `${check.path} is ${file.size} bytes; a Dockerfile over ${DOCKERFILE_BYTES / 1024} KiB is not read` };
  const violations = checkDockerfile(file.content.toString('utf8'), check.rules);
  if (violations.length === 0) return { passed: true, found: `${check.path} follows ${check.rules.join(', ')}` };
  const details = violations.map((v) => `line ${v.line}: ${v.message}`);
  return { passed: false, found: details.join('; '), details };
}

/** Grades every check (they are independent; the learner sees all that fail, not just the first). */
/**
 * The sandbox of machine n of the learner's environment (multi-machine
 * lessons), undefined when that machine is not running; a plain id is every
 * machine's (a one-machine environment).
 */
export type MachineSandboxes = string | ((machine: number) => string | undefined);

export async function gradeExercise(driver: SandboxDriver, sandboxes: MachineSandboxes, exercise: Exercise): Promise<Verdict> {
  const started = performance.now();
  const checks: CheckResult[] = [];
  const sandboxOf = typeof sandboxes === 'string' ? () => sandboxes : sandboxes;
  const sandboxId = sandboxOf(1) ?? '';
  /** Inner engines by machine, connected once per verdict. */
  const engines = new Map<number, InnerEngine>();
  for (const [index, check] of exercise.checks.entries()) {
    const machine = check.machine ?? 1;
    const onMachine = sandboxOf(machine);
    if (!onMachine) {
      const found = `node${machine} is not running: open its tab so it starts`;
      checks.push({ index, passed: false, message: `${check.fail} — ${found}`, fail: check.fail, expects: check.fail, found, hint: check.hint, exitCode: null, timedOut: false, durationMs: 0, stdout: '', stderr: '' });
      continue;
    }
    const result = await gradeCheck(driver, onMachine, check, index, exercise, engines, machine);
    checks.push(result);
  }
  const passed = checks.every((c) => c.passed);
  const engineProblem = passed || !sandboxId ? undefined : await innerEngineProblem(driver, sandboxId, engines.get(1));
  return { exerciseId: exercise.id, passed, checks, engine: engineProblem, durationMs: Math.round(performance.now() - started) };
}

/** One check on one machine's sandbox: a Docker-state or Dockerfile check judged by the server, or a shell check run there. */
async function gradeCheck(
  driver: SandboxDriver,
  sandboxId: string,
  check: Exercise['checks'][number],
  index: number,
  exercise: Exercise,
  engines: Map<number, InnerEngine>,
  machine: number,
): Promise<CheckResult> {
  if ('docker' in check || 'dockerfile' in check) {
    // Judged by the server on what it read itself; no program in the sandbox runs.
    const checkStarted = performance.now();
    let result: { passed: boolean; found: string; details?: string[] };
    try {
      if ('docker' in check) {
        let engine = engines.get(machine);
        if (!engine) engines.set(machine, (engine = await driver.innerEngine(sandboxId)));
        result = await judgeDockerState({ engine, readFile: (path, max) => driver.readFile(sandboxId, path, max) }, check.docker);
      } else {
        result = await judgeDockerfile(driver, sandboxId, check.dockerfile);
      }
    } catch (error) {
      // A stopped or tampered inner engine fails the check with the reason; it never passes one.
      const what = 'docker' in check ? "your sandbox's Docker engine" : check.dockerfile.path;
      result = { passed: false, found: `the grader could not read ${what} (${(error as Error).message})` };
    }
    return {
      index,
      passed: result.passed,
      message: result.passed ? 'ok' : `${check.fail} — ${result.found}`,
      fail: result.passed ? undefined : check.fail,
      expects: check.fail,
      found: result.passed ? undefined : result.found,
      hint: result.passed ? undefined : check.hint,
      details: result.passed ? undefined : result.details,
      exitCode: null,
      timedOut: false,
      durationMs: Math.round(performance.now() - checkStarted),
      stdout: result.found,
      stderr: '',
    };
  }
  const result = await driver.exec(sandboxId, ['bash', '--noprofile', '--norc', '-s'], {
    stdin: check.shell,
    timeoutMs: exercise.timeoutSeconds * 1000,
    env: CHECK_ENV,
  });
  const passed = result.exitCode === 0 && !result.timedOut;
  const found = lastLine(result.stdout);
  const message = passed
    ? 'ok'
    : result.timedOut
      ? `${check.fail} (the check timed out after ${exercise.timeoutSeconds} s)`
      : found
        ? `${check.fail} — ${found}`
        : check.fail;
  return {
    index,
    passed,
    message,
    fail: passed ? undefined : check.fail,
    expects: check.fail,
    found: passed ? undefined : result.timedOut ? `the check timed out after ${exercise.timeoutSeconds} s` : found || undefined,
    hint: passed ? undefined : check.hint,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    durationMs: Math.round(result.durationMs),
    stdout: tail(result.stdout),
    stderr: tail(result.stderr),
  };
}

/** How long the grader waits for the inner engine to answer a ping (a stopped dockerd, SIGSTOP, never answers). */
const ENGINE_PING_MS = 5_000;

/**
 * Why a failed verdict may not be about the exercise: the sandbox's Docker
 * engine does not answer, or is not the one Drydock started. Undefined when
 * it answers. Asked once per failed verdict, from outside the learner's
 * shell, through the same verified connection Docker-state checks use.
 */
export async function innerEngineProblem(driver: SandboxDriver, sandboxId: string, connected?: InnerEngine): Promise<string | undefined> {
  try {
    const engine = connected ?? (await driver.innerEngine(sandboxId));
    await withDeadline(engine.ping(), ENGINE_PING_MS, () => new Error(`it did not answer within ${ENGINE_PING_MS / 1000} s`));
    return undefined;
  } catch (error) {
    if (error instanceof SandboxNotFoundError) throw error;
    // An InnerEngineError carries its own hint; this message gives one, once.
    const found = error instanceof InnerEngineError ? error.reason : (error as Error).message;
    return `Your sandbox's Docker engine is not answering, so the checks that need it cannot pass (the grader found: ${found}). Start it again in the terminal with \`${INNER_ENGINE_START_COMMAND}\`, or press Reset for a fresh sandbox.`;
  }
}

/** Runs an exercise's reference solution (content CI, and an instructor's "show me"). */
export async function runSolution(driver: SandboxDriver, sandboxes: MachineSandboxes, exercise: Exercise, timeoutMs = 120_000): Promise<ExecResult> {
  const sandboxOf = typeof sandboxes === 'string' ? () => sandboxes : sandboxes;
  let previous = '';
  let last: ExecResult | undefined;
  // A lab's solution is in steps, each on its machine (`#@ node2` starts one); a step reads the one before's output
  // as $PREVIOUS_OUTPUT (a swarm join token, say).
  for (const step of solutionSteps(exercise.solution)) {
    const id = sandboxOf(step.machine);
    if (!id) throw new Error(`the solution has a step on node${step.machine}, which is not running`);
    last = await driver.exec(id, ['bash', '--noprofile', '--norc', '-e', '-s'], { stdin: step.script, timeoutMs, env: [...CHECK_ENV, `PREVIOUS_OUTPUT=${previous}`] });
    if (last.exitCode !== 0 || last.timedOut) return { ...last, stdout: `(on node${step.machine}) ${last.stdout}` };
    previous = last.stdout.trim();
  }
  return last!;
}
