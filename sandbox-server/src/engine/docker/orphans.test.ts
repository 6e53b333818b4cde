import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type Docker from 'dockerode';
import { SandboxDisks } from './isolation/sandbox-disk';
import { DISK_ORPHAN_GRACE_MS, removeOrphans } from './orphans';

// An engine with no sandboxes and no networks: every disk is without a sandbox.
const emptyEngine = {
  listNetworks: async () => [],
  listContainers: async () => [],
  listVolumes: async () => ({ Volumes: [] }),
  getVolume: () => ({ remove: async () => undefined }),
} as unknown as Docker;

describe('removeOrphans: disks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-orphans-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const disks = new SandboxDisks(dir, 16, { uid: 0, gid: 0 });
  const image = (name: string) => join(dir, `${name}.img`);

  it('keeps a disk another server may be setting up (recently written), removes one left long ago', async () => {
    const now = Date.now();
    writeFileSync(image('drydock-sb-fresh'), '');
    writeFileSync(image('drydock-sb-stale'), '');
    const longAgo = (now - DISK_ORPHAN_GRACE_MS - 60_000) / 1000;
    utimesSync(image('drydock-sb-stale'), longAgo, longAgo);
    await removeOrphans(emptyEngine, 'server-a', { owner: { uid: 0, gid: 0 }, disks }, now);
    assert.equal(existsSync(image('drydock-sb-fresh')), true, 'a disk written a moment ago stays');
    assert.equal(existsSync(image('drydock-sb-stale')), false, 'a disk unwritten past the grace period goes');
  });
});

describe('removeOrphans: volumes', () => {
  it('removes a volume of this server whose sandbox is gone once it is past the grace period; keeps fresh ones and live sandboxes\' ones', async () => {
    const now = Date.now();
    const old = new Date(now - DISK_ORPHAN_GRACE_MS - 60_000).toISOString();
    const volume = (name: string, session: string, createdAt: string) => ({ Name: name, CreatedAt: createdAt, Labels: { 'drydock.server': 'server-a', 'drydock.session': session } });
    const removed: string[] = [];
    const engine = {
      listNetworks: async () => [],
      listContainers: async () => [{ Labels: { 'drydock.server': 'server-a', 'drydock.session': 'alive' } }],
      listVolumes: async () => ({
        Volumes: [volume('drydock-sb-gone-etc', 'gone', old), volume('drydock-sb-new-etc', 'new', new Date(now).toISOString()), volume('drydock-sb-alive-etc', 'alive', old)],
      }),
      getVolume: (name: string) => ({ remove: async () => void removed.push(name) }),
    } as unknown as Docker;
    await removeOrphans(engine, 'server-a', undefined, now);
    assert.deepEqual(removed, ['drydock-sb-gone-etc']);
  });
});

describe('removeOrphans: lab networks', () => {
  it('keeps a lab\'s network while any machine of the lab is left (whichever machine made it), removes one with no machine left', async () => {
    const removed: string[] = [];
    const network = (name: string, labels: Record<string, string>) => ({ Name: name, Labels: { 'drydock.server': 'server-a', ...labels } });
    const engine = {
      listNetworks: async () => [
        // Made by the lab's first machine (session "m1"), which is gone; machine "m2" of the lab is still there.
        network('drydock-sb-lab-alive', { 'drydock.lab': 'alive' }),
        network('drydock-sb-lab-gone', { 'drydock.lab': 'gone' }),
        network('drydock-sb-m2', { 'drydock.session': 'm2' }),
      ],
      listContainers: async () => [{ Labels: { 'drydock.server': 'server-a', 'drydock.session': 'm2', 'drydock.lab': 'alive', 'drydock.machine': 'node2' } }],
      listVolumes: async () => ({ Volumes: [] }),
      getNetwork: (name: string) => ({ remove: async () => void removed.push(name) }),
    } as unknown as Docker;
    assert.equal(await removeOrphans(engine, 'server-a', undefined), 1);
    assert.deepEqual(removed, ['drydock-sb-lab-gone']);
  });
});
