import type { SandboxDirEntry, SandboxDriver, SandboxListing } from '../driver';

/**
 * Lists a sandbox folder with `find` run in the sandbox (an exec), not with
 * the archive API. Why: GET /archive of a folder tars its whole tree (a
 * learner's /root with an image's build context or a node_modules is
 * hundreds of MB streamed to read a few names), while one `find -maxdepth 1`
 * reads one folder. The exec runs in the sandbox's own namespaces, so a
 * symlink resolves inside the sandbox, never on the host.
 *
 * The learner is root in there and may replace `sh` or `find` with anything:
 * the output is capped (bytes, time) and parsed strictly, record by record; a
 * record that does not parse is dropped. The worst a learner gets is a wrong
 * listing of their own sandbox.
 */

/** Exit codes of LIST_SCRIPT. */
const MISSING = 3;
const NOT_A_DIRECTORY = 4;

/** `%y%Y`: the entry's type and, through symlinks, its target's; `%s` size; `%P` the name; records end in NUL. */
const LIST_SCRIPT = `[ -e "$1" ] || exit ${MISSING}
[ -d "$1" ] || exit ${NOT_A_DIRECTORY}
exec find -H "$1" -mindepth 1 -maxdepth 1 -printf '%y%Y %s %P\\0'`;

/** Longer than any listing of a sane folder takes; a learner's slow `find` is cut here. */
const LIST_TIMEOUT_MS = 5_000;
/** Bytes per record at most: type, size, a name of 255 bytes. */
const MAX_RECORD_BYTES = 300;

const TYPES: Record<string, SandboxDirEntry['type']> = { f: 'file', d: 'directory', l: 'symlink' };
const TARGETS: Record<string, NonNullable<SandboxDirEntry['target']>> = { f: 'file', d: 'directory', N: 'missing', L: 'missing' };
const RECORD = /^([a-zA-Z])([a-zA-Z?]) (\d{1,15}) ([^/\0]{1,255})$/s;

export async function listSandboxDirectory(driver: Pick<SandboxDriver, 'exec'>, id: string, path: string, maxEntries: number): Promise<SandboxListing> {
  const result = await driver.exec(id, ['sh', '-c', LIST_SCRIPT, 'drydock-list', path], {
    timeoutMs: LIST_TIMEOUT_MS,
    maxOutputBytes: (maxEntries + 1) * MAX_RECORD_BYTES,
  });
  if (result.exitCode === MISSING) return { kind: 'missing' };
  if (result.exitCode === NOT_A_DIRECTORY) return { kind: 'not-a-directory' };
  return parseListing(result.stdout, maxEntries, Boolean(result.outputTruncated || result.timedOut));
}

/** find's NUL-separated records as entries: folders first, then by name; at most maxEntries. */
export function parseListing(output: string, maxEntries: number, cut = false): Extract<SandboxListing, { kind: 'directory' }> {
  const records = output.split('\0');
  // The last piece is what follows the final NUL: empty, or a record cut short.
  const last = records.pop();
  let truncated = cut || (last !== undefined && last !== '');
  const entries: SandboxDirEntry[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    const match = RECORD.exec(record);
    if (!match) continue;
    const [, own, through, size, name] = match as unknown as [string, string, string, string, string];
    if (name === '.' || name === '..' || seen.has(name)) continue;
    if (entries.length >= maxEntries) {
      truncated = true;
      break;
    }
    seen.add(name);
    const type = TYPES[own] ?? 'other';
    entries.push({ name, type, size: Number(size), ...(type === 'symlink' ? { target: TARGETS[through] ?? 'other' } : {}) });
  }
  const isFolder = (e: SandboxDirEntry) => e.type === 'directory' || e.target === 'directory';
  entries.sort((a, b) => Number(isFolder(b)) - Number(isFolder(a)) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { kind: 'directory', entries, truncated };
}
