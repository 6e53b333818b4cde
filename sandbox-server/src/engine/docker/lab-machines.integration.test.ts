import assert from 'node:assert/strict';
import { existsSync, utimesSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { cleanupServer, collect, countLabelled, requireDocker, testConfig, testDriver, waitFor } from '../../../test/support';
import type { SandboxInfo, SandboxMachine } from '../driver';
import type { InnerEngine, SwarmState } from '../inner-engine';
import type { DockerDriver } from './docker';
import { labNetworkName } from './lab-network';
import { Label, sandboxName } from './labels';
import { DISK_ORPHAN_GRACE_MS } from './orphans';

/**
 * Multi-machine labs on the real engine, in the tier the environment names:
 * three machines of one learner form a Docker Swarm over their lab network
 * (an overlay network spans them, services run and scale across them), the
 * grader reads the swarm through the manager's inner engine, and another
 * learner's lab cannot reach them at all. What this kernel refuses (IPVS:
 * a service's virtual IP and the ingress routing mesh) is asserted as
 * refused, with the engine's own words.
 */
describe('lab machines (real engine)', () => {
  const config = testConfig();
  const labA = `${config.serverId}-a`;
  const labB = `${config.serverId}-b`;
  let docker: Docker;
  let driver: DockerDriver;
  /** Lab A's node1..node3, then lab B's one machine (also called node1: hostnames are per lab). */
  const a: SandboxInfo[] = [];
  let b: SandboxInfo;
  let manager: InnerEngine;
  let workerToken = '';
  const figures: string[] = [];
  const timed = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await work();
    figures.push(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  };

  /** create → attach → start, then wait for the prompt (the entrypoint shows it once the inner engine answers). */
  async function startMachine(learnerId: string, suffix: string, machine: SandboxMachine): Promise<SandboxInfo> {
    const info = await driver.create({ learnerId, profile: 'swarm', sessionId: `${config.serverId}-${suffix}`, expiresAt: Date.now() + 600_000, limits: config.limits, machine });
    const stream = await driver.attach(info.id);
    const out = collect(stream);
    await driver.start(info.id);
    await waitFor(`${machine.hostname}'s prompt`, () => new RegExp(`root@${machine.hostname}:~# $`, 'm').test(out.text()), 90_000);
    stream.destroy();
    return info;
  }

  /** Runs a bash script in a machine; resolves its result whatever the exit code. */
  const run = (machine: SandboxInfo, script: string, timeoutMs = 60_000) => driver.exec(machine.id, ['bash', '-c', script], { timeoutMs });
  /** Runs a bash script that must succeed; its stdout, trimmed. */
  const ok = async (machine: SandboxInfo, script: string, timeoutMs = 60_000): Promise<string> => {
    const result = await run(machine, script, timeoutMs);
    assert.equal(result.exitCode, 0, `${script}\nexit ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}\n${result.stdout}\n${result.stderr}`);
    return result.stdout.trim();
  };
  const ipOf = async (machine: SandboxInfo): Promise<string> => {
    const networks = (await docker.getContainer(machine.id).inspect()).NetworkSettings.Networks;
    const ip = networks[machine.network ?? '']?.IPAddress;
    assert.ok(ip, `${machine.machine?.hostname} has an address on its lab network`);
    return ip;
  };
  const swarm = async (): Promise<Extract<SwarmState, { kind: 'manager' }>> => {
    const state = await manager.swarm();
    assert.equal(state.kind, 'manager');
    return state as Extract<SwarmState, { kind: 'manager' }>;
  };
  /** Waits until `replicas` tasks of the service run (read as the grader reads it), and says on which machines. */
  const converged = async (service: string, replicas: number): Promise<string[]> => {
    let last = '';
    await waitFor(`${replicas} running tasks of ${service}`, async () => {
      const tasks = (await swarm()).tasks.filter((t) => t.serviceName === service && t.desiredState === 'running');
      last = tasks.map((t) => `${t.nodeHostname ?? '-'}:${t.state}${t.error ? ` (${t.error})` : ''}`).join(', ');
      return tasks.length === replicas && tasks.every((t) => t.state === 'running');
    }, 120_000, 500).catch((error: unknown) => assert.fail(`${(error as Error).message}; last seen: ${last}`));
    return (await swarm()).tasks.filter((t) => t.serviceName === service && t.state === 'running').map((t) => t.nodeHostname ?? '');
  };

  before(async () => {
    docker = await requireDocker();
    driver = testDriver(config);
    const machines = await timed('4 machines created and started (3 in lab A, 1 in lab B, in parallel)', () =>
      Promise.all([
        ...['node1', 'node2', 'node3'].map((hostname) => startMachine('learner-a', `a-${hostname}`, { lab: labA, hostname })),
        startMachine('learner-b', 'b-node1', { lab: labB, hostname: 'node1' }),
      ]),
    );
    a.push(...machines.slice(0, 3));
    b = machines[3]!;
    manager = await driver.innerEngine(a[0]!.id);
  });

  after(async () => {
    console.log(`# ${driver.tier} tier figures:\n#   ${figures.join('\n#   ')}`);
    const left = await cleanupServer(docker, config.serverId);
    await docker.getNetwork(labNetworkName(labA)).remove().catch(() => undefined);
    await docker.getNetwork(labNetworkName(labB)).remove().catch(() => undefined);
    assert.deepEqual(left, { containers: 0, networks: 0, volumes: 0 });
  });

  test('a lab\'s machines share one network named after the lab, each with its own hostname; list() gives the machine back', async () => {
    for (const machine of a) assert.equal(machine.network, labNetworkName(labA));
    assert.equal(b.network, labNetworkName(labB));
    assert.deepEqual(a.map((m) => m.machine), ['node1', 'node2', 'node3'].map((hostname) => ({ lab: labA, hostname })));
    assert.equal(await ok(a[1]!, 'hostname'), 'node2');
    // A restarted server regroups a lab from the engine alone.
    const listed = new Map((await driver.list()).map((info) => [info.id, info]));
    for (const machine of [...a, b]) {
      assert.deepEqual(listed.get(machine.id)?.machine, machine.machine);
      assert.equal(listed.get(machine.id)?.network, machine.network);
    }
    const network = await docker.getNetwork(labNetworkName(labA)).inspect();
    assert.equal(network.Internal, true, 'a lab network has no route out, like every sandbox network');
    assert.equal(network.Labels?.[Label.lab], labA);
    assert.equal(network.Labels?.[Label.session], undefined, 'the network is the lab\'s, not its first machine\'s');
  });

  test('machines of a lab reach each other by hostname', async () => {
    await ok(a[0]!, 'busybox ping -c 1 -W 2 node2 && busybox ping -c 1 -W 2 node3');
    assert.equal(await ok(a[2]!, 'getent hosts node1 | cut -d" " -f1'), await ipOf(a[0]!));
  });

  test('a swarm forms: init on node1, node2 and node3 join by name; docker node ls shows 3 Ready nodes', async () => {
    const ip = await ipOf(a[0]!);
    await timed('docker swarm init', () => ok(a[0]!, `docker swarm init --advertise-addr ${ip}`));
    workerToken = await ok(a[0]!, 'docker swarm join-token -q worker');
    await timed('docker swarm join (node2, node3, one after the other)', async () => {
      for (const worker of a.slice(1)) await ok(worker, `docker swarm join --token ${workerToken} node1:2377`);
    });
    const nodes = await ok(a[0]!, "docker node ls --format '{{.Hostname}} {{.Status}} {{.Availability}}' | sort");
    assert.equal(nodes, 'node1 Ready Active\nnode2 Ready Active\nnode3 Ready Active');
    // The grader's read of the same (through node1's inner engine, no program of the learner's involved).
    const state = await swarm();
    assert.deepEqual(state.nodes.map((n) => [n.hostname, n.role, n.state, n.leader]).sort(), [
      ['node1', 'manager', 'ready', true],
      ['node2', 'worker', 'ready', false],
      ['node3', 'worker', 'ready', false],
    ]);
    // A worker holds no cluster state: the grader is told so, not given an empty list.
    assert.deepEqual(await (await driver.innerEngine(a[1]!.id)).swarm(), { kind: 'not-a-manager', localNodeState: 'active' });
  });

  test('another learner\'s lab cannot reach lab A at all: no name, no ping, no TCP, either way, not even its swarm manager', async () => {
    const [ipA1, ipA2, ipB] = [await ipOf(a[0]!), await ipOf(a[1]!), await ipOf(b)];
    // Control: the same probes succeed inside lab A (node1's swarm manager listens on 2377 and 7946).
    await ok(a[1]!, `busybox ping -c 1 -W 2 ${ipA1} && timeout 3 bash -c '</dev/tcp/${ipA1}/2377' && timeout 3 bash -c '</dev/tcp/${ipA1}/7946'`);
    const fromB = await run(b, `busybox ping -c 1 -W 2 ${ipA1}`);
    assert.notEqual(fromB.exitCode, 0, `lab B pinged lab A's node1: ${fromB.stdout}`);
    for (const port of [2377, 7946]) {
      const tcpFromB = await run(b, `timeout 3 bash -c '</dev/tcp/${ipA1}/${port}'`);
      assert.notEqual(tcpFromB.exitCode, 0, `lab B opened a TCP connection to lab A's swarm manager (${port})`);
    }
    // Even with lab A's join token (say the learner pasted it into the wrong tab).
    const join = await run(b, `timeout 10 docker swarm join --token ${workerToken} ${ipA1}:2377`, 20_000);
    assert.notEqual(join.exitCode, 0, `lab B joined lab A's swarm: ${join.stdout}`);
    assert.notEqual((await run(b, 'RES_OPTIONS="timeout:1 attempts:1" getent hosts node2')).exitCode, 0, 'lab B resolves lab A\'s node2');
    assert.equal(await ok(b, 'getent hosts node1 | cut -d" " -f1'), ipB, 'node1 in lab B is lab B\'s own');
    const fromA = await run(a[1]!, `busybox ping -c 1 -W 2 ${ipB}`);
    assert.notEqual(fromA.exitCode, 0, 'lab A pinged lab B');
    assert.notEqual((await run(b, `busybox ping -c 1 -W 2 ${ipA2}`)).exitCode, 0);
  });

  test('an attachable overlay network spans the machines: a container on node3 pings one on node1 by name', async () => {
    await ok(a[0]!, 'docker network create -d overlay --attachable labnet');
    await ok(a[0]!, 'docker run -d --name c1 --network labnet busybox sleep 3600');
    await ok(a[2]!, 'docker run -d --name c3 --network labnet busybox sleep 3600');
    await timed('overlay ping node3 → node1 (first packet)', () => ok(a[2]!, 'docker exec c3 ping -c 2 -W 3 c1'));
    await ok(a[0]!, 'docker exec c1 ping -c 2 -W 3 c3');
  });

  test('a dnsrr service runs across the machines, scales, and resolves to its tasks on the overlay', async () => {
    await ok(a[0]!, 'docker service create -d --no-resolve-image --name web --endpoint-mode dnsrr --network labnet --replicas 3 busybox httpd -f -p 80');
    const placed = await timed('service of 3 replicas converged', () => converged('web', 3));
    assert.ok(new Set(placed).size >= 2, `tasks spread over machines: ${placed.join(', ')}`);
    await ok(a[0]!, 'docker service scale -d web=6');
    const scaled = await timed('scaled 3 → 6 converged', () => converged('web', 6));
    assert.deepEqual([...new Set(scaled)].sort(), ['node1', 'node2', 'node3'], `six tasks on every machine: ${scaled.join(', ')}`);
    const addresses = (await ok(a[2]!, 'docker exec c3 nslookup tasks.web')).match(/Address: 10\.0\.\d+\.\d+/g) ?? [];
    assert.equal(addresses.length, 6, 'tasks.web names the six tasks');
    // busybox httpd answers 404 for "/" (no index): an HTTP answer across machines.
    assert.match((await run(a[2]!, 'docker exec c3 wget -S -q -T 3 -O /dev/null http://web/ 2>&1')).stdout, /HTTP\/1\.[01] 404/);
  });

  /** What the machines' inner engines logged about IPVS (Swarm's load balancer): the kernel's answer. */
  const ipvsRefusal = async (): Promise<string | undefined> =>
    (await run(a[0]!, "grep -o 'Could not get ipvs family information from the kernel[^\"]*' /var/log/dockerd.log | head -1")).stdout.trim() || undefined;

  test('a service\'s virtual IP (the default endpoint mode): it answers only where the kernel has IPVS', async () => {
    await ok(a[0]!, 'docker service create -d --no-resolve-image --name vip --network labnet --replicas 2 busybox httpd -f -p 80');
    await timed('vip service of 2 replicas converged', () => converged('vip', 2));
    const vip = (await swarm()).services.find((s) => s.name === 'vip');
    assert.equal(vip?.endpointMode, 'vip');
    const viaVip = await run(a[2]!, 'docker exec c3 wget -S -q -T 3 -O /dev/null http://vip/ 2>&1');
    const viaTasks = await run(a[2]!, 'docker exec c3 wget -S -q -T 3 -O /dev/null http://tasks.vip/ 2>&1');
    assert.match(viaTasks.stdout, /HTTP\/1\.[01] 404/, 'the tasks answer by their own addresses');
    const refusal = await ipvsRefusal();
    figures.push(`IPVS: ${refusal ?? 'available'}`);
    if (refusal) {
      // This kernel was built without IPVS (CONFIG_IP_VS unset): the VIP exists in DNS but nothing balances it.
      assert.match(refusal, /^Could not get ipvs family information from the kernel/);
      assert.match(viaVip.stdout, /timed out/, `the VIP answered without IPVS: ${viaVip.stdout}`);
    } else {
      assert.match(viaVip.stdout, /HTTP\/1\.[01] 404/, `the VIP does not answer: ${viaVip.stdout}`);
    }
  });

  test('publishing: the ingress routing mesh needs IPVS too; mode=host publishing works on every machine', async () => {
    await ok(a[0]!, 'docker service create -d --no-resolve-image --name ingress-web -p 8080:80 busybox httpd -f -p 80');
    await ok(a[0]!, "docker service create -d --no-resolve-image --name host-web --mode global --publish mode=host,target=80,published=8081 busybox sh -c 'mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 80 -h /www'");
    await timed('ingress-published service converged', () => converged('ingress-web', 1));
    const hosts = await timed('host-published global service converged', () => converged('host-web', 3));
    assert.deepEqual(hosts.sort(), ['node1', 'node2', 'node3']);
    // From node2, each machine's own port 8081 answers with the task that runs there.
    for (const node of ['node1', 'node3']) assert.match(await ok(a[1]!, `curl -sS -m 3 http://${node}:8081/`), /^[0-9a-f]{12}$/);
    const mesh = await run(a[1]!, 'curl -sS -o /dev/null -w "%{http_code}" -m 3 http://node1:8080/');
    if (await ipvsRefusal()) assert.notEqual(mesh.stdout, '404', 'the routing mesh answered without IPVS');
    else assert.equal(mesh.stdout, '404', `the routing mesh does not answer: ${mesh.stderr}`);
  });

  test('the grader\'s read: which task of which service runs on which machine', async () => {
    const state = await swarm();
    const web = state.services.find((s) => s.name === 'web');
    assert.deepEqual({ mode: web?.mode, replicas: web?.replicas, endpointMode: web?.endpointMode }, { mode: 'replicated', replicas: 6, endpointMode: 'dnsrr' });
    const hostWeb = state.services.find((s) => s.name === 'host-web');
    assert.deepEqual(hostWeb?.ports, [{ target: 80, published: 8081, protocol: 'tcp', mode: 'host' }]);
    const running = state.tasks.filter((t) => t.serviceName === 'web' && t.state === 'running');
    assert.deepEqual(running.map((t) => t.slot).sort((x, y) => (x ?? 0) - (y ?? 0)), [1, 2, 3, 4, 5, 6]);
    for (const task of running) {
      assert.ok(['node1', 'node2', 'node3'].includes(task.nodeHostname ?? ''), `task ${task.slot} is on a lab machine`);
      assert.ok(task.containerId, 'a running task names its container');
    }
  });

  test('a lab network outlives machines until the last one; removal leaves nothing labelled with the labs', async () => {
    await driver.remove(a[0]!.id);
    await docker.getNetwork(labNetworkName(labA)).inspect(); // node2 and node3 still use it
    await Promise.all([...a.slice(1), b].map((m) => driver.remove(m.id)));
    await assert.rejects(docker.getNetwork(labNetworkName(labA)).inspect(), /not found|no such network/i);
    await assert.rejects(docker.getNetwork(labNetworkName(labB)).inspect(), /not found|no such network/i);
    for (const lab of [labA, labB]) assert.deepEqual(await countLabelled(docker, `${Label.lab}=${lab}`), { containers: 0, networks: 0, volumes: 0 });
    if (driver.tier === 'userns') {
      for (const m of [...a, b]) assert.equal(existsSync(`/var/lib/drydock-disks/${sandboxName(m.sessionId)}.img`), false, `${m.machine?.hostname}'s disk is gone`);
    }
  });

  test('the orphan sweep removes a lab network with no machine left (a crash between a machine\'s removal and its network\'s)', async () => {
    const labC = `${config.serverId}-c`;
    const info = await driver.create({ learnerId: 'learner-c', profile: 'swarm', sessionId: `${config.serverId}-c-node1`, expiresAt: Date.now() + 600_000, limits: config.limits, machine: { lab: labC, hostname: 'node1' } });
    await driver.removeOrphanNetworks();
    await docker.getNetwork(labNetworkName(labC)).inspect(); // its machine exists (created, not started): kept
    await docker.getContainer(info.id).remove({ force: true, v: true });
    const disk = `/var/lib/drydock-disks/${sandboxName(info.sessionId)}.img`;
    const longAgo = (Date.now() - DISK_ORPHAN_GRACE_MS - 60_000) / 1000;
    if (existsSync(disk)) utimesSync(disk, longAgo, longAgo);
    assert.equal(await driver.removeOrphanNetworks(), 1);
    await assert.rejects(docker.getNetwork(labNetworkName(labC)).inspect(), /not found|no such network/i);
    const left = await countLabelled(docker, `${Label.lab}=${labC}`);
    assert.deepEqual({ containers: left.containers, networks: left.networks }, { containers: 0, networks: 0 });
    // Its volumes: the hardened tier's go with the disk they live on; the capability tier's inner-engine
    // volume waits out DISK_ORPHAN_GRACE_MS from its creation like any sandbox's (it may be one being made).
    assert.equal(left.volumes, driver.tier === 'userns' ? 0 : 1);
    assert.equal(existsSync(disk), false);
  });
});
