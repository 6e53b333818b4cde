import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ContainerAssertionSchema } from '../../../lib/lesson-format/schema';
import { FakeInnerEngine, loadRecording } from '../../test/fake-inner-engine';
import { judgeDockerState } from './docker-state';
import { coverageGaps, type Case } from '../../test/grading-cases';

/**
 * Every container assertion of the lesson schema, each with a passing and a
 * failing verdict, judged on inspect answers a real inner engine gave
 * (fixtures/containers.json, recorded by sandbox-server/test/capture-grading-fixtures.ts:
 * see its setup for how each container was started).
 */
type ContainerAssertion = Extract<Parameters<typeof judgeDockerState>[1], { container: string }>;
const engine = new FakeInnerEngine(loadRecording(new URL('./fixtures/', import.meta.url)));
const sideTarget = engine.recording.containers.side!.HostConfig.NetworkMode!;

const CASES: Case<ContainerAssertion>[] = [
  { a: { container: 'web', running: true }, passes: true },
  { a: { container: 'three', running: true }, found: 'three should be running; it is exited' },
  { a: { container: 'web', running: false }, found: 'web should not be running; it is running' },
  { a: { container: 'created', running: false }, passes: true },

  { a: { container: 'web', image: 'busybox:latest' }, passes: true },
  { a: { container: 'web', image: 'docker.io/library/busybox' }, passes: true },
  { a: { container: 'allports', image: 'busybox' }, found: 'allports should run busybox; it runs exposer:1' },

  { a: { container: 'web', publishes: ['9090:80'] }, passes: true },
  { a: { container: 'web', publishes: ['9090:80/tcp'] }, passes: true },
  { a: { container: 'web', publishes: ['8080:80'] }, found: 'web should publish 8080:80; it publishes 9090:80' },
  { a: { container: 'three', publishes: ['9090:80'] }, found: 'three should publish 9090:80; it publishes nothing' },

  { a: { container: 'web', mounts: [{ source: '/root/site', target: '/www', readOnly: true }, { source: 'data', target: '/data', readOnly: false }] }, passes: true },
  { a: { container: 'web', mounts: [{ target: '/srv' }] }, found: 'web should have something mounted at /srv; its mounts: /var/lib/docker/volumes/data/_data→/data, /root/site→/www:ro' },
  { a: { container: 'web', mounts: [{ source: '/root/other', target: '/www' }] }, found: '/www should come from /root/other; it comes from /root/site' },
  { a: { container: 'web', mounts: [{ target: '/data', readOnly: true }] }, found: '/data should be read-only; it is writable' },
  { a: { container: 'three', mounts: [{ target: '/data' }] }, found: 'three should have something mounted at /data; its mounts: none' },

  { a: { container: 'web', networks: ['appnet'] }, passes: true },
  { a: { container: 'three', networks: ['appnet'] }, found: 'three should be on network appnet; it is on bridge' },

  { a: { container: 'three', exitCode: 3 }, passes: true },
  { a: { container: 'three', exitCode: 0 }, found: 'three should have exited with 0; it is exited (3)' },
  { a: { container: 'web', exitCode: 0 }, found: 'web should have exited with 0; it is running' },

  { a: { container: 'oom', oomKilled: true, exitCode: 137 }, passes: true },
  { a: { container: 'three', oomKilled: false }, passes: true },
  { a: { container: 'three', oomKilled: true }, found: 'three should have been killed for running out of memory; OOMKilled is false' },
  { a: { container: 'oom', oomKilled: false }, found: 'oom should not have been killed for running out of memory; OOMKilled is true' },

  { a: { container: 'allports', health: 'healthy' }, passes: true },
  { a: { container: 'sick', health: 'unhealthy' }, passes: true },
  { a: { container: 'slow', health: 'starting' }, passes: true },
  { a: { container: 'sick', health: 'healthy' }, found: 'sick should be healthy; it is unhealthy' },
  { a: { container: 'web', health: 'healthy' }, found: 'web should be healthy; it has no HEALTHCHECK' },

  { a: { container: 'limited', memoryMB: 64 }, passes: true },
  { a: { container: 'limited', memoryMB: 128 }, found: 'limited should have a 128 MiB memory limit; it has 64 MiB' },
  { a: { container: 'web', memoryMB: 64 }, found: 'web should have a 64 MiB memory limit; it has none' },

  { a: { container: 'limited', cpus: 0.5 }, passes: true },
  { a: { container: 'quota', cpus: 0.5 }, passes: true },
  { a: { container: 'limited', cpus: 1 }, found: 'limited should be limited to 1 CPUs; it has 0.5' },
  { a: { container: 'web', cpus: 1 }, found: 'web should be limited to 1 CPUs; it has no CPU limit' },

  { a: { container: 'limited', pidsLimit: 50 }, passes: true },
  { a: { container: 'limited', pidsLimit: 100 }, found: 'limited should have a pids limit of 100; it has 50' },
  { a: { container: 'web', pidsLimit: 100 }, found: 'web should have a pids limit of 100; it has none' },

  { a: { container: 'limited', readOnlyRootfs: true }, passes: true },
  { a: { container: 'web', readOnlyRootfs: false }, passes: true },
  { a: { container: 'web', readOnlyRootfs: true }, found: "web's root filesystem should be read-only; it is writable" },
  { a: { container: 'limited', readOnlyRootfs: false }, found: "limited's root filesystem should be writable; it is read-only" },

  { a: { container: 'limited', tmpfs: ['/scratch'] }, passes: true },
  { a: { container: 'quota', tmpfs: ['/cache'] }, passes: true },
  { a: { container: 'limited', tmpfs: ['/tmp'] }, found: 'limited should have a tmpfs at /tmp; it has /scratch' },
  { a: { container: 'web', tmpfs: ['/tmp'] }, found: 'web should have a tmpfs at /tmp; it has none' },

  { a: { container: 'limited', user: '1000:1000' }, passes: true },
  { a: { container: 'limited', user: '1000' }, found: 'limited should run as user 1000; it runs as 1000:1000' },
  { a: { container: 'web', user: '1000' }, found: 'web should run as user 1000; it runs as the image default (root unless the image has a USER)' },

  { a: { container: 'limited', nonRootUser: true }, passes: true },
  { a: { container: 'rooty', nonRootUser: true }, found: 'rooty should run as a non-root user; its user is 0:1000' },
  { a: { container: 'web', nonRootUser: true }, found: 'web should run as a non-root user; its user is not set (root)' },

  { a: { container: 'three', networkMode: 'bridge' }, passes: true },
  { a: { container: 'hostnet', networkMode: 'host' }, passes: true },
  { a: { container: 'nonet', networkMode: 'none' }, passes: true },
  { a: { container: 'web', networkMode: 'appnet' }, passes: true },
  { a: { container: 'side', networkMode: 'container:web' }, passes: true },
  { a: { container: 'web', networkMode: 'bridge' }, found: 'web should use network mode bridge; it uses appnet' },
  { a: { container: 'side', networkMode: 'container:three' }, found: `side should use network mode container:three; it uses ${sideTarget}` },

  { a: { container: 'allports', publishAll: true }, passes: true },
  { a: { container: 'web', publishAll: false }, passes: true },
  { a: { container: 'web', publishAll: true }, found: 'web should publish all exposed ports (-P); it does not' },
  { a: { container: 'allports', publishAll: false }, found: 'allports should not publish all exposed ports (-P); it does' },

  { a: { container: 'limited', capDrop: ['NET_RAW'] }, passes: true },
  { a: { container: 'limited', capDrop: ['CAP_NET_RAW'] }, passes: true },
  { a: { container: 'quota', capDrop: ['ALL'] }, passes: true },
  { a: { container: 'limited', capDrop: ['ALL'] }, found: 'limited should drop ALL; it drops NET_RAW' },
  { a: { container: 'web', capDrop: ['NET_RAW'] }, found: 'web should drop NET_RAW; it drops nothing' },

  { a: { container: 'limited', securityOpt: ['no-new-privileges'] }, passes: true },
  { a: { container: 'quota', securityOpt: ['no-new-privileges'] }, passes: true },
  { a: { container: 'limited', securityOpt: ['seccomp=unconfined'] }, found: 'limited should run with --security-opt seccomp=unconfined; it has no-new-privileges' },
  { a: { container: 'web', securityOpt: ['no-new-privileges'] }, found: 'web should run with --security-opt no-new-privileges; it has none' },
];

