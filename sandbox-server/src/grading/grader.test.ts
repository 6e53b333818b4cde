import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Check, Exercise } from '../../../lib/lesson-format/schema';
import { FakeDriver } from '../../test/fake-driver';
import { FakeInnerEngine, loadRecording } from '../../test/fake-inner-engine';
import { InnerEngineError } from '../engine/errors';
import { gradeExercise } from './grader';

/**
 * gradeExercise as the Check button runs it, on a fake sandbox: shell checks
 * through exec, Docker-state checks on recorded inner-engine answers,
 * Dockerfile checks on a file the backend reads. What the learner reads for
 * each verdict, and what is kept as evidence.
 */
const exercise = (...checks: Check[]): Exercise => ({ id: 'try', title: 'Try it', line: 1, hints: [], timeoutSeconds: 5, solution: 'true', checks });

function sandbox(options: ConstructorParameters<typeof FakeDriver>[0] = {}) {
  const driver = new FakeDriver(options);
  const { id } = driver.seed({ learnerId: 'learner' });
  const engine = new FakeInnerEngine(loadRecording(new URL('./fixtures/', import.meta.url)));
  driver.innerEngines.set(id, engine);
  return { driver, id, engine };
}

describe('gradeExercise: Docker-state checks', () => {
  test('a met assertion passes with "ok" and no hint; evidence says what was found', async () => {
    const { driver, id } = sandbox();
    const verdict = await gradeExercise(driver, id, exercise({ docker: { container: 'web', running: true }, fail: 'web must run', hint: 'docker start web' }));
    assert.equal(verdict.passed, true);
    const [check] = verdict.checks;
    assert.deepEqual({ ...check, durationMs: 0 }, { index: 0, passed: true, message: 'ok', fail: undefined, expects: 'web must run', found: undefined, hint: undefined, details: undefined, exitCode: null, timedOut: false, durationMs: 0, stdout: 'web is as expected', stderr: '' });
  });

  test('an unmet one fails with the check\'s text, what was found, and its hint', async () => {
    const { driver, id } = sandbox();
    const verdict = await gradeExercise(driver, id, exercise({ docker: { container: 'three', exitCode: 0 }, fail: 'three must exit cleanly', hint: 'exit 0' }));
    assert.equal(verdict.passed, false);
    const [check] = verdict.checks;
    assert.equal(check!.message, 'three must exit cleanly — three should have exited with 0; it is exited (3)');
    assert.equal(check!.fail, 'three must exit cleanly');
    assert.equal(check!.found, 'three should have exited with 0; it is exited (3)');
    assert.equal(check!.hint, 'exit 0');
  });

  test('an engine that cannot answer fails the check with the reason; it never passes one', async () => {
    const { driver, id, engine } = sandbox();
    engine.inspectNetwork = () => Promise.reject(new Error("the sandbox's Docker socket was tampered with: /run/docker.sock is not a socket"));
    const verdict = await gradeExercise(driver, id, exercise({ docker: { network: 'bridge', exists: true }, fail: 'bridge must exist' }));
    assert.equal(verdict.checks[0]!.message, "bridge must exist — the grader could not read your sandbox's Docker engine (the sandbox's Docker socket was tampered with: /run/docker.sock is not a socket)");
    driver.innerEngines.delete(id);
    const none = await gradeExercise(driver, id, exercise({ docker: { network: 'bridge', exists: true }, fail: 'bridge must exist' }));
    assert.equal(none.checks[0]!.passed, false);
    assert.match(none.checks[0]!.message, /^bridge must exist — the grader could not read your sandbox's Docker engine \(no inner engine answers/);
  });
});

describe('gradeExercise: a failed verdict says when the inner engine is the cause', () => {
  test('a refused engine: Verdict.engine gives the reason once and one way back, not the refusal\'s own hint as well', async () => {
    const { driver, id } = sandbox();
    driver.innerEngine = () => Promise.reject(new InnerEngineError('no Docker engine of the sandbox listens on /run/docker.sock', 'start it again (their hint)'));
    const verdict = await gradeExercise(driver, id, exercise({ docker: { network: 'bridge', exists: true }, fail: 'bridge must exist' }));
    assert.equal(verdict.passed, false);
    assert.match(verdict.engine ?? '', /^Your sandbox's Docker engine is not answering, so the checks that need it cannot pass \(the grader found: no Docker engine of the sandbox listens on \/run\/docker.sock\)\. Start it again in the terminal with `dockerd/);
    assert.doesNotMatch(verdict.engine ?? '', /their hint/);
  });

  test('an engine that answers its ping: no engine message, and the engine the checks used is asked, not connected to again', async () => {
    const { driver, id, engine } = sandbox();
    let connects = 0;
    const connect = driver.innerEngine.bind(driver);
    driver.innerEngine = (sandboxId) => (connects++, connect(sandboxId));
    let pings = 0;
    engine.ping = () => (pings++, Promise.resolve());
    const verdict = await gradeExercise(driver, id, exercise({ docker: { container: 'three', exitCode: 0 }, fail: 'three must exit cleanly' }));
    assert.deepEqual({ passed: verdict.passed, engine: verdict.engine, connects, pings }, { passed: false, engine: undefined, connects: 1, pings: 1 });
  });
});

describe('gradeExercise: Dockerfile checks', () => {
  const path = '/root/web/Dockerfile';
  const check: Check = { dockerfile: { path, rules: ['pinnedBaseTag', 'execFormCmd'] }, fail: 'Fix the Dockerfile.' };

  test('each broken rule is a detail with its line', async () => {
    const { driver, id } = sandbox({ files: { [path]: 'FROM busybox\nCMD httpd -f\n' } });
    const [result] = (await gradeExercise(driver, id, exercise(check))).checks;
    assert.equal(result!.passed, false);
    assert.deepEqual(result!.details, [
      'line 1: expected a pinned tag such as busybox:1.36; found FROM busybox with no tag (it means :latest, which changes under you)',
      'line 2: expected exec form, e.g. CMD ["httpd","-f"]; found shell form CMD httpd -f (it runs under /bin/sh -c, so your program is not PID 1 and misses signals)',
    ]);
    assert.equal(result!.message, `Fix the Dockerfile. — ${result!.details!.join('; ')}`);
  });

  test('a file that follows the rules passes; a missing or oversized one fails', async () => {
    const good = sandbox({ files: { [path]: 'FROM busybox:1.36\nCMD ["httpd", "-f"]\n' } });
    assert.equal((await gradeExercise(good.driver, good.id, exercise(check))).passed, true);
    const missing = sandbox();
    assert.equal((await gradeExercise(missing.driver, missing.id, exercise(check))).checks[0]!.message, 'Fix the Dockerfile. — there is no file /root/web/Dockerfile');
    const huge = sandbox({ files: { [path]: `FROM busybox:1.36\n${'#'.repeat(300 * 1024)}\n` } });
    assert.match((await gradeExercise(huge.driver, huge.id, exercise(check))).checks[0]!.message, /is \d+ bytes; a Dockerfile over 256 KiB is not read$/);
  });
});

describe('gradeExercise: shell checks', () => {
  test('exit 0 passes; a failure says what the script printed last; a timeout says so', async () => {
    const { driver, id } = sandbox({
      execResult: (_id, _cmd, options) =>
        options.stdin === 'pass' ? { exitCode: 0 } : options.stdin === 'slow' ? { exitCode: null, timedOut: true } : { exitCode: 1, stdout: 'looked\nno /tmp/one\n' },
    });
    const verdict = await gradeExercise(driver, id, exercise({ shell: 'pass', fail: 'a' }, { shell: 'fails', fail: 'b must hold', hint: 'try harder' }, { shell: 'slow', fail: 'c' }));
    assert.deepEqual(
      verdict.checks.map((c) => [c.passed, c.message, c.hint]),
      [
        [true, 'ok', undefined],
        [false, 'b must hold — no /tmp/one', 'try harder'],
        [false, 'c (the check timed out after 5 s)', undefined],
      ],
    );
    assert.equal(verdict.passed, false, 'every check runs, and one failure fails the exercise');
    assert.deepEqual(driver.execs.map((e) => e.cmd), Array(3).fill(['bash', '--noprofile', '--norc', '-s']), 'the script goes in on stdin, never as a file');
    assert.ok(driver.execs.every((e) => e.options.timeoutMs === 5000 && e.options.env?.includes('HOME=/root')));
  });
});
