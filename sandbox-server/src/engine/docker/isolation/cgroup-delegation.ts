import { chown, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HostOwner } from './sandbox-disk';

const CGROUP_ROOT = '/sys/fs/cgroup';

/** Host folders of the cgroups a process is in, one per hierarchy (from /proc/<pid>/cgroup). */
export function cgroupFolders(procCgroup: string, root = CGROUP_ROOT, exists: (p: string) => boolean = existsSync): string[] {
  const folders: string[] = [];
  for (const line of procCgroup.split('\n')) {
    const m = /^(\d+):([^:]*):(\/.*)$/.exec(line.trim());
    if (!m) continue;
    const [, , controllers = '', path = '/'] = m;
    if (path === '/') continue; // never the root of a hierarchy
    const candidates =
      controllers === ''
        ? [join(root, path), join(root, 'unified', path)] // cgroup v2 (or the hybrid's unified tree)
        : [join(root, controllers.replace(/^name=/, ''), path), ...controllers.split(',').map((c) => join(root, c.replace(/^name=/, ''), path))];
    const found = candidates.find((c) => exists(c));
    if (found && !folders.includes(found)) folders.push(found);
  }
  return folders;
}

/**
 * Hands a hardened sandbox its own cgroups, so that its inner engine can make
 * cgroups for inner containers (and enforce their --memory/--pids-limit/--cpus).
 *
 * Only the folder is given (and, on cgroup v2, the files a delegatee must write
 * to move processes and enable controllers): the limit files in it stay
 * root's, so the sandbox cannot raise its own memory, CPU or pids limits —
 * it can only make children under them. Its private cgroup namespace means it
 * sees this folder as its root and nothing above.
 */
export async function delegateCgroups(pid: number, owner: HostOwner): Promise<string[]> {
  const folders = cgroupFolders(await readFile(`/proc/${pid}/cgroup`, 'utf8'));
  for (const folder of folders) {
    await chown(folder, owner.uid, owner.gid);
    for (const file of ['cgroup.procs', 'cgroup.threads', 'cgroup.subtree_control']) {
      // v2 only: in v1 these stay root's (moving processes between the sandbox's own children needs just the children's files).
      if (existsSync(join(folder, 'cgroup.controllers')) && existsSync(join(folder, file))) await chown(join(folder, file), owner.uid, owner.gid);
    }
  }
  if (folders.length === 0) throw new Error(`no cgroup folders found for process ${pid}`);
  return folders;
}
