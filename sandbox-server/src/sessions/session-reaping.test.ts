import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode } from '../../../protocol';
import { FakeDriver } from '../../test/fake-driver';
import { execInSandbox } from '../../test/sandboxes';
import { RecordingClient, setup, shutdownManagers, testConfig } from './test/session-fixtures';

afterEach(shutdownManagers);

/** Without a keep window (DRYDOCK_KEEP_DAYS=0), what goes idle or expires is removed at once: these tests are about that. */
const NO_KEEP = { environments: { ...testConfig().environments, keepMs: 0 } };

describe('SessionManager: reconcile, sweep, reset', () => {
  test('reconcile keeps unexpired sandboxes of this server and removes expired ones; a later connect reattaches', async () => {
    const driver = new FakeDriver({ serverId: 'test' });
    const kept = driver.seed({ learnerId: 'learner-a', expiresAt: Date.now() + 3_600_000 });
    const expired = driver.seed({ learnerId: 'learner-b', expiresAt: Date.now() - 1 });
    const foreign = driver.seed({ learnerId: 'learner-c', expiresAt: Date.now() - 1 }, 'another-server');
    const { manager } = setup(NO_KEEP, driver);

    assert.deepEqual(await manager.reconcile(), { kept: 1, parked: 0, removed: 1 });
    assert.deepEqual(driver.removed, [expired.id]);
    assert.ok(driver.has(kept.id));
    assert.ok(driver.has(foreign.id), 'another server’s sandbox is never touched');
    assert.equal(manager.size, 1);

    const client = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', client);
    assert.equal(session.info.id, kept.id);
    assert.equal(driver.created.length, 0);
    const hello = client.hello();
    assert.equal(hello.reattached, true);
    assert.equal(hello.sandboxId, kept.id.slice(0, 12));
    assert.equal(hello.expiresAt, kept.expiresAt);
    assert.deepEqual(driver.calls.slice(-2), [`attach:${kept.id}`, `start:${kept.id}`]);
  });

  test('reconcile removes a second sandbox for the same learner and profile, and one without a learner', async () => {
    const driver = new FakeDriver();
    const first = driver.seed({ learnerId: 'learner-a' });
    const duplicate = driver.seed({ learnerId: 'learner-a' });
    const anonymous = driver.seed({ learnerId: '' });
    const { manager } = setup({}, driver);
    assert.deepEqual(await manager.reconcile(), { kept: 1, parked: 0, removed: 2 });
    assert.deepEqual(new Set(driver.removed), new Set([duplicate.id, anonymous.id]));
    assert.ok(driver.has(first.id));
  });

  test('a dormant sandbox that vanished is replaced by a new one', async () => {
    const driver = new FakeDriver();
    const gone = driver.seed({ learnerId: 'learner-a' });
    const { manager } = setup({}, driver);
    await manager.reconcile();
    await driver.remove(gone.id);
    const client = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', client);
    assert.notEqual(session.info.id, gone.id);
    assert.equal(driver.created.length, 1);
    assert.equal(client.hello().reattached, false);
  });

  test('sweep removes an expired session: clients get status expired and close code 4410', async () => {
    const { driver, manager } = setup(NO_KEEP);
    const client = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', client);
    await manager.sweep(session.info.expiresAt);
    assert.deepEqual(driver.removed, [session.info.id]);
    assert.deepEqual(client.statuses, ['expired']);
    const status = client.controls.at(-1);
    assert.match(status?.type === 'status' ? status.message : '', /maximum lifetime/);
    assert.equal(client.closeCode, CloseCode.EXPIRED);
    assert.equal(CloseCode.EXPIRED, 4410);
    assert.equal(manager.sandboxIdOf('learner-a', 'dind'), undefined);
    assert.equal(manager.size, 0);
  });

  test('sweep removes an idle session without clients', async () => {
    const { driver, manager, config } = setup(NO_KEEP);
    const client = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', client);
    manager.disconnect(session, client);
    await manager.sweep(Date.now() + config.limits.idleTimeoutMs - 60_000);
    assert.deepEqual(driver.removed, [], 'not idle long enough yet');
    await manager.sweep(Date.now() + config.limits.idleTimeoutMs + 1000);
    assert.deepEqual(driver.removed, [session.info.id]);
    assert.equal(manager.size, 0);
    assert.equal(client.closeCode, undefined, 'the departed client is not contacted');

    const next = await manager.connect('learner-a', 'dind', new RecordingClient());
    assert.notEqual(next.info.id, session.info.id, 'a later connect gets a fresh sandbox');
  });

  test('sweep keeps an idle session that still has a client', async () => {
    const { driver, manager, config } = setup();
    const client = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', client);
    await manager.sweep(Date.now() + config.limits.idleTimeoutMs + 1000);
    assert.deepEqual(driver.removed, []);
    assert.equal(manager.sandboxIdOf('learner-a', 'dind'), session.info.id);
    assert.equal(session.isDisposed, false);
    assert.equal(client.closeCode, undefined);
  });

  test('sweep removes a dormant sandbox nobody came back to', async () => {
    const driver = new FakeDriver();
    const dormant = driver.seed({ learnerId: 'learner-a' });
    const { manager, config } = setup(NO_KEEP, driver);
    await manager.reconcile();
    await manager.sweep(Date.now() + 1000);
    assert.deepEqual(driver.removed, []);
    await manager.sweep(Date.now() + config.limits.idleTimeoutMs + 1000);
    assert.deepEqual(driver.removed, [dormant.id]);
    assert.equal(manager.size, 0);
  });

  test('reset removes the sandbox and closes clients with 4503; the next connect gets a fresh sandbox', async () => {
    const { driver, manager } = setup();
    const a = new RecordingClient();
    const b = new RecordingClient();
    const session = await manager.connect('learner-a', 'dind', a);
    await manager.connect('learner-a', 'dind', b);
    await manager.reset('learner-a', 'dind');
    assert.deepEqual(driver.removed, [session.info.id]);
    for (const c of [a, b]) {
      assert.equal(c.closeCode, CloseCode.SHUTDOWN);
      assert.equal(c.statuses.at(-1), 'removed');
    }
    assert.equal(CloseCode.SHUTDOWN, 4503);
    assert.equal(manager.size, 0);

    const fresh = new RecordingClient();
    const next = await manager.connect('learner-a', 'dind', fresh);
    assert.notEqual(next.info.id, session.info.id);
    assert.equal(fresh.hello().reattached, false);
    assert.equal(driver.created.length, 2);
  });

  test('reset of a dormant sandbox removes it', async () => {
    const driver = new FakeDriver();
    const dormant = driver.seed({ learnerId: 'learner-a' });
    const { manager } = setup({}, driver);
    await manager.reconcile();
    await manager.reset('learner-a', 'dind');
    assert.deepEqual(driver.removed, [dormant.id]);
    assert.equal(manager.size, 0);
  });

  test('execInSandbox (the tests’ way in) runs in the learner’s sandbox, opening one first if they have none', async () => {
    const driver = new FakeDriver({ execResult: (_id, cmd) => ({ exitCode: 0, stdout: cmd.join(' '), stderr: '' }) });
    const { manager } = setup({}, driver);
    const result = await execInSandbox({ manager, driver }, 'learner-a', 'dind', ['docker', 'ps'], { timeoutMs: 500 });
    assert.equal(result.stdout, 'docker ps');
    assert.equal(driver.created.length, 1, 'a sandbox was opened for the learner');
    const id = manager.sandboxIdOf('learner-a', 'dind');
    const learnerExecs = driver.execs.filter((e) => e.cmd.join(' ') !== 'cat /run/drydock/engine-ready'); // the server's readiness probe
    assert.deepEqual(learnerExecs, [{ id, cmd: ['docker', 'ps'], options: { timeoutMs: 500 } }]);
    assert.deepEqual(manager.connectionState('learner-a'), { sockets: 0, lastInputAt: null }, 'no client stays attached');
    await execInSandbox({ manager, driver }, 'learner-a', 'dind', ['true'], { timeoutMs: 500 });
    assert.equal(driver.created.length, 1, 'the second runs in the same sandbox');
  });
});
