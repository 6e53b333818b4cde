import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { cleanupServer, requireDocker, startReadySandbox, testConfig, testDriver, waitFor } from '../../test/support';
import { judgeDockerState, type StateSources } from './docker-state';
import { gradeExercise } from './grader';
import type { Exercise } from '../../../lib/lesson-format/schema';

/** Docker-state assertions against a real sandbox's inner engine: both verdicts, and a learner who tampers. */
describe('Docker-state checks (real engine)', () => {
  const config = testConfig();
  const driver = testDriver(config);
  let docker: Docker;
  let sandboxId = '';
  let engine: StateSources;
  const hostSecret = `/tmp/drydock-host-only-${process.pid}`;
  const sh = async (script: string) => {
    const r = await driver.exec(sandboxId, ['bash', '-e', '-s'], { stdin: script, timeoutMs: 120_000 });
    assert.equal(r.exitCode, 0, `setup failed: ${r.stderr}`);
  };

  before(async () => {
    docker = await requireDocker();
    sandboxId = await startReadySandbox(driver, config, 'state-learner', 'state');
    await sh(`
      mkdir -p /root/site && echo hi > /root/site/index.html
      docker network create appnet >/dev/null
      docker volume create data >/dev/null
      docker run -d --name web --network appnet -p 9090:80 -v /root/site:/www:ro -v data:/data busybox httpd -f -p 80 -h /www >/dev/null
      docker run --name three busybox sh -c 'exit 3' || true
      d=$(mktemp -d); cd $d
      printf 'FROM busybox\\nLABEL version=1.2\\nUSER 65534\\nHEALTHCHECK CMD true\\n' > Dockerfile
      docker build -q -t good:1 . >/dev/null
      printf 'FROM busybox\nUSER 0:10001\n' > Dockerfile && docker build -q -t rootgroup:1 . >/dev/null
      printf 'FROM busybox\nEXPOSE 8080 53/udp\nHEALTHCHECK --interval=1s CMD true\n' > Dockerfile && docker build -q -t exposer:1 . >/dev/null
      docker run -d --name limited --memory 64m --cpus 0.5 --pids-limit 50 --read-only --tmpfs /scratch --user 1000:1000 --cap-drop NET_RAW --security-opt no-new-privileges busybox sleep 600 >/dev/null
      docker run -d --name side --network container:web busybox sleep 600 >/dev/null
      docker run -d --name allports -P exposer:1 sleep 600 >/dev/null
      echo 'hello from the volume' > /var/lib/docker/volumes/data/_data/index.html
      # A directory made by hand where a volume would live is not a volume.
      mkdir -p /var/lib/docker/volumes/handmade/_data && echo 'hello from the volume' > /var/lib/docker/volumes/handmade/_data/index.html
      # A link to a path that exists only on the host.
      ln -s ${hostSecret} /var/lib/docker/volumes/data/_data/escape
      ln -s ../../../../../../root/site/index.html /var/lib/docker/volumes/data/_data/linked
      mkdir -p /root/web && printf 'FROM busybox\nADD https://example.com/app.tgz /app/\nCMD httpd -f\n' > /root/web/Dockerfile
      cp /opt/drydock/cross/busybox-amd64 hello
      printf 'FROM busybox AS build\nRUN echo compiling > /out\nFROM scratch\nCOPY hello /hello\nCOPY --from=build /out /out\nCMD ["/hello"]\n' > Dockerfile
      docker build -q -t tiny:1 . >/dev/null
      printf 'FROM busybox\nRUN echo compiling > /out\nCMD ["cat", "/out"]\n' > Dockerfile
      docker build -q -t fat:1 . >/dev/null
    `);
    const inner = await driver.innerEngine(sandboxId);
    engine = { engine: inner, readFile: (path, max) => driver.readFile(sandboxId, path, max) };
  });
  after(async () => {
    assert.deepEqual(await cleanupServer(docker, config.serverId), { containers: 0, networks: 0, volumes: 0 });
  });

  test('a container: running, image, published port, mounts (ro), network — all met', async () => {
    const r = await judgeDockerState(engine, {
      container: 'web',
      running: true,
      image: 'busybox:latest',
      publishes: ['9090:80'],
      mounts: [{ source: '/root/site', target: '/www', readOnly: true }, { source: 'data', target: '/data', readOnly: false }],
      networks: ['appnet'],
    });
    assert.deepEqual(r, { passed: true, found: 'web is as expected' });
  });

  test('each unmet expectation says what was expected and what was found', async () => {
    const cases: [Parameters<typeof judgeDockerState>[1], string][] = [
      [{ container: 'nope', running: true }, 'there is no container named nope'],
      [{ container: 'web', publishes: ['8080:80'] }, 'web should publish 8080:80; it publishes 9090:80'],
      [{ container: 'web', mounts: [{ target: '/www', readOnly: false }] }, '/www should be writable; it is read-only'],
      [{ container: 'web', mounts: [{ target: '/elsewhere' }] }, 'web should have something mounted at /elsewhere; its mounts: data→/data, /root/site→/www:ro'],
      [{ container: 'web', networks: ['other'] }, 'web should be on network other; it is on appnet'],
      [{ container: 'three', running: true }, 'three should be running; it is exited'],
      [{ container: 'three', exitCode: 4 }, 'three should have exited with 4; it is exited (3)'],
    ];
    for (const [assertion, found] of cases) {
      const r = await judgeDockerState(engine, assertion);
      assert.equal(r.passed, false, JSON.stringify(assertion));
      assert.equal(r.found.replace(/\/var\/lib\/docker\/volumes\/data\/_data/, 'data'), found);
    }
    assert.equal((await judgeDockerState(engine, { container: 'three', exitCode: 3 })).passed, true);
  });

  test('images: non-root user, healthcheck, labels, size and layers', async () => {
    assert.equal((await judgeDockerState(engine, { image: 'good:1', nonRootUser: true, healthcheck: true, labels: { version: '1.2' }, maxSizeMB: 10, maxLayers: 1 })).passed, true);
    assert.equal((await judgeDockerState(engine, { image: 'busybox', nonRootUser: true })).found, 'busybox should run as a non-root USER; its user is not set (root)');
    assert.equal((await judgeDockerState(engine, { image: 'rootgroup:1', nonRootUser: true })).found, 'rootgroup:1 should run as a non-root USER; its user is 0:10001', 'the group does not make uid 0 unprivileged');
    assert.equal((await judgeDockerState(engine, { image: 'busybox', healthcheck: true })).found, 'busybox should have a HEALTHCHECK; it has none');
    assert.equal((await judgeDockerState(engine, { image: 'good:1', labels: { version: '2' } })).found, 'good:1 should have the label version=2; version is "1.2"');
    assert.match((await judgeDockerState(engine, { image: 'good:1', maxSizeMB: 0.5 })).found, /^good:1 should be at most 0\.5 MB; it is \d+\.\d MB$/);
    assert.equal((await judgeDockerState(engine, { image: 'missing:1', healthcheck: true })).found, 'there is no image missing:1');
  });

  test('container settings: limits, read-only root, tmpfs, user, network mode, -P, capabilities, security options, health', async () => {
    await waitFor('allports to be healthy', async () => (await judgeDockerState(engine, { container: 'allports', health: 'healthy' })).passed, 20_000, 200);
    assert.deepEqual(
      await judgeDockerState(engine, {
        container: 'limited',
        memoryMB: 64,
        cpus: 0.5,
        pidsLimit: 50,
        readOnlyRootfs: true,
        tmpfs: ['/scratch'],
        user: '1000:1000',
        nonRootUser: true,
        capDrop: ['NET_RAW'],
        securityOpt: ['no-new-privileges'],
        networkMode: 'bridge',
        oomKilled: false,
      }),
      { passed: true, found: 'limited is as expected' },
    );
    assert.equal((await judgeDockerState(engine, { container: 'side', networkMode: 'container:web' })).passed, true, 'container:<name> matches what the engine stored');
    assert.equal((await judgeDockerState(engine, { container: 'allports', publishAll: true, health: 'healthy' })).passed, true);
    const cases: [Parameters<typeof judgeDockerState>[1], string | RegExp][] = [
      [{ container: 'web', memoryMB: 64 }, 'web should have a 64 MiB memory limit; it has none'],
      [{ container: 'limited', memoryMB: 128 }, 'limited should have a 128 MiB memory limit; it has 64 MiB'],
      [{ container: 'limited', cpus: 1 }, 'limited should be limited to 1 CPUs; it has 0.5'],
      [{ container: 'web', pidsLimit: 50 }, 'web should have a pids limit of 50; it has none'],
      [{ container: 'web', readOnlyRootfs: true }, "web's root filesystem should be read-only; it is writable"],
      [{ container: 'web', tmpfs: ['/tmp'] }, 'web should have a tmpfs at /tmp; it has none'],
      [{ container: 'web', user: '1000' }, 'web should run as user 1000; it runs as the image default (root unless the image has a USER)'],
      [{ container: 'web', nonRootUser: true }, 'web should run as a non-root user; its user is not set (root)'],
      [{ container: 'side', networkMode: 'container:three' }, /^side should use network mode container:three; it uses container:/],
      [{ container: 'web', publishAll: true }, 'web should publish all exposed ports (-P); it does not'],
      [{ container: 'web', capDrop: ['ALL'] }, 'web should drop ALL; it drops nothing'],
      [{ container: 'web', securityOpt: ['no-new-privileges'] }, /^web should run with --security-opt no-new-privileges; it has /],
      [{ container: 'three', oomKilled: true }, 'three should have been killed for running out of memory; OOMKilled is false'],
      [{ container: 'web', health: 'healthy' }, 'web should be healthy; it has no HEALTHCHECK'],
    ];
    for (const [assertion, found] of cases) {
      const r = await judgeDockerState(engine, assertion);
      assert.equal(r.passed, false, JSON.stringify(assertion));
      if (typeof found === 'string') assert.equal(r.found, found);
      else assert.match(r.found, found);
    }
  });

  test('images: platform and exposed ports', async () => {
    assert.equal((await judgeDockerState(engine, { image: 'exposer:1', platform: 'linux/amd64', exposes: ['8080', '53/udp'] })).passed, true);
    assert.equal((await judgeDockerState(engine, { image: 'exposer:1', platform: 'linux/arm64' })).found, 'exposer:1 should be for linux/arm64; it is for linux/amd64');
    assert.equal((await judgeDockerState(engine, { image: 'exposer:1', exposes: ['9090'] })).found, 'exposer:1 should EXPOSE 9090/tcp; it exposes 53/udp, 8080/tcp');
  });

  test('volumes and networks exist or not', async () => {
    assert.equal((await judgeDockerState(engine, { volume: 'data', exists: true })).passed, true);
    assert.equal((await judgeDockerState(engine, { network: 'appnet', exists: true })).passed, true);
    assert.deepEqual(await judgeDockerState(engine, { network: 'ghost', exists: true }), { passed: false, found: 'the network ghost does not exist' });
    assert.deepEqual(await judgeDockerState(engine, { volume: 'ghost', exists: false }), { passed: true, found: 'there is no volume named ghost' });
  });

  test('a file inside a volume: read where the engine keeps the volume; both verdicts', async () => {
    assert.deepEqual(await judgeDockerState(engine, { volume: 'data', exists: true, file: { path: 'index.html', contains: 'hello' } }), {
      passed: true,
      found: 'data:/index.html holds "hello from the volume"',
    });
    assert.equal((await judgeDockerState(engine, { volume: 'data', exists: true, file: { path: 'index.html', equals: 'hello from the volume\n' } })).passed, true);
    assert.equal(
      (await judgeDockerState(engine, { volume: 'data', exists: true, file: { path: 'index.html', equals: 'bye' } })).found,
      'data:/index.html should hold "bye"; it holds "hello from the volume"',
    );
    assert.equal((await judgeDockerState(engine, { volume: 'data', exists: true, file: { path: 'nope.txt', contains: 'x' } })).found, 'the volume data has no file nope.txt');
    // A relative link to another file of the sandbox is followed, inside the sandbox.
    assert.deepEqual(await judgeDockerState(engine, { volume: 'data', exists: true, file: { path: 'linked', equals: 'hi' } }), { passed: true, found: 'data:/linked holds "hi"' });
  });

  test('a Dockerfile check reads the learner\'s file and reports each broken rule with its line', async () => {
    const exercise: Exercise = {
      id: 'dockerfile',
      title: 'a good Dockerfile',
      line: 1,
      hints: [],
      timeoutSeconds: 10,
      solution: 'true',
      checks: [
        { dockerfile: { path: '/root/web/Dockerfile', rules: ['pinnedBaseTag', 'noRemoteAdd', 'execFormCmd', 'nonRootUser'] }, fail: 'Fix the Dockerfile.', hint: 'Pin busybox:1.36, COPY instead of ADD, USER 65534, CMD in JSON.' },
        { dockerfile: { path: '/root/nowhere/Dockerfile', rules: ['multiStage'] }, fail: 'Write /root/nowhere/Dockerfile.' },
      ],
    };
    const bad = await gradeExercise(driver, sandboxId, exercise);
    assert.equal(bad.passed, false);
    assert.equal(
      bad.checks[0]!.message,
      'Fix the Dockerfile. — line 1: expected a pinned tag such as busybox:1.36; found FROM busybox with no tag (it means :latest, which changes under you); ' +
        'line 1: expected a USER instruction in the final stage; found none, so the container runs as root; ' +
        'line 2: expected files from the build context (COPY), or a download you verify in a RUN step; found ADD of a remote URL: https://example.com/app.tgz; ' +
        'line 3: expected exec form, e.g. CMD ["httpd","-f"]; found shell form CMD httpd -f (it runs under /bin/sh -c, so your program is not PID 1 and misses signals)',
    );
    assert.equal(bad.checks[0]!.hint, 'Pin busybox:1.36, COPY instead of ADD, USER 65534, CMD in JSON.');
    assert.equal(bad.checks[1]!.message, 'Write /root/nowhere/Dockerfile. — there is no file /root/nowhere/Dockerfile');
    await sh(`printf 'FROM busybox:1.36\nCOPY app.tgz /app/\nUSER 65534\nCMD ["httpd", "-f"]\n' > /root/web/Dockerfile`);
    const good = await gradeExercise(driver, sandboxId, { ...exercise, checks: exercise.checks.slice(0, 1) });
    assert.equal(good.passed, true, good.checks[0]!.message);
  });

  test('tampering: a hand-made volume directory does not count; a symlink never reaches the host', async () => {
    const { writeFileSync, rmSync } = await import('node:fs');
    writeFileSync(hostSecret, 'host secret');
    try {
      assert.deepEqual(await judgeDockerState(engine, { volume: 'handmade', exists: true, file: { path: 'index.html', contains: 'hello' } }), {
        passed: false,
        found: 'there is no volume named handmade',
      });
      // The link resolves inside the sandbox, where that path does not exist.
      assert.deepEqual(await judgeDockerState(engine, { volume: 'data', exists: true, file: { path: 'escape', contains: 'secret' } }), {
        passed: false,
        found: 'the volume data has no file escape',
      });
    } finally {
      rmSync(hostSecret, { force: true });
    }
  });

  test('images: built FROM scratch, and no build-stage step in the history', async () => {
    assert.deepEqual(await judgeDockerState(engine, { image: 'tiny:1', fromScratch: true, historyExcludes: ['compiling'] }), { passed: true, found: 'tiny:1 is as expected' });
    assert.match((await judgeDockerState(engine, { image: 'fat:1', fromScratch: true })).found, /^fat:1 should be built FROM scratch; it contains \/bin\/(busybox|sh|\w+) from a base operating system$/);
    assert.equal(
      (await judgeDockerState(engine, { image: 'fat:1', historyExcludes: ['compiling'] })).found,
      'fat:1 should have no step matching /compiling/ in its history; step 2 of 3 is "RUN echo compiling > /out"',
    );
  });

  test('a manifest list in a registry, read through the inner engine', async () => {
    await sh(`
      docker run -d -p 5000:5000 --name registry registry:2 >/dev/null
      for i in $(seq 50); do curl -fs localhost:5000/v2/ >/dev/null && break; sleep 0.1; done
      d=$(mktemp -d); cd $d; cp /opt/drydock/cross/busybox-amd64 /opt/drydock/cross/busybox-arm64 .
      printf 'FROM scratch\nARG TARGETARCH\nCOPY busybox-$TARGETARCH /bin/busybox\n' > Dockerfile
      for arch in amd64 arm64; do docker buildx build -q --platform linux/$arch -t localhost:5000/multi:$arch --push . >/dev/null; done
      docker buildx imagetools create -t localhost:5000/multi:1 localhost:5000/multi:amd64 localhost:5000/multi:arm64 >/dev/null 2>&1
    `);
    assert.deepEqual(await judgeDockerState(engine, { manifest: 'localhost:5000/multi:1', platforms: ['linux/amd64', 'linux/arm64'] }), {
      passed: true,
      found: 'localhost:5000/multi:1 lists linux/amd64, linux/arm64',
    });
    assert.equal(
      (await judgeDockerState(engine, { manifest: 'localhost:5000/multi:amd64', platforms: ['linux/amd64', 'linux/arm64'] })).found,
      'localhost:5000/multi:amd64 should be a manifest list for linux/amd64, linux/arm64; it is a single-platform image (linux/amd64)',
    );
    assert.match((await judgeDockerState(engine, { manifest: 'localhost:5000/nothing:1', platforms: ['linux/amd64'] })).found, /^could not read localhost:5000\/nothing:1 from its registry: .+/);
    assert.deepEqual(await judgeDockerState(engine, { manifest: 'localhost:5000/multi:arm64' }), { passed: true, found: 'localhost:5000/multi:arm64 is in its registry (one image, linux/arm64)' });
    assert.equal((await judgeDockerState(engine, { manifest: 'localhost:5000/nothing:1' })).passed, false);
  });

  test('tampering: a fake docker on PATH and /etc/ld.so.preload fool shell checks, not Docker-state checks', async () => {
    const exercise: Exercise = {
      id: 'tamper',
      title: 'a running container named ghost',
      line: 1,
      hints: [],
      timeoutSeconds: 10,
      solution: 'true',
      checks: [
        { shell: '[ "$(docker inspect --format {{.State.Running}} ghost)" = true ]', fail: 'shell: ghost must run' },
        { docker: { container: 'ghost', running: true }, fail: 'state: ghost must run' },
      ],
    };
    // The learner puts a docker CLI that always says "true" first on PATH (/usr/bin is read-only in
    // the hardened tier; /usr/local/bin is theirs), and preloads a library.
    await sh(`
      printf '#!/bin/sh\\necho true\\n' > /usr/local/bin/docker && chmod +x /usr/local/bin/docker
      echo /nonexistent/libfake.so > /etc/ld.so.preload
    `);
    try {
      const verdict = await gradeExercise(driver, sandboxId, exercise);
      assert.equal(verdict.checks[0]!.passed, true, 'the fake CLI fools the shell check (which is why lessons should prefer docker: checks)');
      assert.equal(verdict.checks[1]!.passed, false);
      assert.equal(verdict.checks[1]!.message, 'state: ghost must run — there is no container named ghost');
      assert.equal(verdict.passed, false, 'the exercise does not pass');
    } finally {
      await driver.exec(sandboxId, ['bash', '-c', 'rm -f /etc/ld.so.preload /usr/local/bin/docker'], { timeoutMs: 10_000 });
    }
  });

  test('tampering: a symlink in place of the Docker socket cannot lead the grader to the host engine', async () => {
    const exercise: Exercise = {
      id: 'socket',
      title: 'the host has a bridge network',
      line: 1,
      hints: [],
      timeoutSeconds: 10,
      solution: 'true',
      // "bridge" exists in every engine, the host's too: reading the host engine would pass this.
      checks: [{ docker: { network: 'bridge', exists: true }, fail: 'state: bridge must exist', hint: 'is dockerd running?' }],
    };
    // /var/run/docker.sock is the host's engine when an absolute link is followed from the host.
    await sh('mv /run/docker.sock /run/docker.sock.real && ln -s /var/run/docker.sock /run/docker.sock');
    try {
      const verdict = await gradeExercise(driver, sandboxId, exercise);
      assert.equal(verdict.passed, false);
      assert.match(verdict.checks[0]!.message, /^state: bridge must exist — the grader could not read your sandbox's Docker engine \(the sandbox's Docker socket was tampered with: \/run\/docker.sock is not a socket\)$/);
      assert.equal(verdict.checks[0]!.hint, 'is dockerd running?', 'a failing check carries its hint');
    } finally {
      await driver.exec(sandboxId, ['bash', '-c', 'rm -f /run/docker.sock; mv /run/docker.sock.real /run/docker.sock'], { timeoutMs: 10_000 });
    }
    const again = await gradeExercise(driver, sandboxId, exercise);
    assert.equal(again.passed, true, 'with the socket back, the same check passes');
    assert.equal(again.checks[0]!.hint, undefined, 'a passing check carries no hint');
  });
});