const judge = (a: ContainerAssertion) => judgeDockerState({ engine, readFile: engine.readFile }, a);

describe('container assertions, on recorded inspect answers', () => {
  for (const c of CASES) {
    const { container, ...asked } = c.a;
    test(`${container} ${JSON.stringify(asked)}: ${c.passes ? 'passes' : 'fails'}`, async () => {
      assert.deepEqual(await judge(c.a), c.passes ? { passed: true, found: `${container} is as expected` } : { passed: false, found: c.found });
    });
  }

  test('several unmet: the learner hears the first, in the order the assertion reads', async () => {
    assert.deepEqual(await judge({ container: 'three', running: true, exitCode: 0, networkMode: 'host', securityOpt: ['no-new-privileges'] }), { passed: false, found: 'three should be running; it is exited' });
    assert.deepEqual(await judge({ container: 'web', networkMode: 'bridge', publishAll: true }), { passed: false, found: 'web should use network mode bridge; it uses appnet' });
  });

  test('a container that does not exist', async () => {
    assert.deepEqual(await judge({ container: 'ghost', running: true }), { passed: false, found: 'there is no container named ghost' });
  });

  test('every container assertion of the schema has a passing and a failing case', () => {
    assert.deepEqual(coverageGaps(Object.keys(ContainerAssertionSchema.shape), 'container', CASES), []);
  });
});
