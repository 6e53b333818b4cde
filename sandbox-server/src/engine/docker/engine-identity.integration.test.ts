import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Docker from 'dockerode';
import { Agent } from 'node:http';
import { cleanupServer, requireDocker, startReadySandbox, testConfig, testDriver } from '../../../test/support';
import { judgeDockerState } from '../../grading/docker-state';
import { gradeExercise } from '../../grading/grader';
import type { Exercise } from '../../../../lib/lesson-format/schema';
import type { InnerEngine } from '../inner-engine';
import { DockerInnerEngine } from './inner-engine';

/**
 * A learner is root in their sandbox and may stop its dockerd and serve
 * something else on /run/docker.sock. Each case first shows that the answer
 * would fool a client that trusts the socket, then that the grader refuses it
 * with the reason, and that the real engine, started again, passes again.
 */
describe("Docker-state checks talk only to the sandbox image's own dockerd (real engine)", () => {
  const config = testConfig();
  const driver = testDriver(config);
  let docker: Docker;
  let sandboxId = '';
  let sandboxPid = 0;

  const sh = async (script: string): Promise<string> => {
    const r = await driver.exec(sandboxId, ['bash', '-e', '-s'], { stdin: script, timeoutMs: 120_000 });
    assert.equal(r.exitCode, 0, `sandbox script failed: ${r.stderr}\n${script}`);
    return r.stdout;
  };
  /** Stops every dockerd (and its containerd) in the sandbox. */
  const stopEngine = () => sh('kill $(pidof dockerd) 2>/dev/null || true; for _ in $(seq 300); do pidof dockerd containerd >/dev/null || exit 0; sleep 0.05; done; exit 1');
  /** Starts an engine with this command line and waits until `docker version` reaches it. */
  const startEngine = (command: string) =>
    sh(`setsid ${command} </dev/null >>/var/log/dockerd.log 2>&1 &
      for _ in $(seq 300); do docker version >/dev/null 2>&1 && exit 0; sleep 0.05; done; tail -n 20 /var/log/dockerd.log >&2; exit 1`);
  /** What RESTART_HINT tells the learner to run. */
  const restoreRealEngine = async () => {
    await sh('kill $(cat /tmp/fake.pid 2>/dev/null) 2>/dev/null || true; rm -f /tmp/fake.pid');
    await stopEngine();
    await startEngine('dockerd');
  };

  /** A Docker API server in Perl that says a container "ghost" is running (the image has perl, not python). */
  const FAKE_API = [
    'use IO::Socket::UNIX;',
    "my $path = '/run/docker.sock';",
    'unlink $path;',
    'my $server = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => $path, Listen => 16) or die "listen: $!";',
    'my %answers = (',
    "  '/_ping' => 'OK',",
    `  '/version' => '{"Version":"26.1.5","ApiVersion":"1.45"}',`,
    `  '/containers/json' => '[{"Id":"ghost","Names":["/ghost"],"State":"running"}]',`,
    `  '/containers/ghost/json' => '{"Id":"ghost","Name":"/ghost","State":{"Status":"running","Running":true,"ExitCode":0,"OOMKilled":false},"Config":{"Image":"busybox","Labels":{}},"HostConfig":{},"NetworkSettings":{"Ports":{},"Networks":{}},"Mounts":[]}',`,
    ');',
    'while (my $client = $server->accept) {',
    "  my $head = '';",
    '  while (my $line = <$client>) { $head .= $line; last if $line eq "\\r\\n"; }',
    '  my ($wanted) = $head =~ m{^\\w+ ([^ ?]+)};',
    "  my $body = $answers{$wanted} // '{}';",
    '  print $client "HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: " . length($body) . "\\r\\nConnection: close\\r\\n\\r\\n$body";',
    '  close $client;',
    '}',
  ].join('\n');
  const startFake = (launcher = '') =>
    sh(`cat > /tmp/fake.pl <<'PERL'\n${FAKE_API}\nPERL
      setsid ${launcher} perl /tmp/fake.pl </dev/null >/tmp/fake.log 2>&1 & echo $! > /tmp/fake.pid
      for _ in $(seq 100); do [ -S /run/docker.sock ] && exit 0; sleep 0.05; done; cat /tmp/fake.log >&2; exit 1`);

  const ghost: Exercise = {
    id: 'ghost',
    title: 'a running container named ghost',
    line: 1,
    hints: [],
    timeoutSeconds: 10,
    solution: 'true',
    checks: [{ docker: { container: 'ghost', running: true }, fail: 'ghost must run' }],
  };
  // A check the real engine passes: a refusal here is the engine's identity, not its answer.
  const bridge: Exercise = { ...ghost, id: 'bridge', checks: [{ docker: { network: 'bridge', exists: true }, fail: 'bridge must exist' }] };
  /** A client that trusts whatever answers on the socket: the grader before this check, one connection per request as it made them. */
  const trustingEngine = () => new DockerInnerEngine(new Docker({ socketPath: `/proc/${sandboxPid}/root/run/docker.sock`, agent: new Agent({ keepAlive: false }) } as Docker.DockerOptions));
  /** What that client concludes about "ghost is running". */
  const trustingJudge = () => judgeDockerState({ engine: trustingEngine(), readFile: (path, max) => driver.readFile(sandboxId, path, max) }, { container: 'ghost', running: true });
  const refusal = async (exercise: Exercise): Promise<string> => {
    const verdict = await gradeExercise(driver, sandboxId, exercise);
    assert.equal(verdict.passed, false, `the check passed: ${verdict.checks[0]!.message}`);
    return verdict.checks[0]!.message;
  };
  const passes = async (exercise: Exercise) => {
    const verdict = await gradeExercise(driver, sandboxId, exercise);
    assert.equal(verdict.passed, true, verdict.checks[0]!.message);
  };
  const RECOVERY = /; stop whatever serves \/run\/docker\.sock and start the engine again: `dockerd >>\/var\/log\/dockerd\.log 2>&1 &` \(or Reset the sandbox\)\)$/;

  before(async () => {
    docker = await requireDocker();
    sandboxId = await startReadySandbox(driver, config, 'identity-learner', 'identity');
    sandboxPid = (await docker.getContainer(sandboxId).inspect()).State.Pid;
  });
  after(async () => {
    assert.deepEqual(await cleanupServer(docker, config.serverId), { containers: 0, networks: 0, volumes: 0 });
  });

  test('the real engine passes; once verified, a check costs a few /proc reads more than before', async (t) => {
    await passes(bridge);
    assert.equal((await gradeExercise(driver, sandboxId, ghost)).checks[0]!.message, 'ghost must run — there is no container named ghost');
    // The same check through both clients, interleaved so that machine load hits both alike.
    const engine = await driver.innerEngine(sandboxId);
    const bridgeCheck = (client: InnerEngine) => judgeDockerState({ engine: client, readFile: () => assert.fail('no file read') }, { network: 'bridge', exists: true });
    const times = { verified: [] as number[], trusting: [] as number[] };
    for (let i = 0; i < 21; i++) {
      for (const [kind, client] of [['verified', engine], ['trusting', trustingEngine()]] as const) {
        const started = performance.now();
        assert.equal((await bridgeCheck(client)).passed, true);
        times[kind].push(performance.now() - started);
      }
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[10]!;
    const [verified, trusting] = [median(times.verified), median(times.trusting)];
    t.diagnostic(`median Docker-state check: ${verified.toFixed(2)} ms verified, ${trusting.toFixed(2)} ms trusting the socket`);
    // Verifying again (hashing ~100 MB of dockerd) would add a hundred milliseconds or more.
    assert.ok(verified < trusting + 50, `a check on a verified engine took ${verified.toFixed(1)} ms, ${trusting.toFixed(1)} ms without the check`);
  });

  test('a fake Docker API served on /run/docker.sock in place of dockerd: refused, with the reason', async () => {
    await stopEngine();
    await startFake();
    try {
      assert.deepEqual(await trustingJudge(), { passed: true, found: 'ghost is as expected' }, 'the fake would pass the check');
      const message = await refusal(ghost);
      assert.match(
        message,
        /^ghost must run — the grader could not read your sandbox's Docker engine \(the sandbox's Docker engine is not the one Drydock started: \/run\/docker\.sock is served by \/usr\/bin\/perl\S* \(pid \d+ in the sandbox\), not \/usr\/sbin\/dockerd; /,
      );
      assert.match(message, RECOVERY);
    } finally {
      await restoreRealEngine();
    }
    await passes(bridge);
  });

  test('the real socket moved aside and a fake served from another network namespace: the file, not its name, is matched', async () => {
    // dockerd keeps listening (ss still lists its socket as /var/run/docker.sock), but the file at that path is the fake's.
    await sh('mv /run/docker.sock /run/docker.sock.real');
    await startFake('unshare --net');
    try {
      assert.equal((await trustingJudge()).passed, true, 'the fake would pass the check');
      assert.match(
        await refusal(ghost),
        /the grader could not read your sandbox's Docker engine \(no Docker engine of the sandbox listens on \/run\/docker\.sock \(a stale socket file, or one served from another network namespace\); stop whatever/,
      );
    } finally {
      await sh('kill $(cat /tmp/fake.pid); rm -f /tmp/fake.pid; for _ in $(seq 100); do pidof perl >/dev/null || break; sleep 0.05; done; mv -f /run/docker.sock.real /run/docker.sock');
    }
    await passes(bridge);
  });

  test('a second real dockerd is refused when it is not the image\'s own, unaltered: a copy elsewhere, LD_PRELOAD, /etc/ld.so.preload, a changed binary', async () => {
    const lib = '$(ls /usr/lib/*/libcap.so.2 | head -n 1)';
    const cases: { what: string; setup?: string; command: string; undo?: string; reason: RegExp }[] = [
      {
        what: 'a copy of dockerd at another path',
        setup: 'cp /usr/sbin/dockerd /root/dockerd',
        command: '/root/dockerd',
        reason: /\/run\/docker\.sock is served by \/root\/dockerd \(pid \d+ in the sandbox\), not \/usr\/sbin\/dockerd/,
      },
      {
        what: 'dockerd with LD_PRELOAD',
        setup: `cp ${lib} /root/libhook.so`,
        command: 'env LD_PRELOAD=/root/libhook.so dockerd',
        reason: /dockerd \(pid \d+ in the sandbox\) was started with LD_PRELOAD/,
      },
      {
        what: 'a library injected through /etc/ld.so.preload',
        setup: `cp ${lib} /root/libhook.so && echo /root/libhook.so > /etc/ld.so.preload`,
        command: 'dockerd',
        undo: 'rm -f /etc/ld.so.preload',
        reason: /dockerd \(pid \d+ in the sandbox\) has \/root\/libhook\.so loaded, which the sandbox image does not have/,
      },
      {
        what: 'another binary mounted over /usr/sbin/dockerd',
        // One byte more: still a program that runs, no longer the image's file.
        setup: 'cp /usr/sbin/dockerd /root/dockerd.changed && printf x >> /root/dockerd.changed && mount --bind /root/dockerd.changed /usr/sbin/dockerd',
        command: 'dockerd',
        undo: 'umount /usr/sbin/dockerd',
        reason: /\/usr\/sbin\/dockerd \(pid \d+ in the sandbox\) differs from the sandbox image's dockerd/,
      },
    ];
    try {
      for (const c of cases) {
        await stopEngine();
        if (c.setup) await sh(c.setup);
        await startEngine(c.command);
        try {
          const message = await refusal(bridge);
          assert.match(message, /^bridge must exist — the grader could not read your sandbox's Docker engine \(the sandbox's Docker engine is not the one Drydock started: /, c.what);
          assert.match(message, c.reason, c.what);
          assert.match(message, RECOVERY, c.what);
        } finally {
          await stopEngine();
          if (c.undo) await sh(c.undo);
        }
      }
    } finally {
      await restoreRealEngine();
    }
    await passes(bridge);
  });
});
