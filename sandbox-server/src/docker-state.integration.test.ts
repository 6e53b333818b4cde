import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { cleanupServer, requireDocker, startReadySandbox, testConfig, testDriver } from '../test/support';
import { judgeDockerState } from './docker-state';
import { gradeExercise } from './grader';
import type { Exercise } from '../../lib/lessons/schema';

/** Docker-state assertions against a real sandbox's inner engine: both verdicts, and a learner who tampers. */
describe('Docker-state checks (real engine)', () => {
  const config = testConfig();
  const driver = testDriver(config);
  let docker: Docker;
  let sandboxId = '';
  let engine: Docker;
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
    `);
    engine = await driver.innerEngine(sandboxId);
  });
  after(async () => {
    assert.deepEqual(await cleanupServer(docker, config.serverId), { containers: 0, networks: 0 });
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
    assert.equal((await judgeDockerState(engine, { image: 'busybox', healthcheck: true })).found, 'busybox should have a HEALTHCHECK; it has none');
    assert.equal((await judgeDockerState(engine, { image: 'good:1', labels: { version: '2' } })).found, 'good:1 should have the label version=2; version is "1.2"');
    assert.match((await judgeDockerState(engine, { image: 'good:1', maxSizeMB: 0.5 })).found, /^good:1 should be at most 0\.5 MB; it is \d+\.\d MB$/);
    assert.equal((await judgeDockerState(engine, { image: 'missing:1', healthcheck: true })).found, 'there is no image missing:1');
  });

  test('volumes and networks exist or not', async () => {
    assert.equal((await judgeDockerState(engine, { volume: 'data', exists: true })).passed, true);
    assert.equal((await judgeDockerState(engine, { network: 'appnet', exists: true })).passed, true);
    assert.deepEqual(await judgeDockerState(engine, { network: 'ghost', exists: true }), { passed: false, found: 'the network ghost does not exist' });
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
    // The learner replaces the docker CLI with a script that always says "true", and preloads a library.
    await sh(`
      mv /usr/bin/docker /usr/bin/docker.real
      printf '#!/bin/sh\\necho true\\n' > /usr/bin/docker && chmod +x /usr/bin/docker
      cp /usr/bin/docker /usr/local/bin/docker
      echo /nonexistent/libfake.so > /etc/ld.so.preload
    `);
    try {
      const verdict = await gradeExercise(driver, sandboxId, exercise);
      assert.equal(verdict.checks[0]!.passed, true, 'the fake CLI fools the shell check (which is why lessons should prefer docker: checks)');
      assert.equal(verdict.checks[1]!.passed, false);
      assert.equal(verdict.checks[1]!.message, 'state: ghost must run — there is no container named ghost');
      assert.equal(verdict.passed, false, 'the exercise does not pass');
    } finally {
      await driver.exec(sandboxId, ['bash', '-c', 'rm -f /etc/ld.so.preload /usr/local/bin/docker; mv /usr/bin/docker.real /usr/bin/docker'], { timeoutMs: 10_000 });
    }
  });
});
