import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import type { ServerControl } from '../../../protocol';
import { silentLogger } from '../../../lib/logging/logger';
import { Label } from '../engine/docker/labels';
import { SessionManager } from './session-manager';
import { PROMPT, RecordingClient, cleanupServer, requireDocker, testConfig, testDriver, waitFor } from '../../test/support';

/**
 * The self-paced warm pool and the honest "ready", against the real engine:
 * a newcomer outside any class takes a booted sandbox (no container made on
 * connect), the pool refills with a new one, and a cold sandbox is announced
 * as starting until its inner engine answers.
 */

const PROFILE = 'dind';

function helloOf(client: RecordingClient): Extract<ServerControl, { type: 'hello' }> {
  const hello = client.controls.find((m): m is Extract<ServerControl, { type: 'hello' }> => m.type === 'hello');
  assert.ok(hello, `no hello; controls: ${JSON.stringify(client.controls)}`);
  return hello;
}

describe('self-paced warm pool (real engine)', () => {
  let docker: Docker;
  const serverIds: string[] = [];
  const managers: SessionManager[] = [];

  before(async () => {
    docker = await requireDocker();
  });

  after(async () => {
    for (const manager of managers) manager.shutdown();
    for (const serverId of serverIds) {
      assert.deepEqual(await cleanupServer(docker, serverId), { containers: 0, networks: 0, volumes: 0 }, `left behind by ${serverId}`);
    }
  });

  const containersOf = async (serverId: string) => docker.listContainers({ all: true, filters: { label: [`${Label.server}=${serverId}`] } });

  test('a newcomer takes a booted sandbox: no container made on connect, the prompt replayed, the claim on the container; the pool refills', async () => {
    const config = testConfig({ selfPacedWarm: { min: 1, max: 1, windowMinutes: 10 } });
    serverIds.push(config.serverId);
    const driver = testDriver(config);
    const manager = new SessionManager(driver, config, silentLogger);
    managers.push(manager);
    manager.startSelfPacedWarming([PROFILE]);
    await waitFor('a warm sandbox', () => manager.selfPacedWarm(PROFILE).waiting === 1, 90_000, 100);
    const [warm] = await containersOf(config.serverId);
    assert.ok(warm, 'one container');

    const client = new RecordingClient();
    const session = await manager.connect('newcomer', PROFILE, client, { address: '203.0.113.20' });
    assert.equal(session.info.id, warm.Id, 'the warm container, no new one');
    assert.equal(helloOf(client).engineReady, true, 'handed out ready');
    await waitFor('the replayed prompt', () => PROMPT.test(client.text()), 5_000);
    assert.equal((await driver.inspect(warm.Id)).learnerId, 'newcomer', 'the claim is recorded with the container');

    // It works: the inner engine answers the learner's first command.
    const from = client.text().length;
    session.input(Buffer.from('docker info --format "engine={{.ServerVersion}}"\r'));
    await waitFor('docker info', () => /^engine=\d/m.test(client.text().slice(from)), 30_000);

    await waitFor('the refill', () => manager.selfPacedWarm(PROFILE).waiting === 1, 90_000, 100);
    const all = await containersOf(config.serverId);
    assert.equal(all.length, 2, 'the learner and the next warm one');
  });

  test('a cold sandbox is "starting" until its inner engine answers, then a status ready', async () => {
    const config = testConfig({ selfPacedWarm: { min: 0, max: 0, windowMinutes: 10 } });
    serverIds.push(config.serverId);
    const manager = new SessionManager(testDriver(config), config, silentLogger);
    managers.push(manager);
    const client = new RecordingClient();
    const session = await manager.connect('cold', PROFILE, client);
    assert.equal(helloOf(client).engineReady, false);
    await waitFor('the status ready', () => client.controls.some((m) => m.type === 'status' && m.state === 'ready'), 90_000, 50);
    // Once announced, the engine answers at once (the shell is up).
    const probe = await testDriver(config).exec(session.info.id, ['docker', 'version', '--format', '{{.Server.Version}}'], { timeoutMs: 10_000 });
    assert.equal(probe.exitCode, 0, probe.stderr);
  });
});
