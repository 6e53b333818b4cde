import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { silentLogger } from '../../../lib/logging/logger';
import { HARDENED_ENGINE_SOCKET } from '../engine/docker/isolation/tier';
import { Label } from '../engine/docker/labels';
import { DISK_ORPHAN_GRACE_MS, removeOrphans } from '../engine/docker/orphans';
import { ENGINE_BACK_MESSAGE, ENGINE_LOST_MESSAGE } from '../terminal/sandbox-session';
import { SessionManager } from './session-manager';
import { PROMPT, RecordingClient, cleanupServer, requireDocker, testConfig, testDriver, waitFor } from '../../test/support';

/**
 * Faults of Drydock's own engine, against the real thing: dockerd restarted
 * mid-session (`drydock-engine.sh stop` then `start`; sandboxes outlive it by
 * live-restore), and dockerd hung for 30 s (SIGSTOP, then SIGCONT). In both
 * the learner is told, keeps the same sandbox with its files, inner images and
 * volumes, and the terminal works again without a server restart.
 */

const ENGINE_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'scripts', 'engine', 'drydock-engine.sh');
const ENGINE_PIDFILE = '/run/drydock-engine/dockerd.pid';
/** Starts the engine again and waits until a new connection gets an answer (the first ones right after its start may be cut: EPIPE). */
async function startEngine(): Promise<Docker> {
  execFileSync('bash', [ENGINE_SCRIPT, 'start'], { stdio: 'pipe' });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await requireDocker();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

const statusMessages = (client: RecordingClient): string[] => client.controls.flatMap((m) => (m.type === 'status' ? [m.message] : []));

describe("faults of Drydock's engine (real engine)", () => {
  let docker: Docker;
  const serverIds: string[] = [];
  const managers: SessionManager[] = [];

  before(async () => {
    docker = await requireDocker();
    assert.equal(process.env.DOCKER_HOST, `unix://${HARDENED_ENGINE_SOCKET}`, "these tests restart and stop Drydock's own engine; DOCKER_HOST must name it");
  });

  after(async () => {
    for (const manager of managers) manager.shutdown();
    for (const serverId of serverIds) {
      assert.deepEqual(await cleanupServer(docker, serverId), { containers: 0, networks: 0, volumes: 0 }, `left behind by ${serverId}`);
    }
  });

  /** A learner at a prompt who made a file, an inner image and a volume; the manager watches the engine every second. */
  async function learnerWithWork(name: string) {
    const config = testConfig();
    serverIds.push(config.serverId);
    const driver = testDriver(config);
    const manager = new SessionManager(driver, config, silentLogger);
    managers.push(manager);
    manager.watchEngine(() => driver.docker.ping().then(() => undefined), { intervalMs: 1000, timeoutMs: 2000 });
    const client = new RecordingClient();
    const session = await manager.connect(name, 'dind', client);
    await waitFor('the prompt', () => PROMPT.test(client.text()), 90_000);
    await waitFor('the inner engine', () => client.controls.some((m) => m.type === 'status' && m.state === 'ready'), 90_000);
    session.input(Buffer.from('echo kept > /root/kept && docker tag busybox mine:kept && docker volume create keptvol >/dev/null && echo made-$((1+1))\r'));
    await waitFor('the work', () => /^made-2\r?$/m.test(client.text()), 60_000);
    return { manager, session, client, id: session.info.id };
  }

  /** The work is all there, typed through the learner's own terminal. */
  async function workIsThere(session: { input(data: Buffer): void }, client: RecordingClient): Promise<void> {
    const from = client.text().length;
    session.input(Buffer.from('cat /root/kept; docker image inspect mine:kept --format image-ok; docker volume ls -q | grep -x keptvol; echo checked-$((2+1))\r'));
    await waitFor('the check', () => /^checked-3\r?$/m.test(client.text().slice(from)), 60_000);
    const out = client.text().slice(from);
    assert.match(out, /^kept\r?$/m, 'the file');
    assert.match(out, /^image-ok\r?$/m, 'the inner image');
    assert.match(out, /^keptvol\r?$/m, 'the volume');
  }

  test('dockerd restarts mid-session: the learner is told, and gets the same sandbox back with its files, images and volumes', { timeout: 5 * 60_000 }, async () => {
    const { manager, session, client, id } = await learnerWithWork('restart');
    execFileSync('bash', [ENGINE_SCRIPT, 'stop'], { stdio: 'pipe' });
    try {
      await waitFor('the engine-lost status', () => statusMessages(client).includes(ENGINE_LOST_MESSAGE), 30_000);
    } finally {
      docker = await startEngine();
    }
    await waitFor('the engine-back status', () => statusMessages(client).includes(ENGINE_BACK_MESSAGE), 60_000);
    assert.equal(client.closed, null, 'the socket stayed open');
    assert.equal(manager.sandboxIdOf('restart', 'dind'), id, 'the same sandbox');
    assert.equal((await docker.getContainer(id).inspect()).State.Running, true);
    await workIsThere(session, client);
    // A sandbox that outlived an engine restart can still be removed: container, network and disk go at once. Engine 20.10
    // miscounts its volumes' mounts (engine/docker/volumes.ts): their records stay until the engine restarts, then the orphan sweep takes them.
    const serverId = serverIds.at(-1)!;
    await manager.reset('restart', 'dind');
    assert.equal(await docker.getContainer(id).inspect().then(() => true, () => false), false, 'the container went');
    assert.deepEqual(await docker.listNetworks({ filters: { label: [`${Label.server}=${serverId}`] } }), [], 'its network went');
    const disks = existsSync('/var/lib/drydock-disks') ? readdirSync('/var/lib/drydock-disks').filter((d) => d.includes(session.info.sessionId)) : [];
    assert.deepEqual(disks, [], 'its disk went');
    execFileSync('bash', [ENGINE_SCRIPT, 'stop'], { stdio: 'pipe' });
    docker = await startEngine();
    await removeOrphans(docker, serverId, undefined, Date.now() + DISK_ORPHAN_GRACE_MS + 1000);
    const volumes = (await docker.listVolumes({ filters: { label: [`${Label.server}=${serverId}`] } })).Volumes ?? [];
    assert.deepEqual(volumes.map((v) => v.Name), [], 'the volume records went with the sweep after the next engine start');
  });

  test('a parked environment outlives a dockerd restart and a platform restart: restored with its files, images and volumes', { timeout: 5 * 60_000 }, async () => {
    const { manager, session, client, id } = await learnerWithWork('parked');
    const serverId = serverIds.at(-1)!;
    const config = { ...testConfig(), serverId };
    manager.disconnect(session, client);
    await manager.sweep(Date.now() + config.limits.idleTimeoutMs + 1000); // idle: parked
    assert.equal((await docker.getContainer(id).inspect()).State.Running, false, 'parked: stopped');
    manager.shutdown();
    execFileSync('bash', [ENGINE_SCRIPT, 'stop'], { stdio: 'pipe' });
    docker = await startEngine();
    const driver = testDriver(config);
    const restarted = new SessionManager(driver, config, silentLogger);
    managers.push(restarted);
    assert.deepEqual(await restarted.reconcile(), { kept: 0, parked: 1, removed: 0 });
    const back = new RecordingClient();
    const restored = await restarted.connect('parked', 'dind', back);
    assert.equal(restored.info.id, id, 'the same sandbox');
    assert.ok(back.controls.some((m) => m.type === 'hello' && m.restoredFrom !== undefined), 'told it was restored');
    await waitFor('the prompt', () => PROMPT.test(back.text()), 90_000);
    await waitFor('the inner engine', () => restored.engineReady, 90_000);
    await workIsThere(restored, back);
    await restarted.reset('parked', 'dind');
  });

  test('the engine hangs for 30 s: the learner is told, and everything answers again without a restart', { timeout: 5 * 60_000 }, async () => {
    const { manager, session, client, id } = await learnerWithWork('hang');
    const pid = Number(readFileSync(ENGINE_PIDFILE, 'utf8').trim());
    process.kill(pid, 'SIGSTOP');
    const stoppedAt = Date.now();
    try {
      await waitFor('the engine counted away', () => manager.engineState === 'away', 20_000, 200);
      assert.ok(statusMessages(client).includes(ENGINE_LOST_MESSAGE), 'the learner is told');
      await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - stoppedAt))));
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await waitFor('the engine ok again', () => manager.engineState === 'ok', 20_000, 200);
    await waitFor('the engine-back status', () => statusMessages(client).includes(ENGINE_BACK_MESSAGE), 20_000);
    assert.equal(client.closed, null, 'the socket stayed open');
    assert.equal(manager.sandboxIdOf('hang', 'dind'), id, 'the same sandbox');
    await workIsThere(session, client);
  });
});
