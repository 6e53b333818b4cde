import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { ServerControl } from '../../../protocol';
import { loadSandboxServerConfig } from '../config/config';
import { FakeDriver } from '../../test/fake-driver';
import type { Logger } from '../../../lib/logging/logger';
import { silentLogger } from '../../../lib/logging/logger';
import { dockerConfigFor, type RegistryAdmission, type RegistryLogin } from '../registry/registry-auth';
import { SessionManager, type Placement } from './session-manager';
import type { TerminalClient } from '../terminal/terminal-client';

/**
 * A class learner's sandbox gets their registry login once it is theirs:
 * when it is created for them, or when they claim a warm one (never while
 * it waits in the pool, so a warm sandbox holds nobody's login).
 */

const client = (): TerminalClient => ({ sendOutput: () => undefined, sendControl: (_: ServerControl) => undefined, close: () => undefined });
const managers: SessionManager[] = [];
afterEach(() => {
  for (const manager of managers.splice(0)) manager.shutdown();
});

function setup(log: Logger = silentLogger): { driver: FakeDriver; manager: SessionManager } {
  const driver = new FakeDriver();
  const manager = new SessionManager(driver, loadSandboxServerConfig('test', { NODE_ENV: 'test' }), log);
  managers.push(manager);
  return { driver, manager };
}

/** The execs that wrote a registry login (installRegistryLogin), as [sandbox id, what it wrote]. */
const loginWrites = (driver: FakeDriver): [string, unknown][] =>
  driver.execs.filter((e) => e.cmd[0] === 'sh' && e.cmd.includes('drydock-login')).map((e) => [e.id, JSON.parse(e.options.stdin ?? 'null')]);

const loginFor = (learnerId: string): RegistryLogin => ({ host: 'drydock-registry:5000', username: learnerId.replace('learner-', ''), password: `pw-${learnerId}` });

/** A placement in class c1 whose login lookup is counted. */
function placed(asked: string[], admitted: () => Promise<void> = () => Promise.resolve()): (learnerId: string) => Placement {
  return (learnerId) => ({
    classId: 'c1',
    pool: 'c1',
    registryLogin: (): RegistryAdmission => {
      asked.push(learnerId);
      return { login: loginFor(learnerId), admitted: admitted() };
    },
  });
}

describe('SessionManager: class registry logins', () => {
  test('a sandbox created for a class learner gets their login before the terminal is theirs', async () => {
    const { driver, manager } = setup();
    const asked: string[] = [];
    manager.setPlacement(placed(asked));
    const session = await manager.connect('learner-alice', 'dind', client());
    assert.deepEqual(asked, ['learner-alice']);
    assert.deepEqual(loginWrites(driver), [[session.info.id, dockerConfigFor(loginFor('learner-alice'))]]);
    assert.ok(driver.started.includes(session.info.id), 'written into the started sandbox');
    // Reconnecting to the same sandbox does not ask again.
    await manager.connect('learner-alice', 'dind', client());
    assert.equal(asked.length, 1);
  });

  test('a warm sandbox holds no login while it waits; the learner who claims it gets theirs', async () => {
    const { driver, manager } = setup();
    await manager.warm({ pool: 'c1', count: 2, profile: 'dind', classId: 'c1' });
    assert.deepEqual(loginWrites(driver), [], 'nothing written while waiting');
    const asked: string[] = [];
    manager.setPlacement(placed(asked));
    const alice = await manager.connect('learner-alice', 'dind', client());
    const bob = await manager.connect('learner-bob', 'dind', client());
    assert.equal(driver.created.length, 2, 'both came from the pool');
    assert.deepEqual(asked, ['learner-alice', 'learner-bob']);
    assert.deepEqual(loginWrites(driver), [
      [alice.info.id, dockerConfigFor(loginFor('learner-alice'))],
      [bob.info.id, dockerConfigFor(loginFor('learner-bob'))],
    ]);
  });

  test('without a login the sandbox still opens (only pushes to the class registry fail), and the reason is logged', async () => {
    const warnings: string[] = [];
    const { manager } = setup({ ...silentLogger, warn: (line: string) => warnings.push(line) });
    manager.setPlacement(placed([], () => Promise.reject(new Error('the gate is down'))));
    const session = await manager.connect('learner-alice', 'dind', client());
    assert.equal(session.info.learnerId, 'learner-alice');
    assert.match(warnings.join('\n'), /has no class registry login \(the gate is down\)/);

    manager.setPlacement(() => ({
      classId: 'c1',
      registryLogin: () => {
        throw new Error('learner-bob is not a member of class c1');
      },
    }));
    assert.equal((await manager.connect('learner-bob', 'dind', client())).info.learnerId, 'learner-bob');
    assert.match(warnings.join('\n'), /has no class registry login \(learner-bob is not a member/);
  });

  test('a learner outside any class gets no login', async () => {
    const { driver, manager } = setup();
    await manager.connect('walk-in', 'dind', client());
    assert.deepEqual(loginWrites(driver), []);
  });
});
