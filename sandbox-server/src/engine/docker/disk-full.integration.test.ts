import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CloseCode } from '../../../../protocol';
import { DISK_FULL_MESSAGE } from '../errors';
import { PROMPT, requireDocker, startTestSandboxServer, testConfig, TerminalSocket, type TestSandboxServer } from '../../../test/support';

/**
 * The host disk nearly full (issue 11, faults): new sandboxes are refused
 * with a clear message, the ones running keep working, and new ones start
 * again once space is freed. The hardened tier's disk images live on a small
 * tmpfs made for this test, which a ballast file really fills; nothing is
 * faked about the disk or the engine.
 */

const DISK_MB = 600;
const RESERVE_MB = 300;

const freeMB = (path: string): number => {
  const s = statfsSync(path);
  return Math.floor((s.bavail * s.bsize) / (1024 * 1024));
};

describe('the host disk nearly full (real engine, real filesystem)', () => {
  const diskDir = join(tmpdir(), `drydock-disk-full-${process.pid}`);
  const ballast = join(diskDir, 'ballast');
  let server: TestSandboxServer;
  const sockets: TerminalSocket[] = [];
  const open = async (learner: { cookie: string }): Promise<TerminalSocket> => {
    const socket = await TerminalSocket.open(server.url, { origin: server.origin, cookie: learner.cookie });
    sockets.push(socket);
    return socket;
  };

  before(async () => {
    await requireDocker();
    mkdirSync(diskDir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK_MB}m,mode=0700`, 'drydock-disk-full-test', diskDir]);
    // Read when the driver is made (the reserve) and when the hardened tier first starts (the disk folder).
    process.env.DRYDOCK_SANDBOX_DISK_DIR = diskDir;
    process.env.DRYDOCK_MIN_FREE_DISK_MB = String(RESERVE_MB);
    server = await startTestSandboxServer(testConfig());
  });

  after(async () => {
    for (const socket of sockets) await socket.close();
    await server?.close();
    execFileSync('umount', ['-l', diskDir]);
    rmSync(diskDir, { recursive: true, force: true });
  });

  test('below the reserve a new learner is refused with the reason, a running sandbox keeps working, and freed space lets new ones start', async () => {
    const first = await open(server.newLearner());
    await first.waitForHello();
    await first.waitForText('the first learner\'s prompt', PROMPT, 0, 90_000);
    assert.ok(readdirSync(diskDir).some((f) => f.endsWith('.img')), 'the sandbox\'s disk is on the test filesystem (the hardened tier)');

    // Fill the disk folder's filesystem to 150 MiB free: below the 300 MiB reserve.
    const fill = freeMB(diskDir) - 150;
    assert.ok(fill > 0, `the tmpfs has ${freeMB(diskDir)} MiB free`);
    execFileSync('fallocate', ['-l', `${fill}M`, ballast]);
    console.log(`# ${freeMB(diskDir)} MiB free of ${DISK_MB} on the sandbox disks' filesystem (reserve ${RESERVE_MB})`);

    const refused = await open(server.newLearner());
    const closed = await refused.whenClosed;
    assert.equal(closed.code, CloseCode.LIMIT);
    const error = refused.controls.find((m) => m.type === 'error');
    assert.deepEqual(error, { type: 'error', code: 'disk-full', message: DISK_FULL_MESSAGE });
    assert.match(DISK_FULL_MESSAGE, /disk is nearly full.*Sandboxes already running keep working.*try again later/s);

    // The running sandbox writes files and runs inner containers in the room the reserve kept.
    let from = first.outputBytes;
    first.type('head -c 20m /dev/urandom > /root/twenty-mb && docker run --rm busybox echo inner-$((6*7))\r');
    await first.waitForText('the running sandbox still working', /^inner-42\r?$/m, from, 60_000);

    // Space freed: the next learner gets a sandbox, without a restart of anything.
    rmSync(ballast);
    const later = await open(server.newLearner());
    await later.waitForHello();
    await later.waitForText('a new learner\'s prompt once space is free', PROMPT, 0, 90_000);
    from = first.outputBytes;
    first.type('ls -s --block-size=M /root/twenty-mb\r');
    await first.waitForText('the first learner\'s file intact', /^20M \/root\/twenty-mb\r?$/m, from);
  });
});
