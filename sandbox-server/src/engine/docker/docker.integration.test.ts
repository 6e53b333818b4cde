import assert from 'node:assert/strict';
import { existsSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { cleanupServer, collect, PROMPT, requireDocker, testConfig, testDriver, waitFor } from '../../../test/support';
import type { SandboxInfo } from '../driver';
import { DISK_ORPHAN_GRACE_MS } from './orphans';
import type { DockerDriver } from './docker';
import { cgroupFolders } from './isolation/cgroup-delegation';

/** The Docker driver against the real engine: lifecycle, what runs inside, limits, isolation. */
describe('DockerDriver (real engine)', () => {
  const config = testConfig();
  let docker: Docker;
  let driver: DockerDriver;
  let sandbox: SandboxInfo;

  before(async () => {
    docker = await requireDocker();
    driver = testDriver(config);
  });
  after(async () => {
    const left = await cleanupServer(docker, config.serverId);
    assert.deepEqual(left, { containers: 0, networks: 0, volumes: 0 });
  });

  test('create → attach → start shows the prompt once the inner engine is ready', async () => {
    sandbox = await driver.create({ learnerId: 'learner-a', profile: 'dind', sessionId: `${config.serverId}-a`, expiresAt: Date.now() + 600_000, limits: config.limits });
    const stream = await driver.attach(sandbox.id);
    const out = collect(stream);
    await driver.start(sandbox.id);
    await waitFor('the first prompt', () => PROMPT.test(out.text()), 30_000);
    assert.match(out.text(), /Docker [\d.]+\S* ready in [\d.]+ s/);
    stream.write('echo typed-$((6*7))\r');
    await waitFor('the typed command output', () => /typed-42/.test(out.text()));
    stream.destroy();
  });

  test('exec keeps stdout and stderr apart and reports the exit code', async () => {
    const result = await driver.exec(sandbox.id, ['sh', '-c', 'echo to-out; echo to-err >&2; exit 3'], { timeoutMs: 10_000 });
    assert.equal(result.exitCode, 3);
    assert.equal(result.stdout, 'to-out\n');
    assert.equal(result.stderr, 'to-err\n');
    assert.equal(result.timedOut, false);
  });

  test('exec feeds a script on stdin and times out a command that hangs', async () => {
    const script = await driver.exec(sandbox.id, ['bash', '-s'], { stdin: 'x=21; echo $((x*2))\n', timeoutMs: 10_000 });
    assert.equal(script.stdout.trim(), '42');
    const slow = await driver.exec(sandbox.id, ['sleep', '30'], { timeoutMs: 500 });
    assert.equal(slow.timedOut, true);
    assert.equal(slow.exitCode, null);
    assert.ok(slow.durationMs < 5_000, `timed-out exec took ${slow.durationMs} ms`);
  });

  test('a timed-out exec leaves no process behind in the sandbox, not its children nor one that left its session', async () => {
    const sleepers = "ps -eo args | grep -c '^sleep 30[123]$' || true";
    const check = driver.exec(sandbox.id, ['sh', '-c', 'sleep 301 & setsid sleep 302 & sleep 303'], { timeoutMs: 3_000 });
    // Control: while the check runs, all three are there.
    await waitFor('the check’s three sleeps', async () => (await driver.exec(sandbox.id, ['sh', '-c', sleepers], { timeoutMs: 10_000 })).stdout.trim() === '3', 2_500, 100);
    const result = await check;
    assert.equal(result.timedOut, true);
    assert.equal(result.exitCode, null);
    assert.equal((await driver.exec(sandbox.id, ['sh', '-c', sleepers], { timeoutMs: 10_000 })).stdout.trim(), '0', 'the timeout ended every process of the check');
  });

  test('inside: docker runs busybox offline, buildx builds a multi-stage image, unshare gives a PID namespace', async () => {
    const run = await driver.exec(sandbox.id, ['docker', 'run', '--rm', 'busybox', 'echo', 'hello-inner'], { timeoutMs: 60_000 });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'hello-inner');

    const build = await driver.exec(sandbox.id, ['bash', '-s'], {
      stdin: [
        'set -e; d=$(mktemp -d); cd $d',
        "printf 'FROM busybox AS build\\nRUN echo built > /out\\nFROM busybox\\nCOPY --from=build /out /out\\nCMD [\"cat\", \"/out\"]\\n' > Dockerfile",
        'docker buildx build -q -t itest-multistage . >/dev/null',
        'docker run --rm itest-multistage',
      ].join('\n'),
      timeoutMs: 120_000,
    });
    assert.equal(build.exitCode, 0, build.stderr);
    assert.equal(build.stdout.trim(), 'built');

    const ps = await driver.exec(sandbox.id, ['unshare', '--pid', '--fork', '--mount-proc', 'ps', '-o', 'pid,comm'], { timeoutMs: 10_000 });
    assert.equal(ps.exitCode, 0, ps.stderr);
    assert.match(ps.stdout, /^\s*1\s+ps$/m);
    const nsenter = await driver.exec(sandbox.id, ['nsenter', '--target', '1', '--uts', 'hostname'], { timeoutMs: 10_000 });
    assert.equal(nsenter.stdout.trim(), 'sandbox');
  });

  test('limits: memory, CPU and pids are set on the container and visible in its cgroup', async () => {
    const info = await docker.getContainer(sandbox.id).inspect();
    assert.equal(info.HostConfig.Memory, config.limits.memoryBytes);
    assert.equal(info.HostConfig.MemorySwap, config.limits.memoryBytes);
    assert.equal(info.HostConfig.NanoCpus, config.limits.cpus * 1e9);
    assert.equal(info.HostConfig.PidsLimit, config.limits.pids);
    assert.equal(info.HostConfig.Privileged, false);
    const cgroup = await driver.exec(sandbox.id, ['sh', '-c', 'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes; cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max'], { timeoutMs: 10_000 });
    assert.deepEqual(cgroup.stdout.trim().split('\n'), [String(config.limits.memoryBytes), String(config.limits.pids)]);
  });

  test('a fork bomb hits the pids limit and the sandbox survives it', async () => {
    // Forks (no exec) until the kernel refuses one; the children wait 15 s with their output closed.
    const bomb = await driver.exec(
      sandbox.id,
      ['perl', '-e', 'my $n = 0; for (1..3000) { my $p = fork; last unless defined $p; if (!$p) { close STDOUT; close STDERR; sleep 15; exit 0 } $n++ } print "$n\n"'],
      { timeoutMs: 60_000 },
    );
    const started = Number(bomb.stdout.trim());
    assert.ok(started > 0 && started < config.limits.pids, `started ${started} processes with a pids limit of ${config.limits.pids}`);
    // The kernel's own count of refused forks, read from the host.
    const { State } = await docker.getContainer(sandbox.id).inspect();
    const pidsFolder = cgroupFolders(readFileSync(`/proc/${State.Pid}/cgroup`, 'utf8')).find((f) => existsSync(join(f, 'pids.max')))!;
    assert.equal(Number(readFileSync(join(pidsFolder, 'pids.max'), 'utf8')), config.limits.pids);
    assert.match(readFileSync(join(pidsFolder, 'pids.events'), 'utf8'), /^max [1-9]/m);
    // The sandbox answers again as soon as one process may start: it ends the bomb itself.
    let alive = '';
    for (let i = 0; i < 40 && alive !== 'still-here'; i++) {
      alive = (await driver.exec(sandbox.id, ['bash', '-c', 'pkill -x perl; echo still-here'], { timeoutMs: 10_000 }).catch(() => ({ stdout: '' }))).stdout.trim();
      if (alive !== 'still-here') await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(alive, 'still-here');
    // Later tests need processes again: wait until the bomb's children are gone.
    await waitFor('the fork bomb to end', () => Number(readFileSync(join(pidsFolder, 'pids.current'), 'utf8')) < 200, 30_000);
  });

  test('isolation: the sandbox reaches neither the host’s ports nor another sandbox', async (t) => {
    // A server on every host address. Positive control: from the host it answers on each of them,
    // so a refusal from the sandbox means isolation, not a missing server.
    const hostServer = createServer((_, res) => res.end('host-secret'));
    await new Promise<void>((resolve) => hostServer.listen(0, '0.0.0.0', resolve));
    t.after(() => hostServer.close());
    const port = (hostServer.address() as AddressInfo).port;
    const hostIps = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).filter((a) => a.family === 'IPv4' && !a.internal).map((a) => a.address));
    const ownGateway = (await docker.getNetwork((await docker.getContainer(sandbox.id).inspect()).HostConfig.NetworkMode!).inspect()).IPAM?.Config?.[0]?.Gateway;
    const targets = [...new Set([...hostIps, ...(ownGateway ? [ownGateway] : [])])];
    for (const ip of hostIps) assert.equal(await (await fetch(`http://${ip}:${port}/`)).text(), 'host-secret', `control: host answers on ${ip}`);

    // Another learner's sandbox serving HTTP; it answers itself (control) but must not answer us.
    const other = await driver.create({ learnerId: 'learner-b', profile: 'dind', sessionId: `${config.serverId}-b`, expiresAt: Date.now() + 600_000, limits: config.limits });
    await driver.start(other.id);
    await driver.exec(other.id, ['sh', '-c', 'mkdir -p /tmp/www && echo other-secret > /tmp/www/index.html && busybox httpd -p 8088 -h /tmp/www'], { timeoutMs: 10_000 });
    const otherIp = Object.values((await docker.getContainer(other.id).inspect()).NetworkSettings.Networks)[0]?.IPAddress;
    assert.ok(otherIp, 'the other sandbox has an address');
    const self = await driver.exec(other.id, ['curl', '-s', '-m', '2', `http://${otherIp}:8088/`], { timeoutMs: 10_000 });
    assert.equal(self.stdout.trim(), 'other-secret', 'control: the other sandbox serves itself');

    const probes = [...targets.map((ip) => `http://${ip}:${port}/`), `http://${otherIp}:8088/`];
    const probe = await driver.exec(sandbox.id, ['bash', '-c', `for u in ${probes.join(' ')}; do curl -s -m 2 -o /dev/null "$u" && echo "reached $u"; done; echo done`], { timeoutMs: 60_000 });
    assert.equal(probe.stdout.trim(), 'done', `a sandbox reached something it must not: ${probe.stdout}`);
    assert.ok(probes.length >= 3, `probed ${probes.join(', ')}`);

    // The docker CLI inside talks to the sandbox's own engine, never the host's socket.
    const engine = await driver.exec(sandbox.id, ['docker', 'info', '--format', '{{.Name}}'], { timeoutMs: 10_000 });
    assert.equal(engine.stdout.trim(), 'sandbox');
    await driver.remove(other.id);
  });

  test('remove takes the container, its volume and its network with it, and is idempotent', async () => {
    const info = await docker.getContainer(sandbox.id).inspect();
    const volume = info.Mounts.find((m) => m.Destination === '/var/lib/docker')?.Name;
    const network = info.HostConfig.NetworkMode;
    assert.ok(volume && network);
    await driver.remove(sandbox.id);
    await driver.remove(sandbox.id);
    await assert.rejects(docker.getContainer(sandbox.id).inspect(), /no such container/i);
    await assert.rejects(docker.getVolume(volume!).inspect(), /no such volume/i);
    await assert.rejects(docker.getNetwork(network!).inspect(), /not found|no such network/i);
    assert.deepEqual(await driver.list(), []);
  });

  test('orphan networks: a stopped sandbox keeps its network (it needs it to start again); a network whose sandbox is gone goes', async () => {
    const stopped = await driver.create({ learnerId: 'learner-c', profile: 'dind', sessionId: `${config.serverId}-c`, expiresAt: Date.now() + 600_000, limits: config.limits });
    const network = (await docker.getContainer(stopped.id).inspect()).HostConfig.NetworkMode!;
    // Created, never started: like a sandbox after the engine restarted, it is attached to nothing.
    assert.equal(Object.keys((await docker.getNetwork(network).inspect()).Containers ?? {}).length, 0);
    await driver.removeOrphanNetworks();
    await docker.getNetwork(network).inspect();
    // The container goes behind the driver's back (a crash between its removal and the network's).
    await docker.getContainer(stopped.id).remove({ force: true, v: true });
    // A disk counts as an orphan only once unwritten for a while (another server may be setting it up): this one was left long ago.
    const disk = `/var/lib/drydock-disks/${network}.img`;
    const longAgo = (Date.now() - DISK_ORPHAN_GRACE_MS - 60_000) / 1000;
    if (existsSync(disk)) utimesSync(disk, longAgo, longAgo);
    assert.equal(await driver.removeOrphanNetworks(), 1);
    await assert.rejects(docker.getNetwork(network).inspect(), /not found|no such network/i);
    // Its disk and the volumes on it went too (hardened tier).
    await assert.rejects(docker.getVolume(`${network}-docker`).inspect(), /no such volume/i);
    assert.equal(existsSync(`/var/lib/drydock-disks/${network}.img`), false);
  });
});
