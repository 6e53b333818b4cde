import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import type { Exercise } from '../../../lib/lesson-format/schema';
import { silentLogger } from '../../../lib/logging/logger';
import { SessionManager } from '../sessions/session-manager';
import { PROMPT, RecordingClient, cleanupServer, requireDocker, stripAnsi, testConfig, testDriver, waitFor } from '../../test/support';
import { removeEverySandbox } from '../../test/sandboxes';
import type { SandboxDriver } from '../engine/driver';
import { gradeExercise } from './grader';

/**
 * A learner kills or breaks their sandbox's inner dockerd (issue 11, faults):
 * the terminal says so at once, the grader says so beside its failed checks,
 * and either the learner's own restart or Reset brings a working engine back.
 * Against the real engine, with keystrokes typed into the real terminal.
 */

const PROFILE = 'dind';

/** One Docker-state check and one shell check that calls `docker`: both need the inner engine. */
const EXERCISE: Exercise = {
  id: 'engine-needed',
  title: 'A container named web',
  line: 1,
  timeoutSeconds: 20,
  hints: [],
  checks: [
    { docker: { container: 'web', running: true }, fail: 'no running container named web' },
    { shell: 'docker ps --format "{{.Names}}" | grep -qx web', fail: 'docker ps does not list web' },
  ],
  solution: 'docker run -d --name web busybox sleep 600',
};

/** The sandbox's inner dockerd log, for a failure message. */
async function dockerdLog(driver: SandboxDriver, sandboxId: string): Promise<string> {
  const r = await driver.exec(sandboxId, ['sh', '-c', 'ps -eo pid,stat,args | grep -E "[d]ockerd|[c]ontainerd"; tail -n 25 /var/log/dockerd.log'], { timeoutMs: 10_000, maxOutputBytes: 16_384 });
  return `--- inner processes and dockerd.log ---\n${r.stdout}${r.stderr}`;
}

/** waitFor, and on a timeout: the terminal's tail and the inner dockerd's log in the message. */
async function waitForOrExplain(what: string, predicate: () => boolean, timeoutMs: number, driver: SandboxDriver, sandboxId: string, terminal: () => string): Promise<void> {
  try {
    await waitFor(what, predicate, timeoutMs);
  } catch (error) {
    assert.fail(`${(error as Error).message}\n--- terminal ---\n${terminal().slice(-2000)}\n${await dockerdLog(driver, sandboxId)}`);
  }
}

function type(session: { input(data: Uint8Array): void }, text: string): void {
  session.input(Buffer.from(text, 'utf8'));
}

describe('a learner stops their inner dockerd (real engine)', () => {
  const config = testConfig();
  const driver = testDriver(config);
  const manager = new SessionManager(driver, config, silentLogger);
  const learnerId = randomBytes(16).toString('base64url');
  let docker: Docker;

  before(async () => {
    docker = await requireDocker();
  });

  after(async () => {
    await removeEverySandbox(manager, driver);
    manager.dispose();
    assert.deepEqual(await cleanupServer(docker, config.serverId), { containers: 0, networks: 0, volumes: 0 });
  });

  test('the terminal and the grader say so; the learner\'s restart and Reset each bring it back', async () => {
    const client = new RecordingClient();
    let session = await manager.connect(learnerId, PROFILE, client);
    await waitFor('the first prompt', () => PROMPT.test(client.text()), 60_000);
    await waitFor('the inner engine ready', () => session.engineReady, 60_000);
    const seen = (from: number): string => stripAnsi(client.text().slice(from));

    // A working engine: the verdict fails on the exercise alone, and the grader says nothing about the engine.
    const before = await gradeExercise(driver, session.info.id, EXERCISE);
    assert.equal(before.passed, false);
    assert.equal(before.engine, undefined, 'a running engine is not reported');

    // The learner kills dockerd from their shell.
    let from = client.text().length;
    type(session, 'kill -9 $(pidof dockerd)\r');
    await waitFor('the terminal to say the engine stopped', () => /\[drydock\] Your Docker engine \(dockerd\) stopped: killed by signal 9/.test(seen(from)), 15_000);
    assert.match(seen(from), /dockerd >>\/var\/log\/dockerd\.log 2>&1 &/, 'the terminal says how to start it again');
    assert.match(seen(from), /press Reset/);

    const stopped = await gradeExercise(driver, session.info.id, EXERCISE);
    assert.equal(stopped.passed, false);
    assert.ok(stopped.engine, `the verdict names the engine; got ${JSON.stringify(stopped)}`);
    assert.match(stopped.engine, /Your sandbox's Docker engine is not answering/);
    assert.match(stopped.engine, /`dockerd >>\/var\/log\/dockerd\.log 2>&1 &`, or press Reset/);
    assert.match(stopped.checks[0]!.message, /the grader could not read your sandbox's Docker engine/, 'the Docker-state check says why it failed');

    // The learner follows the terminal's advice: the engine answers again and the exercise can pass.
    from = client.text().length;
    type(session, 'dockerd >>/var/log/dockerd.log 2>&1 &\r');
    // Bounded, and a failed `docker run` says so: a CI run once timed out here with nothing to go on.
    type(session, 'for i in $(seq 300); do docker version >/dev/null 2>&1 && break; sleep 0.2; done; docker run -d --name web busybox sleep 600 >/dev/null && echo web-$((6*7)) || echo run-failed-$((6*7))\r');
    await waitForOrExplain('the restarted engine running web', () => /^(web|run-failed)-42\r?$/m.test(seen(from)), 90_000, driver, session.info.id, () => seen(from));
    assert.doesNotMatch(seen(from), /^run-failed-42\r?$/m, `docker run failed on the restarted engine:\n${seen(from)}\n${await dockerdLog(driver, session.info.id)}`);
    const restarted = await gradeExercise(driver, session.info.id, EXERCISE);
    assert.deepEqual(
      restarted.checks.map((c) => c.message),
      ['ok', 'ok'],
      'an engine the learner started again by hand is graded as before',
    );
    assert.equal(restarted.passed, true);
    assert.equal(restarted.engine, undefined);

    // Broken another way: the engine stopped again (TERM this time), then Reset.
    from = client.text().length;
    type(session, 'pkill -x dockerd; sleep 3; echo stopped-$((5*5))\r');
    await waitFor('the engine stopped again', () => /^stopped-25\r?$/m.test(seen(from)), 30_000);
    assert.ok((await gradeExercise(driver, session.info.id, EXERCISE)).engine, 'the grader reports it again');
    const oldId = session.info.id;
    await manager.reset(learnerId, PROFILE);
    assert.ok(client.closed, 'Reset closes the old terminal (the browser reconnects)');

    const fresh = new RecordingClient();
    session = await manager.connect(learnerId, PROFILE, fresh);
    assert.notEqual(session.info.id, oldId, 'Reset gives a new sandbox');
    await waitFor('the fresh sandbox\'s engine ready', () => session.engineReady, 60_000);
    const afterReset = await gradeExercise(driver, session.info.id, EXERCISE);
    assert.equal(afterReset.engine, undefined, 'the fresh sandbox\'s engine answers');
    assert.equal(afterReset.passed, false, 'and the exercise starts over');
  });
});
