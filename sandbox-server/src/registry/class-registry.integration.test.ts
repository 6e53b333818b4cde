import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { cleanupServer, registryImage, requireDocker, startReadySandbox, testConfig, testDriver, testRegistryBackend } from '../../test/support';
import { MIRROR_ALIAS, REGISTRY_ALIAS, startClassRegistry, type ClassRegistry } from './class-registry';
import type { ExecResult } from '../engine/driver';
import { Label } from '../engine/docker/labels';
import { WRITABLE_PATHS } from '../engine/docker/isolation/sandbox-disk';
import { installRegistryLogin, registryPassword, type RegistryLogin } from './registry-auth';

/**
 * A class registry on the real engine: seeded offline, used as the inner
 * engines' mirror, pushed to by learners each in their own namespace (a
 * classmate pulls, but cannot overwrite, not even with path tricks), the
 * mirror not overwritable, not a bridge between sandboxes, and gone without
 * a trace after remove().
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
  /** alice's sandbox and bob's; their logins as the platform makes them (ClassRuntime.placement). */
  let a = '';
  let b = '';
  const secret = randomBytes(32);
  const loginOf = (username: string): RegistryLogin => ({ host: `${REGISTRY_ALIAS}:5000`, username, password: registryPassword(secret, classId, `learner-${username}`) });
  const R = `http://${REGISTRY_ALIAS}:5000`;

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
    registry = await startClassRegistry(testRegistryBackend(config, driver), { classId, image: registryImage(), seedImages: ['busybox', 'registry:2'], sourceImage: config.image });
    const total = Math.round(performance.now() - started);
    console.log(`# class registry up in ${total} ms (seeding ${registry.seeded.join(', ')}: ${registry.seedMs} ms)`);
    // Class sandboxes carry the class label too: remove() must leave them alone.
    const withRegistry = { registry, classId };
    const readyStarted = performance.now();
    [a, b] = await Promise.all([
      startReadySandbox(driver, config, 'learner-alice', 'reg-a', withRegistry),
      startReadySandbox(driver, config, 'learner-bob', 'reg-b', withRegistry),
    ]);
    console.log(`# two sandboxes with the mirror ready in ${Math.round(performance.now() - readyStarted)} ms`);
    // What SessionManager does once a sandbox is a learner's: the gate learns the login, the sandbox gets it.
    const loginStarted = performance.now();
    await registry.admit([loginOf('alice'), loginOf('bob')]);
    await Promise.all([installRegistryLogin(driver, a, loginOf('alice')), installRegistryLogin(driver, b, loginOf('bob'))]);
    console.log(`# logins admitted and installed in ${Math.round(performance.now() - loginStarted)} ms`);
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

  /** The digest the class registry serves for a manifest, asked from a sandbox with that sandbox's own login. */
  const registryDigest = (id: string, repo: string, tag: string): Promise<string> =>
    ok(
      id,
      `curl -sfI -u "$(jq -r '.auths["${REGISTRY_ALIAS}:5000"].auth' ~/.docker/config.json | base64 -d)" \
        -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
        ${R}/v2/${repo}/manifests/${tag} | tr -d '\r' | sed -n 's/^docker-content-digest: //Ip'`,
    );
  /** Builds a one-file image in a sandbox's engine. */
  const build = (id: string, tag: string, text: string): Promise<string> =>
    ok(id, `d=$(mktemp -d) && cd $d && printf 'FROM busybox\\nRUN echo ${text} > /hello\\n' > Dockerfile && docker build -q -t ${tag} .`);

  test('each sandbox holds its own login only, and says where to push', async () => {
    const config = JSON.parse(await ok(b, 'cat /root/.docker/config.json')) as { auths: Record<string, { auth: string }> };
    assert.deepEqual(Object.keys(config.auths), [`${REGISTRY_ALIAS}:5000`]);
    assert.equal(Buffer.from(config.auths[`${REGISTRY_ALIAS}:5000`]!.auth, 'base64').toString(), `bob:${loginOf('bob').password}`);
    assert.equal(await ok(b, 'stat -c %a /root/.docker/config.json'), '600');
    assert.equal(await ok(b, 'cat /root/.docker/drydock-registry'), `${REGISTRY_ALIAS}:5000/bob`);
    // The hint the shell shows before its next prompt (bashrc), as a learner's shell would.
    assert.match(await ok(b, `bash -ic 'eval "$PROMPT_COMMAND"' 2>/dev/null`), /push your images as drydock-registry:5000\/bob\/NAME:TAG/);
    // The users file stays in the registry container: the gate serves nothing but registry paths.
    const probes = await ok(b, `for p in /htpasswd /tmp/drydock/htpasswd /v2/../tmp/drydock/htpasswd /etc/drydock/gate.conf; do curl -s -o /dev/null -w '%{http_code} ' -u "bob:${loginOf('bob').password}" --path-as-is ${R}$p; done`);
    assert.equal(probes, '404 404 404 404');
  });

  test('alice pushes alice/app:1; bob pulls and runs it', async () => {
    await build(a, `${REGISTRY_ALIAS}:5000/alice/app:1`, 'hello-from-alice');
    await ok(a, `docker push -q ${REGISTRY_ALIAS}:5000/alice/app:1`);
    assert.equal(await ok(b, `docker run --rm ${REGISTRY_ALIAS}:5000/alice/app:1 cat /hello`), 'hello-from-alice');
    assert.match(await ok(b, `curl -sf -u "bob:${loginOf('bob').password}" ${R}/v2/_catalog`), /alice\/app/);
    // Building on a classmate's image: the builder finds the login in config.json too.
    await ok(b, `docker rmi ${REGISTRY_ALIAS}:5000/alice/app:1`);
    await ok(b, `d=$(mktemp -d) && cd $d && printf 'FROM ${REGISTRY_ALIAS}:5000/alice/app:1\nRUN cat /hello > /seen\n' > Dockerfile && docker build -q -t on-top .`);
    assert.equal(await ok(b, 'docker run --rm on-top cat /seen'), 'hello-from-alice');
    // Who pushed is in the gate's log, with the login.
    assert.match(await logsOf(registry!.registryContainerId), / alice "PUT \/v2\/alice\/app\/manifests\/1 HTTP\/1\.1" 201 /);
  });

  test('bob cannot overwrite alice/app:1: docker push is denied at once, and so is every path trick; her digest stays', async () => {
    const before = await registryDigest(a, 'alice/app', '1');
    assert.match(before, /^sha256:[0-9a-f]{64}$/);
    assert.equal(await registryDigest(b, 'alice/app', '1'), before, 'bob reads the same');

    // The real client, with bob's own login: a JSON DENIED, which the engine does not retry.
    await build(b, 'impostor', 'impostor-from-bob');
    const pushStarted = performance.now();
    const pushed = await run(b, `docker tag impostor ${REGISTRY_ALIAS}:5000/alice/app:1 && docker push ${REGISTRY_ALIAS}:5000/alice/app:1`, 60_000);
    const pushMs = Math.round(performance.now() - pushStarted);
    console.log(`# bob's push to alice/app:1 refused in ${pushMs} ms`);
    assert.notEqual(pushed.exitCode, 0, `bob's push over alice's image must fail: ${pushed.stdout}`);
    assert.match(pushed.stderr, /denied: you may push only to your own namespace/);
    assert.ok(pushMs < 15_000, `refused at once, not after retries (${pushMs} ms)`);

    // Bob's own image in his namespace, so he has a manifest and a layer to send (and to mount from).
    await ok(b, `docker tag impostor ${REGISTRY_ALIAS}:5000/bob/app:1 && docker push -q ${REGISTRY_ALIAS}:5000/bob/app:1`);
    // What docker push sends, by hand with curl and bob's login from his config, each request
    // line exactly as written (--request-target: curl neither encodes nor normalizes it).
    // [expected status, request line]: 403 DENIED for plain paths into another namespace, 400 for
    // anything that is not plainly a registry path, 405 for other methods. The first is the control:
    // the same machinery writes where bob may.
    const tricks: [number, string][] = [
      [201, 'PUT /v2/bob/app/manifests/control'],
      [403, 'PUT /v2/alice/app/manifests/1'],
      [403, 'PUT http://drydock-registry:5000/v2/alice/app/manifests/1'],
      [400, 'PUT /v2/alice%2fapp/manifests/1'],
      [400, 'PUT /v2/alice%2Fapp/manifests/1'],
      [400, 'PUT /v2/bob%2f..%2falice/app/manifests/1'],
      [400, 'PUT /v2/bob/..%2falice/app/manifests/1'],
      [400, 'PUT /v2/bob/%2e%2e/alice/app/manifests/1'],
      [400, 'PUT /v2/bob/../alice/app/manifests/1'],
      [400, 'PUT /v2/bob/app/../../alice/app/manifests/1'],
      [400, 'PUT /v2/./alice/app/manifests/1'],
      [400, 'PUT /v2//alice/app/manifests/1'],
      [400, 'PUT //v2/alice/app/manifests/1'],
      [400, 'PUT /v2/bob//../alice/app/manifests/1'],
      [400, 'PUT /v2/bob\\..\\alice/app/manifests/1'],
      [400, 'PUT /v2/bob;/../alice/app/manifests/1'],
      [403, 'PUT /v2/Alice/app/manifests/1'],
      [403, 'PUT /v2/ALICE/app/manifests/1'],
      [403, 'PUT /v2/alice/app/manifests/1?from=/v2/bob/'],
      [403, `PUT /v2/alice/app/manifests/sha256:${'0'.repeat(64)}`],
      [403, 'POST /v2/alice/app/blobs/uploads/'],
      // A cross-repository mount INTO alice's repository (from bob's) is a write to hers.
      [403, 'POST /v2/alice/app/blobs/uploads/?mount=$LAYER&from=bob/app'],
      [400, 'POST /v2/alice%2Fapp/blobs/uploads/?mount=$LAYER&from=bob/app'],
      [403, 'PATCH /v2/alice/app/blobs/uploads/00000000-0000-0000-0000-000000000000'],
      [403, `DELETE /v2/alice/app/manifests/${before}`],
      [400, 'put /v2/alice/app/manifests/1'],
      [405, 'MOVE /v2/alice/app/manifests/1'],
    ];
    const answers = await ok(
      b,
      `LOGIN=$(jq -r '.auths["${REGISTRY_ALIAS}:5000"].auth' ~/.docker/config.json | base64 -d)
      CT=$(curl -sf -u "$LOGIN" -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
        -o /tmp/bob.json -w '%{content_type}' ${R}/v2/bob/app/manifests/1)
      LAYER=$(jq -r '.layers[-1].digest' /tmp/bob.json)
      while read -r method target; do
        target=\${target//'$LAYER'/$LAYER}
        curl -s -o /dev/null -w '%{http_code}\\n' -u "$LOGIN" -X "$method" -H "Content-Type: $CT" --data-binary @/tmp/bob.json --request-target "$target" ${R}
      done <<'TRICKS'
${tricks.map(([, request]) => request).join('\n')}
TRICKS`,
    );
    const got = answers.split('\n').map(Number);
    assert.deepEqual(
      tricks.map(([, request], i) => `${got[i]} ${request}`),
      tricks.map(([code, request]) => `${code} ${request}`),
    );

    assert.equal(await registryDigest(a, 'alice/app', '1'), before, 'alice’s image is unchanged');
    await ok(b, `docker rmi ${REGISTRY_ALIAS}:5000/alice/app:1 && docker pull -q ${REGISTRY_ALIAS}:5000/alice/app:1`);
    assert.equal(await ok(b, `docker run --rm ${REGISTRY_ALIAS}:5000/alice/app:1 cat /hello`), 'hello-from-alice');
  });

  test('bob pushes bob/app:1; mounting alice’s layer into his repository is a read and works', async () => {
    assert.equal(await ok(a, `docker run --rm ${REGISTRY_ALIAS}:5000/bob/app:1 cat /hello`), 'impostor-from-bob');
    const mounted = await ok(
      b,
      `LOGIN=$(jq -r '.auths["${REGISTRY_ALIAS}:5000"].auth' ~/.docker/config.json | base64 -d)
      LAYER=$(curl -sf -u "$LOGIN" -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -H 'Accept: application/vnd.oci.image.manifest.v1+json' ${R}/v2/alice/app/manifests/1 | jq -r '.layers[-1].digest')
      curl -s -o /dev/null -w '%{http_code} ' -u "$LOGIN" -X POST "${R}/v2/bob/copy/blobs/uploads/?mount=$LAYER&from=alice/app"
      curl -s -o /dev/null -w '%{http_code}' -u "$LOGIN" -I "${R}/v2/bob/copy/blobs/$LAYER"`,
    );
    assert.equal(mounted, '201 200', 'mounted from alice/app into bob/copy');
  });

  test('without a login, with a wrong password or under another’s name, the registry refuses', async () => {
    const bob = loginOf('bob');
    const codes = await ok(
      b,
      `for u in '' 'bob:wrong' 'alice:${bob.password}' 'Bob:${bob.password}'; do
        curl -s -o /dev/null -w '%{http_code}/' \${u:+-u "$u"} ${R}/v2/
        curl -s -o /dev/null -w '%{http_code}/' \${u:+-u "$u"} ${R}/v2/alice/app/tags/list
        curl -s -o /dev/null -w '%{http_code} ' \${u:+-u "$u"} -X POST ${R}/v2/bob/app/blobs/uploads/
      done`,
    );
    // A write into bob/ under another name is refused by the namespace check before the password is looked at.
    assert.equal(codes, '401/401/401 401/401/401 401/401/403 401/401/403');
    // The real client with no login at all: it does not even try.
    const anonymous = await run(b, `DOCKER_CONFIG=$(mktemp -d) docker push ${REGISTRY_ALIAS}:5000/bob/app:1`, 60_000);
    assert.notEqual(anonymous.exitCode, 0);
    assert.match(anonymous.stderr, /no basic auth credentials/);
    const anonymousPull = await run(b, `DOCKER_CONFIG=$(mktemp -d) docker pull ${REGISTRY_ALIAS}:5000/alice/app:1`, 60_000);
    assert.notEqual(anonymousPull.exitCode, 0, 'reads need a class member’s login too');
  });

  test('the registry itself listens on loopback only: the gate is the one way in', async () => {
    // Listening TCP sockets in the registry container's network namespace (state 0A):
    // the gate on 0.0.0.0:5000, the registry on 127.0.0.1:5001, and Docker's DNS on 127.0.0.11.
    const listening = (await ok(registry!.registryContainerId, "cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '$4 == \"0A\" { print $2 }'")).split('\n').sort();
    const ours = listening.filter((l) => !l.startsWith('0B00007F:'));
    assert.deepEqual(ours, ['00000000:1388', '0100007F:1389'], `listeners: ${listening.join(' ')}`);
    const bInfo = await docker.getContainer(b).inspect();
    const registryOnB = (await docker.getContainer(registry!.registryContainerId).inspect()).NetworkSettings.Networks[bInfo.HostConfig.NetworkMode!]?.IPAddress;
    assert.ok(registryOnB);
    const direct = await ok(b, `curl -s -m 3 -o /dev/null -w '%{http_code} ' http://${registryOnB}:5001/v2/; curl -s -m 3 -o /dev/null -w '%{http_code}' -u "bob:${loginOf('bob').password}" http://${registryOnB}:5000/v2/`);
    assert.equal(direct, '000 200', 'port 5001 is closed from the sandbox; the gate answers on 5000');
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

    // Into the class registry under the same name: library/ is nobody's namespace, so that is refused too
    // (and it is not where `docker pull busybox` goes anyway).
    const library = await run(a, `docker tag impostor ${REGISTRY_ALIAS}:5000/library/busybox:latest && docker push ${REGISTRY_ALIAS}:5000/library/busybox:latest`, 60_000);
    assert.notEqual(library.exitCode, 0);
    assert.match(library.stderr, /denied/);
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
    // A hardened sandbox has a volume per writable path (its disk's folders); a capability-tier one, one.
    const volumesPerSandbox = driver.tier === 'userns' ? WRITABLE_PATHS.length : 1;
    assert.deepEqual(await countFor(classFilter), { containers: 1, volumes: volumesPerSandbox, networks: 1 }, 'only B, its volumes and its network');
    await driver.remove(b);
    assert.deepEqual(await driver.list(), []);
    assert.deepEqual(await countFor(classFilter), { containers: 0, volumes: 0, networks: 0 });
  });
});
