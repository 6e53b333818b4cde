import assert from 'node:assert/strict';
import { statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DiskFullError } from '../errors';
import { DiskRoom } from './disk-room';

const place = { what: 'the test folder', path: tmpdir() };
const freeNow = (): number => {
  const s = statfsSync(tmpdir());
  return Math.floor((s.bavail * s.bsize) / (1024 * 1024));
};

test('above the reserve a create may go on; below it DiskFullError names the place and the figures', async () => {
  await new DiskRoom(1, async () => [place]).check();
  const reserve = freeNow() + 10_000;
  await assert.rejects(new DiskRoom(reserve, async () => [place]).check(), (error: Error) => {
    assert.ok(error instanceof DiskFullError);
    assert.match(error.message, new RegExp(`MiB free of \\d+ MiB for the test folder, below the ${reserve} MiB kept for running sandboxes`));
    return true;
  });
});

test('a reserve of 0 checks nothing (not even a place that cannot be read)', async () => {
  await new DiskRoom(0, async () => [{ what: 'nowhere', path: '\0' }]).check();
});

test('a folder not made yet is measured on the filesystem it will be made in', async () => {
  const [space] = await new DiskRoom(1, async () => [{ what: 'later', path: join(tmpdir(), 'not', 'made', 'yet') }]).report();
  assert.ok(space);
  assert.ok(Math.abs(space.freeMB - freeNow()) < 64, `${space.freeMB} MiB against ${freeNow()} MiB`);
});
