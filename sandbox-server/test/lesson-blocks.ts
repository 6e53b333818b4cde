import type { SandboxDriver } from '../src/engine/driver';
import type { CodeBlock } from '../../lib/lesson-format/schema';
import { stripAnsi } from './support';

/**
 * Content CI's learner: runs a lesson's `sh run` blocks in a sandbox the way
 * ▶ Run types them into the terminal, and says whether what the terminal
 * showed agrees with what the block's options (CiExpectation) promise.
 *
 * How a block runs. Through the driver's exec (as the grader's runSolution),
 * in a login bash, in a pseudo-terminal (`script`) whose input is already at
 * its end: a command that wants a terminal (`docker run -it busybox sh`,
 * `docker exec -it`) gets one, and the shell it opens reads end-of-input at
 * once, as if the learner had typed `exit`. What the learner's shell keeps
 * from block to block is carried over: the working directory and the
 * variables the lesson set (`PID=$(docker inspect …)`), printed at the end of
 * each block and restored at the start of the next. A block cut off at its
 * timeout (a `foreground` one) carries nothing over.
 *
 * What counts as an error: a command that exits non-zero (bash's ERR trap:
 * not the test of an `if`, nor a command before `&&`/`||`), unless the lesson
 * sent its errors to /dev/null on purpose; or output matching ERROR_PATTERNS.
 */

/** Output that says something went wrong, wherever a command printed it. */
export const ERROR_PATTERNS: readonly RegExp[] = [
  /Error response from daemon/,
  /^(?:Error|ERROR)\b/m,
  /command not found/,
  /No such (?:file|container|image|object|volume|network)/i,
  /permission denied|Operation not permitted/i,
  /\binvalid\b/i,
  /unknown (?:shorthand )?flag|unknown command/i,
  /Read-only file system/,
  /\bcan't (?:create|open|execute|kill|connect|cd)\b/,
  /bad address/,
];

/** A command the lesson ran with its errors silenced (`2>/dev/null`, `&>/dev/null`) may fail: the learner sees nothing. */
const SILENCED = /(?:2|&)>\s*\/dev\/null/;

const RS = '\x1e';
const ERR_MARK = `${RS}CI-ERR `;
const STATE_MARK = `${RS}CI-STATE`;
const END_MARK = `${RS}CI-END`;

/**
 * The script around the block: restore the previous block's shell state,
 * trap failures, run the block, print the state to carry over. PRELUDE is
 * exactly PRELUDE_LINES lines, so $LINENO - PRELUDE_LINES is the block's line.
 */
const PRELUDE = [
  String.raw`__ci_base=" $(compgen -v | tr '\n' ' ') "; eval "$DRYDOCK_CI_STATE"; unset DRYDOCK_CI_STATE DRYDOCK_CI_SCRIPT; stty cols 120 rows 40 2>/dev/null`,
  String.raw`__ci_err() { printf '\n\036CI-ERR %s %s %s\n' "$1" "$2" "${'$'}{3//$'\n'/ }"; }; set -E; trap '__ci_err $? $LINENO "$BASH_COMMAND"' ERR`,
].join('\n');
const PRELUDE_LINES = 2;
const EPILOGUE = [
  'trap - ERR; set +E',
  String.raw`printf '\n\036CI-STATE\n'`,
  String.raw`for __ci_v in $(compgen -v); do case "$__ci_base" in *" $__ci_v "*) ;; *) [[ $__ci_v == __ci_* ]] || declare -p "$__ci_v" 2>/dev/null ;; esac; done`,
  String.raw`printf 'cd %q\n\036CI-END\n' "$PWD"`,
].join('\n');

/** The whole script bash runs for one block (exported for the unit test). */
export const blockScript = (code: string): string => `${PRELUDE}\n${code}\n${EPILOGUE}\n`;

export interface BlockRun {
  /** What the terminal showed (ANSI stripped, CI's own markers removed). */
  output: string;
  /** Failed commands that were not silenced: line in lesson.md, exit status, command. */
  failedCommands: { line: number; status: number; command: string }[];
  /** Output lines that match ERROR_PATTERNS. */
  errorLines: string[];
  timedOut: boolean;
  /** The shell state to carry into the next block (undefined: keep the previous one). */
  state?: string;
  /** The block ran to its end (printed its state). */
  finished: boolean;
  durationMs: number;
}

