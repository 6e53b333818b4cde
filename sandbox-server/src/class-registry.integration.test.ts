import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { cleanupServer, registryImage, requireDocker, startReadySandbox, testConfig, testDriver } from '../test/support';
import { MIRROR_ALIAS, REGISTRY_ALIAS, startClassRegistry, type ClassRegistry } from './class-registry';
import type { ExecResult } from './drivers/driver';
import { Label } from './drivers/labels';

/**
 * A class registry on the real engine: seeded offline, used as the inner
 * engines' mirror, pushed to, not overwritable, not a bridge between
 * sandboxes, and gone without a trace after remove().
 */
describe('class registry mirror (real engine)', () => {
  const config = testConfig();
  const driver = testDriver(config);
  // testConfig's server id is test-<8 hex>: unique per run, so is the class.
  const classId = `it-${config.serverId.slice(-8)}`;
  const classFilter = { label: [`${Label.class}=${classId}`] };
  const registryFilter = { label: [`${Label.class}=${classId}`, `${Label.role}=registry`] };
  const countFor = async (filters: { label: string[] }) => ({
    containers: (await docker.listContainers({ all: true, filters })).length,
    volumes: ((await docker.listVolumes({ filters })).Volumes ?? []).length,
    networks: (await docker.listNetworks({ filters })).length,
  });
  let docker: Docker;
  let registry: ClassRegistry | undefined;
  let a = '';
  let b = '';

  const run = (id: string, script: string, timeoutMs = 120_000): Promise<ExecResult> => driver.exec(id, ['bash', '-c', script], { timeoutMs });
  const ok = async (id: string, script: string): Promise<string> => {
    const r = await run(id, script);
    assert.equal(r.exitCode, 0, `\`${script}\` failed (${r.exitCode}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout.trim();
  };
  /** The digest the mirror serves for library/busybox:latest, asked over HTTP from a sandbox. */
  const mirrorDigest = (id: string): Promise<string> =>
    ok(
      id,
      `curl -sfI -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' http://${MIRROR_ALIAS}:5000/v2/library/busybox/manifests/latest | tr -d '\\r' | sed -n 's/^docker-content-digest: //Ip'`,
    );
  const logsOf = async (id: string): Promise<string> => ((await docker.getContainer(id).logs({ stdout: true, stderr: true })) as unknown as Buffer).toString('utf8');

  before(async () => {
    docker = await requireDocker();
    const started = performance.now();
    registry = await startClassRegistry(docker, { classId, serverId: config.serverId, image: registryImage(), seedImages: ['busybox', 'registry:2'], sourceImage: config.image });
    const total = Math.round(performance.now() - started);
    console.log(`# class registry up in ${total} ms (seeding ${registry.seeded.join(', ')}: ${registry.seedMs} ms)`);
    // Class sandboxes carry the class label too: remove() must leave them alone.
    const withRegistry = { registry, classId };
    const readyStarted = performance.now();
    [a, b] = await Promise.all([
      startReadySandbox(driver, config, 'learner-a', 'reg-a', withRegistry),
      startReadySandbox(driver, config, 'learner-b', 'reg-b', withRegistry),
    ]);
    console.log(`# two sandboxes with the mirror ready in ${Math.round(performance.now() - readyStarted)} ms`);
  });

  after(async () => {
    await registry?.remove();
    assert.deepEqual(await cleanupServer(docker, config.serverId), { containers: 0, networks: 0, volumes: 0 });
    assert.deepEqual(await countFor(classFilter), { containers: 0, volumes: 0, networks: 0 });
  });

  test('the inner engine lists the mirror and the class registry, and resolves both names', async () => {
    assert.equal(await ok(a, `docker info --format '{{json .RegistryConfig.Mirrors}}'`), `["http://${MIRROR_ALIAS}:5000/"]`);
    const indexes = JSON.parse(await ok(a, `docker info --format '{{json .RegistryConfig.IndexConfigs}}'`)) as Record<string, { Secure: boolean }>;
    assert.equal(indexes[`${REGISTRY_ALIAS}:5000`]?.Secure, false, 'the class registry is allowed over plain HTTP');
    assert.equal(indexes[`${MIRROR_ALIAS}:5000`]?.Secure, false, 'the mirror is allowed over plain HTTP');
    // The sandbox's resolver is Docker's embedded DNS, which the inner dockerd uses too (same network namespace).
    assert.match(await ok(a, 'cat /etc/resolv.conf'), /nameserver 127\.0\.0\.11/);
    const hosts = await ok(a, `getent hosts ${MIRROR_ALIAS} ${REGISTRY_ALIAS}`);
    assert.equal(hosts.split('\n').length, 2, hosts);
    assert.deepEqual(JSON.parse(await ok(a, `curl -sf http://${MIRROR_ALIAS}:5000/v2/_catalog`)), { repositories: ['library/busybox', 'library/registry'] });
  });

  test('docker pull busybox comes from the mirror, and the image runs', async () => {
    const digest = await mirrorDigest(a);
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
    await ok(a, 'docker rmi busybox');
    assert.notEqual((await run(a, 'docker image inspect busybox')).exitCode, 0, 'the offline busybox is gone before the pull');
    const pullStarted = performance.now();
    await ok(a, 'docker pull -q busybox');
    console.log(`# docker pull busybox from the mirror: ${Math.round(performance.now() - pullStarted)} ms (exec included)`);
    assert.equal(await ok(a, "docker image inspect busybox --format '{{index .RepoDigests 0}}'"), `busybox@${digest}`);
    // The engine asks the mirror for the tag (HEAD), then fetches by digest: both in the mirror's access log.
    const log = await logsOf(registry!.containerId);
    assert.match(log, /"HEAD \/v2\/library\/busybox\/manifests\/latest HTTP\/1\.1" 200 .*docker\//);
    assert.match(log, new RegExp(`"GET /v2/library/busybox/manifests/${digest} HTTP/1\\.1" 200`));
    assert.equal(await ok(a, 'docker run --rm busybox echo ok'), 'ok');

    // registry:2 too: the registries lesson runs it, and it must still be the same image.
    await ok(a, 'docker rmi registry:2 && docker pull -q registry:2');
    assert.equal(await ok(a, "docker image inspect registry:2 --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}}'"), '["/entrypoint.sh"] ["/etc/docker/registry/config.yml"]');
  });

  test('a learner pushes to the class registry and a classmate pulls it', async () => {
    await ok(
      a,
      `d=$(mktemp -d) && cd $d && printf 'FROM busybox\\nRUN echo hello-from-a > /hello\\n' > Dockerfile \\
        && docker build -q -t ${REGISTRY_ALIAS}:5000/learner-a/hello:1 . && docker push ${REGISTRY_ALIAS}:5000/learner-a/hello:1`,
    );
    assert.equal(await ok(b, `docker run --rm ${REGISTRY_ALIAS}:5000/learner-a/hello:1 cat /hello`), 'hello-from-a');
    assert.match(await ok(b, `curl -sf http://${REGISTRY_ALIAS}:5000/v2/_catalog`), /learner-a\/hello/);
  });

  test('nobody can overwrite what the mirror serves', async () => {
    const before = await mirrorDigest(a);
    const m = `http://${MIRROR_ALIAS}:5000/v2`;
    // What `docker push` sends, straight at the mirror: every write is refused.
    const codes = await ok(
      a,
      `curl -sf -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' ${m}/library/registry/manifests/2 > /tmp/other.json
      for req in "POST ${m}/library/busybox/blobs/uploads/" \
                 "POST ${m}/library/busybox/blobs/uploads/?mount=sha256:0&from=library/registry" \
                 "PUT ${m}/library/busybox/manifests/latest" \
                 "DELETE ${m}/library/busybox/manifests/${before}"; do
        set -- $req
        curl -s -o /dev/null -w '%{http_code} ' -X "$1" -H 'Content-Type: application/vnd.docker.distribution.manifest.v2+json' --data-binary @/tmp/other.json "$2"
      done`,
    );
    assert.equal(codes, '405 405 405 405');
    // And by the real client. The engine retries a 405 five times (~50 s, then "unknown: Method not allowed"); 10 s is enough to see it fail to land.
    await ok(a, `d=$(mktemp -d) && cd $d && printf 'FROM busybox\nRUN echo impostor > /impostor\n' > Dockerfile && docker build -q -t impostor .`);
    const direct = await run(a, `docker tag impostor ${MIRROR_ALIAS}:5000/library/busybox:latest && timeout 10 docker push ${MIRROR_ALIAS}:5000/library/busybox:latest`, 30_000);
    assert.notEqual(direct.exitCode, 0, `a push to the mirror must not succeed: ${direct.stdout}`);
    const mirrorMount = (await docker.getContainer(registry!.containerId).inspect()).Mounts.find((mnt) => mnt.Destination === '/var/lib/registry');
    assert.equal(mirrorMount?.RW, false, 'the mirror’s storage is mounted read-only as well');

    // Into the writable registry under the same name: allowed, but that is not where `docker pull busybox` goes.
    await ok(a, `docker tag impostor ${REGISTRY_ALIAS}:5000/library/busybox:latest && docker push -q ${REGISTRY_ALIAS}:5000/library/busybox:latest`);
    assert.equal(await mirrorDigest(b), before);
    await ok(b, 'docker rmi busybox && docker pull -q busybox');
    assert.equal(await ok(b, "docker image inspect busybox --format '{{index .RepoDigests 0}}'"), `busybox@${before}`);
    const r = await run(b, 'docker run --rm busybox cat /impostor');
    assert.notEqual(r.exitCode, 0, 'the classmate runs the real busybox');
  });

  test('sandboxes still reach neither each other nor the host', async (t) => {
    const hostServer = createServer((_, res) => res.end('host-secret'));
    await new Promise<void>((resolve) => hostServer.listen(0, '0.0.0.0', resolve));
    t.after(() => hostServer.close());
    const port = (hostServer.address() as AddressInfo).port;
    const hostIps = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).filter((i) => i.family === 'IPv4' && !i.internal).map((i) => i.address));
    for (const ip of hostIps) assert.equal(await (await fetch(`http://${ip}:${port}/`)).text(), 'host-secret', `control: host answers on ${ip}`);

    const bInfo = await docker.getContainer(b).inspect();
    const bIp = bInfo.NetworkSettings.Networks[bInfo.HostConfig.NetworkMode!]?.IPAddress;
    // The registry's address on B's network: A must not get there through the registry either.
    const registryOnB = (await docker.getContainer(registry!.containerId).inspect()).NetworkSettings.Networks[bInfo.HostConfig.NetworkMode!]?.IPAddress;
    assert.ok(bIp && registryOnB, 'B and the registry have addresses on B’s network');
    await ok(b, 'mkdir -p /tmp/www && echo b-secret > /tmp/www/index.html && busybox httpd -p 8088 -h /tmp/www');
    assert.equal(await ok(b, `curl -s -m 2 http://${bIp}:8088/`), 'b-secret', 'control: B serves itself');
    assert.equal(await ok(a, `curl -s -o /dev/null -w '%{http_code}' http://${MIRROR_ALIAS}:5000/v2/`), '200', 'control: A reaches the mirror');

    const probes = [...hostIps.map((ip) => `http://${ip}:${port}/`), `http://${bIp}:8088/`, `http://${registryOnB}:5000/v2/`];
    const probe = await ok(a, `for u in ${probes.join(' ')}; do curl -s -m 2 -o /dev/null "$u" && echo "reached $u"; done; echo done`);
    assert.equal(probe, 'done', `sandbox A reached something it must not: ${probe}`);

    // Two learners who cooperate (both root, NET_ADMIN in their sandbox) and route via the registry get nowhere:
    // it does not forward (ip_forward=0), and the host drops traffic leaving an internal network's subnet anyway.
    assert.equal(await ok(registry!.containerId, 'cat /proc/sys/net/ipv4/ip_forward'), '0');
    const aInfo = await docker.getContainer(a).inspect();
    const subnetOf = async (network: string) => (await docker.getNetwork(network).inspect()).IPAM?.Config?.[0]?.Subnet as string;
    const registryOnA = (await docker.getContainer(registry!.containerId).inspect()).NetworkSettings.Networks[aInfo.HostConfig.NetworkMode!]?.IPAddress;
    await ok(a, `ip route add ${await subnetOf(bInfo.HostConfig.NetworkMode!)} via ${registryOnA}`);
    await ok(b, `ip route add ${await subnetOf(aInfo.HostConfig.NetworkMode!)} via ${registryOnB}`);
    const routed = await run(a, `curl -s -m 3 http://${bIp}:8088/`);
    assert.notEqual(routed.stdout.trim(), 'b-secret', 'A reached B through the registry');
  });

  test('removing a sandbox detaches the registry; remove() leaves nothing of the class behind', async () => {
    const network = (await docker.getContainer(a).inspect()).HostConfig.NetworkMode!;
    assert.ok(Object.values((await docker.getNetwork(network).inspect()).Containers ?? {}).length >= 3, 'A and both registries share A’s network');
    await driver.remove(a);
    await assert.rejects(docker.getNetwork(network).inspect(), /not found|no such network/i);

    assert.deepEqual(await countFor(registryFilter), { containers: 2, volumes: 2, networks: 1 }, 'mirror + registry, their volumes, the class network');
    await registry!.remove();
    await registry!.remove(); // idempotent
    assert.deepEqual(await countFor(registryFilter), { containers: 0, volumes: 0, networks: 0 });
    // B, a sandbox of the same class, lives on without the registry; then nothing of the class is left.
    assert.equal((await driver.inspect(b)).running, true);
    assert.deepEqual(await countFor(classFilter), { containers: 1, volumes: 1, networks: 1 }, 'only B, its volume and its network');
    await driver.remove(b);
    assert.deepEqual(await driver.list(), []);
    assert.deepEqual(await countFor(classFilter), { containers: 0, volumes: 0, networks: 0 });
  });
});
