import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { MAX_EDITOR_FILE_BYTES, MAX_LISTING_ENTRIES } from '../../../../protocol/http/sandbox-files';
import { cleanupServer, requireDocker, testConfig, testDriver, waitFor } from '../../../test/support';
import type { SandboxInfo } from '../driver';
import type { DockerDriver } from './docker';

/**
 * The editor's file access against the real (default: hardened, userns-remapped)
 * engine: what the driver writes is what a program in the sandbox reads, owned
 * by the sandbox's root; listings; symlinks resolve inside the sandbox only.
 */
describe('sandbox files for the editor (real engine)', () => {
  const config = testConfig();
  let docker: Docker;
  let driver: DockerDriver;
  let sandbox: SandboxInfo;
  const sh = async (script: string) => {
    const result = await driver.exec(sandbox.id, ['sh', '-c', script], { timeoutMs: 20_000 });
    assert.equal(result.exitCode, 0, `${script}: ${result.stderr}`);
    return result.stdout;
  };

  before(async () => {
    docker = await requireDocker();
    driver = testDriver(config);
    sandbox = await driver.create({ learnerId: 'learner-files', profile: 'dind', sessionId: `${config.serverId}-files`, expiresAt: Date.now() + 600_000, limits: config.limits });
    await driver.start(sandbox.id);
    await waitFor('exec in the sandbox', async () => (await driver.exec(sandbox.id, ['true'], { timeoutMs: 5_000 }).catch(() => undefined))?.exitCode === 0, 30_000);
  });
  after(async () => {
    const left = await cleanupServer(docker, config.serverId);
    assert.deepEqual(left, { containers: 0, networks: 0, volumes: 0 });
  });

  test('a written file reads back through the driver and through cat in the sandbox, owned by its root, 0644; missing folders are made', async () => {
    const text = 'FROM busybox\nCMD ["echo", "héllo"]\n';
    const written = await driver.writeFile(sandbox.id, '/root/app/Dockerfile', Buffer.from(text));
    assert.deepEqual(written, { kind: 'written', path: '/root/app/Dockerfile', size: Buffer.byteLength(text), created: true });
    const read = await driver.readFile(sandbox.id, '/root/app/Dockerfile', MAX_EDITOR_FILE_BYTES);
    assert.equal(read.kind === 'file' && read.content.toString(), text);
    assert.equal(await sh('cat /root/app/Dockerfile'), text);
    assert.equal(await sh('stat -c "%u:%g %a %F" /root/app/Dockerfile /root/app'), '0:0 644 regular file\n0:0 755 directory\n');
  });

  test('saving an existing file keeps its mode', async () => {
    await sh('printf "#!/bin/sh\\necho one\\n" > /root/run.sh && chmod 750 /root/run.sh');
    const written = await driver.writeFile(sandbox.id, '/root/run.sh', Buffer.from('#!/bin/sh\necho two\n'));
    assert.equal(written.kind === 'written' && written.created, false);
    assert.equal(await sh('stat -c "%u:%g %a" /root/run.sh && /root/run.sh'), '0:0 750\ntwo\n');
  });

  test('a folder listing: types, sizes, symlinks and their targets, folders first', async () => {
    await sh('mkdir -p /root/list/sub && printf 12345 > /root/list/five && ln -s sub /root/list/to-sub && ln -s nowhere /root/list/dangling && touch "/root/list/with space"');
    const listing = await driver.listDirectory(sandbox.id, '/root/list', MAX_LISTING_ENTRIES);
    assert.deepEqual(listing, {
      kind: 'directory',
      truncated: false,
      entries: [
        { name: 'sub', type: 'directory', size: listing.kind === 'directory' ? listing.entries[0]!.size : 0 },
        { name: 'to-sub', type: 'symlink', target: 'directory', size: 3 },
        { name: 'dangling', type: 'symlink', target: 'missing', size: 7 },
        { name: 'five', type: 'file', size: 5 },
        { name: 'with space', type: 'file', size: 0 },
      ],
    });
    assert.deepEqual(await driver.listDirectory(sandbox.id, '/root/list/five', 10), { kind: 'not-a-directory' });
    assert.deepEqual(await driver.listDirectory(sandbox.id, '/root/none', 10), { kind: 'missing' });
    await sh('mkdir /root/many && cd /root/many && for i in $(seq 1 30); do touch f$i; done');
    const capped = await driver.listDirectory(sandbox.id, '/root/many', 10);
    assert.equal(capped.kind === 'directory' && capped.entries.length, 10);
    assert.equal(capped.kind === 'directory' && capped.truncated, true);
  });

  test("a symlink to /etc/shadow reads and writes the sandbox's own file, never the host's", async () => {
    const hostShadow = existsSync('/etc/shadow') ? statSync('/etc/shadow') : undefined;
    const hostHash = hostShadow && tryRead('/etc/shadow');
    await sh('ln -sf /etc/shadow /root/shadow-link && ln -sf ../../etc/drydock-editor-marker /root/app/marker-link && echo sandbox-only > /etc/drydock-editor-marker');
    const shadow = await driver.readFile(sandbox.id, '/root/shadow-link', MAX_EDITOR_FILE_BYTES);
    assert.equal(shadow.kind === 'file' && shadow.content.toString(), await sh('cat /etc/shadow'));
    const marker = await driver.readFile(sandbox.id, '/root/app/marker-link', 1000);
    assert.equal(marker.kind === 'file' && marker.content.toString(), 'sandbox-only\n');

    const written = await driver.writeFile(sandbox.id, '/root/shadow-link', Buffer.from('root:*:1::::::\n'));
    assert.deepEqual(written, { kind: 'written', path: '/etc/shadow', size: 15, created: false });
    assert.equal(await sh('cat /etc/shadow; readlink /root/shadow-link'), 'root:*:1::::::\n/etc/shadow\n', 'the link stays a link; its target changed');
    await driver.writeFile(sandbox.id, '/root/app/marker-link', Buffer.from('changed\n'));
    assert.equal(await sh('cat /etc/drydock-editor-marker'), 'changed\n');
    assert.equal(existsSync('/etc/drydock-editor-marker'), false, 'nothing was written on the host');
    if (hostShadow) {
      assert.equal(statSync('/etc/shadow').mtimeMs, hostShadow.mtimeMs, "the host's /etc/shadow is untouched");
      assert.equal(tryRead('/etc/shadow'), hostHash);
    }
  });

  test('a file too large for the editor is reported as cut; folders and devices are not files', async () => {
    await sh(`head -c ${MAX_EDITOR_FILE_BYTES + 10} /dev/zero > /root/big`);
    const big = await driver.readFile(sandbox.id, '/root/big', MAX_EDITOR_FILE_BYTES);
    assert.equal(big.kind === 'file' && big.truncated, true);
    assert.equal(big.kind === 'file' && big.size, MAX_EDITOR_FILE_BYTES + 10);
    assert.equal((await driver.writeFile(sandbox.id, '/root/app', Buffer.from('x'))).kind, 'not-a-file');
    assert.equal((await driver.writeFile(sandbox.id, '/usr/bin/new-tool', Buffer.from('x'))).kind, 'read-only', 'outside the writable folders');
    assert.equal((await driver.writeFile(sandbox.id, '/root/app/Dockerfile/inside', Buffer.from('x'))).kind, 'not-a-file');
  });

  test('a learner who replaces find cannot flood the server: the output is capped', async () => {
    // /usr/local/bin comes first in the sandbox's PATH: an endless stream of bytes with no NUL.
    await driver.writeFile(sandbox.id, '/usr/local/bin/find', Buffer.from('#!/bin/sh\nyes AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA | tr -d "\\n"\n'));
    await sh('chmod 755 /usr/local/bin/find');
    try {
      const started = Date.now();
      const listing = await driver.listDirectory(sandbox.id, '/root', 100);
      assert.deepEqual(listing.kind === 'directory' && listing.entries, []);
      assert.equal(listing.kind === 'directory' && listing.truncated, true);
      assert.ok(Date.now() - started < 20_000, 'cut at the listing timeout');
    } finally {
      await sh('rm -f /usr/local/bin/find');
    }
  });
});

function tryRead(path: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return undefined;
  }
}
