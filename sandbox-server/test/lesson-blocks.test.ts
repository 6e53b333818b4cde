import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import type { CodeBlock } from '../../lib/lesson-format/schema';
import { blockScript, disagreement, judgeOutput, type BlockRun } from './lesson-blocks';

/** Runs a block's script as content CI does (script's pseudo-terminal, a login bash), on this machine instead of a sandbox. */
function runHere(code: string, state = ''): ReturnType<typeof judgeOutput> {
  const result = spawnSync('script', ['-qefc', 'exec bash --login -c "$DRYDOCK_CI_SCRIPT"', '/dev/null'], {
    env: { ...process.env, DRYDOCK_CI_STATE: state, DRYDOCK_CI_SCRIPT: blockScript(code) },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 20_000,
  });
  return judgeOutput(`${result.stdout}${result.stderr}`.replace(/\r\n?/g, '\n'), 100);
}

const block = (ci: CodeBlock['ci']): CodeBlock => ({ lang: 'sh', mode: 'run', interrupt: false, ci, code: '', line: 100 });
const run = (over: Partial<BlockRun>): BlockRun => ({ output: '', failedCommands: [], errorLines: [], timedOut: false, finished: true, durationMs: 1, ...over });

describe('running a lesson block as content CI does', () => {
  test('a failed command is reported with its line in lesson.md; one silenced with 2>/dev/null is not', () => {
    const judged = runHere('ls /nonexistent 2>/dev/null; echo fine\nls /nope\nfalse && true\nfor i in 1; do\n  false\ndone');
    assert.deepEqual(
      judged.failedCommands.map((f) => [f.line, f.status, f.command]),
      [
        [102, 2, 'ls /nope'],
        [105, 1, 'false'],
      ],
    );
    assert.equal(judged.errorLines.length, 1);
    assert.match(judged.errorLines[0]!, /No such file or directory/);
    assert.ok(judged.output.startsWith('fine\n'), judged.output);
    assert.ok(judged.finished);
  });

  test('the working directory and the variables a block set reach the next block', () => {
    const first = runHere('cd /tmp && PID=$(echo 42)\nMULTI="a b\nc"');
    assert.ok(first.state, 'no state');
    const second = runHere('echo "$PID|$MULTI|$(pwd)"', first.state);
    assert.equal(second.output, '42|a b\nc|/tmp');
    assert.deepEqual(second.failedCommands, []);
  });

  test('an unclosed here-doc never reaches the end of the block', () => {
    const judged = runHere("cat <<'EOF'\nnever closed");
    assert.equal(judged.finished, false);
    assert.match(disagreement(block('runs'), run({ finished: false }), 1000) ?? '', /ended before the end of the block/);
  });
});

describe('disagreement: what a block promised against what it showed', () => {
  test('runs: any error disagrees; a clean run agrees', () => {
    assert.equal(disagreement(block('runs'), run({}), 1000), undefined);
    assert.match(disagreement(block('runs'), run({ errorLines: ['Error response from daemon: x'] }), 1000) ?? '', /prints: Error response/);
    assert.match(disagreement(block('runs'), run({ timedOut: true, finished: false }), 1000) ?? '', /did not finish within 1 s/);
  });

  test('fails: must show an error', () => {
    assert.equal(disagreement(block('fails'), run({ failedCommands: [{ line: 3, status: 1, command: 'x' }] }), 1000), undefined);
    assert.match(disagreement(block('fails'), run({}), 1000) ?? '', /marked "fails", but every command succeeded/);
  });

  test('foreground: being stopped at the time limit is success; an error before it is not', () => {
    assert.equal(disagreement(block('foreground'), run({ timedOut: true, finished: false }), 1000), undefined);
    assert.match(disagreement(block('foreground'), run({ timedOut: true, finished: false, errorLines: ['sh: foo: command not found'] }), 1000) ?? '', /command not found/);
  });
});
