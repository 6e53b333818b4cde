'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { DirectoryEntry } from '../../protocol/http/sandbox-files';
import { listFolder } from './sandbox-files-client';

type Folder = { state: 'loading' } | { state: 'error'; error: string } | { state: 'ready'; entries: DirectoryEntry[]; truncated: boolean };

const join = (folder: string, name: string) => (folder === '/' ? `/${name}` : `${folder}/${name}`);
const isFolder = (e: DirectoryEntry) => e.type === 'directory' || e.target === 'directory';

/**
 * The sandbox's files from `root` down: a folder is listed when it is first
 * opened, and Refresh lists the open ones again. Plain buttons in nested
 * lists: Tab moves through them, Enter opens; a folder says whether it is open.
 */
export function FileTree({
  profile,
  root,
  active,
  onOpenFile,
  reloadKey = 0,
}: {
  profile: string;
  root: string;
  active: string | null;
  onOpenFile(path: string): void;
  /** Changed by the editor after a save created a file: the open folders are listed again. */
  reloadKey?: number;
}) {
  const [folders, setFolders] = useState<Map<string, Folder>>(() => new Map());
  const [open, setOpen] = useState<Set<string>>(() => new Set([root]));

  const load = useCallback(
    async (path: string) => {
      setFolders((all) => new Map(all).set(path, { state: 'loading' }));
      const result = await listFolder(profile, path);
      setFolders((all) => new Map(all).set(path, result.ok ? { state: 'ready', entries: result.value.entries, truncated: result.value.truncated } : { state: 'error', error: result.error }));
    },
    [profile],
  );

  useEffect(() => {
    // Listing the root when the tree appears is fetching data for the view, not derived state.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load(root);
  }, [load, root]);

  const toggle = (path: string) => {
    const next = new Set(open);
    if (next.has(path)) next.delete(path);
    else {
      next.add(path);
      if (!folders.has(path) || folders.get(path)?.state === 'error') void load(path);
    }
    setOpen(next);
  };

  const refresh = () => {
    for (const path of open) void load(path);
  };
  const openRef = useRef(open);
  useEffect(() => {
    openRef.current = open;
  }, [open]);
  useEffect(() => {
    // A file was created: list the open folders again (the first render lists the root above).
    if (reloadKey > 0) for (const path of openRef.current) void load(path);
  }, [reloadKey, load]);

  function renderFolder(path: string, depth: number) {
    const folder = folders.get(path);
    if (!folder || folder.state === 'loading') return <p className="px-2 py-0.5 text-xs text-slate-500 dark:text-slate-400" style={{ paddingLeft: depth * 12 + 8 }}>Loading…</p>;
    if (folder.state === 'error')
      return (
        <p role="alert" className="px-2 py-0.5 text-xs text-rose-700 dark:text-rose-300" style={{ paddingLeft: depth * 12 + 8 }}>
          {folder.error}
        </p>
      );
    return (
      <ul role="list">
        {folder.entries.length === 0 && (
          <li className="px-2 py-0.5 text-xs italic text-slate-500 dark:text-slate-400" style={{ paddingLeft: depth * 12 + 8 }}>
            empty
          </li>
        )}
        {folder.entries.map((entry) => {
          const full = join(path, entry.name);
          const style = { paddingLeft: depth * 12 + 8 };
          const base = 'block min-h-6 w-full truncate rounded px-2 py-0.5 text-left text-xs font-mono hover:bg-slate-200 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-500 dark:hover:bg-slate-800';
          if (isFolder(entry)) {
            const expanded = open.has(full);
            return (
              <li key={entry.name}>
                <button type="button" className={base} style={style} aria-expanded={expanded} onClick={() => toggle(full)} title={full}>
                  <span aria-hidden>{expanded ? '▾ ' : '▸ '}</span>
                  {entry.name}/
                </button>
                {expanded && renderFolder(full, depth + 1)}
              </li>
            );
          }
          const openable = entry.type === 'file' || entry.target === 'file';
          return (
            <li key={entry.name}>
              <button
                type="button"
                className={`${base} ${full === active ? 'bg-sky-100 text-sky-900 dark:bg-sky-950 dark:text-sky-100' : ''} disabled:cursor-default disabled:opacity-50`}
                style={style}
                disabled={!openable}
                aria-current={full === active ? 'true' : undefined}
                onClick={() => onOpenFile(full)}
                title={openable ? full : `${full} (${entry.type === 'symlink' ? `link to ${entry.target ?? 'something'}` : entry.type})`}
              >
                <span aria-hidden>{entry.type === 'symlink' ? '↪ ' : '  '}</span>
                {entry.name}
              </button>
            </li>
          );
        })}
        {folder.truncated && <li className="px-2 py-0.5 text-xs text-amber-700 dark:text-amber-300" style={{ paddingLeft: depth * 12 + 8 }}>(more entries not shown)</li>}
      </ul>
    );
  }

  return (
    <nav aria-label="Sandbox files" className="flex min-h-0 flex-col">
      <div className="flex items-center gap-2 border-b border-slate-300 px-2 py-1 text-xs dark:border-slate-700">
        <span className="truncate font-mono text-slate-600 dark:text-slate-300">{root}</span>
        <button type="button" className="ml-auto min-h-6 rounded border border-slate-300 px-1.5 py-0.5 hover:bg-slate-200 dark:border-slate-600 dark:hover:bg-slate-800" onClick={refresh} data-testid="editor-refresh">
          Refresh
        </button>
      </div>
      <div className="min-h-0 flex-1 overflow-auto py-1">{renderFolder(root, 0)}</div>
    </nav>
  );
}
