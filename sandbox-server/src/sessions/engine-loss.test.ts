import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineUnavailableError } from '../engine/errors';
import { EngineWatch } from './engine-watch';
import { ENGINE_BACK_MESSAGE, ENGINE_LOST_MESSAGE } from '../terminal/sandbox-session';
import { RecordingClient, setup, shutdownManagers, waitFor } from './test/session-fixtures';

/**
 * When the engine goes away (a dockerd restart) the learner's session waits
 * for it and reattaches, instead of counting a crash and giving up; a learner
 * arriving meanwhile keeps the sandbox they had. Against the real engine:
 * engine-restart.integration.test.ts.
 */

afterEach(shutdownManagers);

describe('the engine goes away and comes back', () => {
  test('the stream ends while the engine is away: the learner is told, nothing is spent, and the session reattaches when it is back', async () => {
    const { driver, manager } = setup();
    const client = new RecordingClient();
    const session = await manager.connect('learner', 'dind', client);
    const id = session.info.id;
    const startsBefore = driver.started.length;

    driver.engineAway = true;
    driver.stream(id).exit();
    await waitFor(() => client.controls.some((m) => m.type === 'status' && m.message === ENGINE_LOST_MESSAGE), 'the engine-lost status');
    await new Promise((r) => setTimeout(r, 600)); // a few tries while it is away
    assert.equal(session.isDisposed, false, 'the session waits');

    driver.engineAway = false;
    await waitFor(() => client.controls.some((m) => m.type === 'status' && m.message === ENGINE_BACK_MESSAGE), 'the engine-back status', 8000);
    assert.equal(client.closeCode, undefined, 'the socket stayed open');
    assert.equal(manager.sandboxIdOf('learner', 'dind'), id, 'the same sandbox');
    assert.ok(driver.started.length > startsBefore, 'attached and started again (a no-op on a running sandbox)');
    driver.stream(id).output('still here\r\n');
    await waitFor(() => client.output.includes('still here'), 'output from the new stream');
  });

  test('a learner whose sandbox was adopted at start-up keeps it while the engine is away', async () => {
    const { driver, manager } = setup();
    const seeded = driver.seed({ learnerId: 'returning' });
    await manager.reconcile();
    driver.engineAway = true;
    await assert.rejects(manager.connect('returning', 'dind', new RecordingClient()), EngineUnavailableError);
    assert.equal(driver.has(seeded.id), true, 'not removed');
    driver.engineAway = false;
    const session = await manager.connect('returning', 'dind', new RecordingClient());
    assert.equal(session.info.id, seeded.id, 'reattached to the same sandbox');
  });
});

describe('EngineWatch: a hung engine', () => {
  test('two failed pings make it away, one answer makes it ok; the learners are told both, and new terminals are turned away meanwhile', async () => {
    const { manager } = setup();
    const client = new RecordingClient();
    await manager.connect('learner', 'dind', client);
    let answering = true;
    // Never answering is what a stopped (SIGSTOP) engine does: the ping's timeout decides.
    manager.watchEngine(() => (answering ? Promise.resolve() : new Promise<void>(() => undefined)), { intervalMs: 20, timeoutMs: 30 });
    answering = false;
    await waitFor(() => manager.engineState === 'away', 'away', 2000);
    await waitFor(() => client.controls.some((m) => m.type === 'status' && m.message === ENGINE_LOST_MESSAGE), 'the learner told');
    answering = true;
    await waitFor(() => manager.engineState === 'ok', 'ok again', 2000);
    await waitFor(() => client.controls.some((m) => m.type === 'status' && m.message === ENGINE_BACK_MESSAGE), 'the learner told it is back');
    assert.equal(client.closeCode, undefined, 'the socket stayed open throughout');
  });

  test('one slow answer is not an outage', async () => {
    let calls = 0;
    const watch = new EngineWatch({ ping: () => (++calls === 1 ? new Promise<void>(() => undefined) : Promise.resolve()), timeoutMs: 20, failuresToAway: 2 });
    try {
      assert.equal(await watch.check(), 'ok');
      assert.equal(await watch.check(), 'ok');
      assert.equal(calls, 2);
    } finally {
      watch.dispose();
    }
  });
});
