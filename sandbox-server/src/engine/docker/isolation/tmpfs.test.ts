import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RUN_TMPFS_MB, sandboxTmpfs } from './tmpfs';

const MiB = 1024 * 1024;

test('/tmp and /run are sized, and with /dev/shm (64 MiB) all three full leave memory to the processes', () => {
  for (const memoryMB of [256, 512, 1536, 8192]) {
    const mounts = sandboxTmpfs(memoryMB * MiB);
    const size = (path: string): number => Number(/size=(\d+)m/.exec(mounts[path] ?? '')?.[1]);
    assert.equal(size('/run'), RUN_TMPFS_MB);
    assert.equal(size('/tmp'), memoryMB / 4);
    assert.ok(size('/tmp') + size('/run') + 64 <= memoryMB * 0.75, `${memoryMB} MiB`);
    assert.match(mounts['/tmp']!, /^rw,nosuid,nodev,mode=1777,/);
  }
});