/** Runs one block (the driver's exec, a pseudo-terminal, a login bash) with the shell state of the blocks before it. */
export async function runBlock(driver: SandboxDriver, sandboxId: string, block: CodeBlock, state: string, timeoutMs: number): Promise<BlockRun> {
  const script = blockScript(block.code);
  const result = await driver.exec(sandboxId, ['script', '-qefc', 'exec bash --login -c "$DRYDOCK_CI_SCRIPT"', '/dev/null'], {
    timeoutMs,
    env: ['HOME=/root', 'TERM=xterm-256color', 'LANG=C.UTF-8', `DRYDOCK_CI_STATE=${state}`, `DRYDOCK_CI_SCRIPT=${script}`],
    maxOutputBytes: 1_000_000,
  });
  const raw = stripAnsi(result.stdout + result.stderr).replace(/\r\n?/g, '\n');
  return { ...judgeOutput(raw, block.line), timedOut: result.timedOut, durationMs: Math.round(result.durationMs) };
}

/** Splits what a block printed into what the learner saw, the commands that failed, and the state to carry over. */
export function judgeOutput(raw: string, fenceLine: number): Pick<BlockRun, 'output' | 'failedCommands' | 'errorLines' | 'state' | 'finished'> {
  const stateAt = raw.lastIndexOf(`\n${STATE_MARK}\n`);
  const endAt = raw.lastIndexOf(`${END_MARK}`);
  const finished = stateAt >= 0 && endAt > stateAt;
  const state = finished ? raw.slice(stateAt + STATE_MARK.length + 2, endAt) : undefined;
  const shown = stateAt >= 0 ? raw.slice(0, stateAt) : raw;
  const failedCommands: BlockRun['failedCommands'] = [];
  const kept: string[] = [];
  for (const line of shown.split('\n')) {
    const at = line.indexOf(ERR_MARK);
    if (at < 0) {
      kept.push(line);
      continue;
    }
    if (at > 0) kept.push(line.slice(0, at));
    const [status = '', lineNo = '', ...command] = line.slice(at + ERR_MARK.length).split(' ');
    const text = command.join(' ');
    if (SILENCED.test(text)) continue;
    // The fence is line N, the block's first line N+1; $LINENO counts the prelude first.
    const entry = { line: fenceLine + Number(lineNo) - PRELUDE_LINES, status: Number(status), command: text };
    // A failed command substitution is reported twice (inside and by its assignment): once is enough.
    if (!failedCommands.some((f) => f.line === entry.line && f.status === entry.status)) failedCommands.push(entry);
  }
  const output = kept.join('\n').replace(/^\n+/, '').replace(/\n+$/, '');
  const errorLines = output.split('\n').filter((l) => ERROR_PATTERNS.some((p) => p.test(l)));
  return { output, failedCommands, errorLines, state, finished };
}

/** The verdict on a run against the block's CiExpectation: undefined when it agrees, else why not. */
export function disagreement(block: CodeBlock, run: BlockRun, timeoutMs: number): string | undefined {
  const errors = [
    ...run.failedCommands.map((f) => `line ${f.line}: exit ${f.status}: ${f.command}`),
    ...run.errorLines.map((l) => `prints: ${l.trim().slice(0, 200)}`),
  ];
  if (block.ci === 'fails') {
    if (run.timedOut) return `did not finish within ${timeoutMs / 1000} s`;
    return errors.length > 0 ? undefined : 'marked "fails", but every command succeeded and printed no error';
  }
  if (run.timedOut && block.ci !== 'foreground') errors.push(`did not finish within ${timeoutMs / 1000} s (a command that runs until Ctrl-C? mark the block "foreground")`);
  if (!run.timedOut && !run.finished) errors.push('the shell ended before the end of the block (an unclosed quote or here-doc, or an exit?)');
  return errors.length > 0 ? errors.join('\n') : undefined;
}
