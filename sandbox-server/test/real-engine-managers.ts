import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type Docker from 'dockerode';
import type { SandboxServerConfig } from '../src/config/config';
import type { DockerDriver } from '../src/engine/docker/docker';
import { silentLogger } from '../../lib/logging/logger';
import { SessionManager } from '../src/sessions/session-manager';
import { cleanupServer, requireDocker, testDriver } from './support';

/**
 * SessionManagers on the real engine for one describe() (call it inside): setup() makes a driver and a
 * manager for a config; after the describe every manager is shut down and every server id it used must
 * have left nothing (containers, networks, volumes).
 */
export function sessionManagersOnRealEngine(): { setup(config: SandboxServerConfig): { driver: DockerDriver; manager: SessionManager }; readonly docker: Docker } {
  let docker: Docker | undefined;
  const serverIds = new Set<string>();
  const managers: SessionManager[] = [];

  before(async () => {
    docker = await requireDocker();
  });

  after(async () => {
    for (const manager of managers) manager.shutdown();
    for (const serverId of serverIds) {
      const left = await cleanupServer(docker!, serverId);
      assert.deepEqual(left, { containers: 0, networks: 0, volumes: 0 }, `left behind by ${serverId}`);
    }
  });

  return {
    setup(config) {
      serverIds.add(config.serverId);
      const driver = testDriver(config);
      const manager = new SessionManager(driver, config, silentLogger);
      managers.push(manager);
      return { driver, manager };
    },
    get docker() {
      assert.ok(docker, 'the engine is asked for before the describe started');
      return docker;
    },
  };
}
