'use client';

import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { CodeEditor, EditorTheme } from './code-editor';
import type { DockerfileProblem } from './dockerfile-lint';
import { FileTree } from './FileTree';
import { readSandboxFile, saveSandboxFile } from './sandbox-files-client';

interface Tab {
  path: string;
  /** The text as last read from or saved to the sandbox. */
  saved: string;
  dirty: boolean;
  /** Not in the sandbox yet: the first save creates it. */
  isNew: boolean;
  problems: DockerfileProblem[];
}

type Notice = { kind: 'error' | 'info'; text: string } | null;

const ROOT = '/root';
const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

function subscribeTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}
const readTheme = (): EditorTheme => (document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light');

/**
 * The editor beside the terminal: the sandbox's files (FileTree), open files
 * in tabs (CodeMirror, code-editor.ts), save with Ctrl+S / ⌘S or the button.
 * Files are read and written through the platform's /api/sandbox routes
 * (the engine's API, the learner's own sandbox). A failed save leaves the
 * text as it was in the editor, still marked unsaved, with the reason shown.
 */
export function EditorPane({ profile, request }: { profile: string; request?: { path: string; seq: number } | null }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const editorRef = useRef<CodeEditor | null>(null);
  const [ready, setReady] = useState(false);
  const [tabs, setTabs] = useState<Tab[]>([]);
  const [active, setActive] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const [saving, setSaving] = useState(false);
  /** Bumped when a save created a file, so the tree lists it. */
  const [treeReload, setTreeReload] = useState(0);
  const theme = useSyncExternalStore(subscribeTheme, readTheme, () => 'light' as EditorTheme);
  const tabsRef = useRef(tabs);
  const activeRef = useRef(active);
  useEffect(() => {
    tabsRef.current = tabs;
    activeRef.current = active;
  }, [tabs, active]);

  const save = useCallback(async () => {
    const path = activeRef.current;
    const editor = editorRef.current;
    if (!path || !editor) return;
    const text = editor.text(path) ?? '';
    setSaving(true);
    const result = await saveSandboxFile(profile, path, text);
    setSaving(false);
    if (!result.ok) {
      setNotice({ kind: 'error', text: `Not saved: ${result.error}. Your text is still here; try again.` });
      return;
    }
    setNotice({ kind: 'info', text: `Saved ${result.value.path} (${result.value.size} bytes)` });
    if (result.value.created) setTreeReload((n) => n + 1);
    setTabs((all) => all.map((t) => (t.path === path ? { ...t, saved: text, isNew: false, dirty: (editor.text(path) ?? '') !== text } : t)));
  }, [profile]);
  // Unsaved edits: the browser asks before the page goes (a reload, a link to another lesson).
  const anyDirty = tabs.some((t) => t.dirty);
  useEffect(() => {
    if (!anyDirty) return;
    const onLeave = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', onLeave);
    return () => window.removeEventListener('beforeunload', onLeave);
  }, [anyDirty]);
  const saveRef = useRef(save);
  useEffect(() => {
    saveRef.current = save;
  }, [save]);

  // CodeMirror loads when the editor is first shown (a chunk of its own), not with every lesson page.
  useEffect(() => {
    let disposed = false;
    let editor: CodeEditor | undefined;
    void import('./code-editor').then(({ CodeEditor }) => {
      if (disposed || !hostRef.current) return;
      editor = new CodeEditor(hostRef.current, readTheme(), {
        onSave: () => void saveRef.current(),
        onChange: (path, text) => setTabs((all) => all.map((t) => (t.path === path ? { ...t, dirty: t.isNew || text !== t.saved } : t))),
        onProblems: (path, problems) => setTabs((all) => all.map((t) => (t.path === path ? { ...t, problems } : t))),
      });
      editorRef.current = editor;
      setReady(true);
    });
    return () => {
      disposed = true;
      editor?.dispose();
      editorRef.current = null;
    };
  }, []);

  useEffect(() => editorRef.current?.setTheme(theme), [theme, ready]);

  const openFile = useCallback(
    async (path: string) => {
      const editor = editorRef.current;
      if (!editor) return;
      if (tabsRef.current.some((t) => t.path === path)) {
        editor.show(path);
        setActive(path);
        return;
      }
      const result = await readSandboxFile(profile, path);
      if (!result.ok && result.status !== 404) {
        setNotice({ kind: 'error', text: `Cannot open ${path}: ${result.error}` });
        return;
      }
      const text = result.ok ? result.value.content : '';
      const isNew = !result.ok;
      setTabs((all) => (all.some((t) => t.path === path) ? all : [...all, { path, saved: text, dirty: isNew, isNew, problems: [] }]));
      editor.open(path, text);
      setActive(path);
      setNotice(isNew ? { kind: 'info', text: `${path} is new: it is created when you save` } : null);
      editor.focus();
    },
    [profile],
  );

  // A lesson's "open in the editor" link (via the switch), once the editor is loaded.
  useEffect(() => {
    // The request is an event from outside (a lesson link), answered once the editor has loaded.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (ready && request) void openFile(request.path);
  }, [ready, request, openFile]);

  const closeTab = (path: string) => {
    const tab = tabs.find((t) => t.path === path);
    if (tab?.dirty && !window.confirm(`${baseName(path)} has unsaved changes. Close it anyway?`)) return;
    editorRef.current?.close(path);
    const rest = tabs.filter((t) => t.path !== path);
    setTabs(rest);
    if (active === path) {
      const next = rest.at(-1)?.path ?? null;
      setActive(next);
      if (next) editorRef.current?.show(next);
    }
  };

  const current = tabs.find((t) => t.path === active);
  return (
    <section className="flex h-full min-h-0 flex-col overflow-hidden rounded-lg border border-slate-300 bg-white text-slate-900 dark:border-slate-700 dark:bg-[#0b1220] dark:text-slate-100" aria-label="Sandbox editor" data-testid="editor">
      <div className="flex min-h-0 flex-1">
        <div className="flex w-48 shrink-0 flex-col border-r border-slate-300 dark:border-slate-700">
          <FileTree profile={profile} root={ROOT} active={active} onOpenFile={(path) => void openFile(path)} reloadKey={treeReload} />
        </div>
        <div className="flex min-w-0 flex-1 flex-col">
          <div className="flex items-center gap-1 border-b border-slate-300 px-1 py-1 text-xs dark:border-slate-700">
            {/* A group of buttons, not an ARIA tablist: each file has a close button beside it, which a tablist may not hold. */}
            <div role="group" aria-label="Open files" className="flex min-w-0 flex-1 gap-1 overflow-x-auto">
              {tabs.map((tab) => (
                <span key={tab.path} className={`flex shrink-0 items-center rounded ${tab.path === active ? 'bg-slate-200 dark:bg-slate-800' : ''}`}>
                  <button
                    type="button"
                    aria-pressed={tab.path === active}
                    className="min-h-6 px-2 py-0.5 font-mono"
                    title={tab.path}
                    onClick={() => {
                      editorRef.current?.show(tab.path);
                      setActive(tab.path);
                    }}
                  >
                    {baseName(tab.path)}
                    {tab.dirty && (
                      <span className="ml-1 text-amber-600 dark:text-amber-400" data-testid="dirty-marker">
                        <span aria-hidden>●</span>
                        <span className="sr-only"> (unsaved)</span>
                      </span>
                    )}
                  </button>
                  <button type="button" className="min-h-6 min-w-6 px-1 text-slate-500 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white" aria-label={`Close ${baseName(tab.path)}`} onClick={() => closeTab(tab.path)}>
                    ×
                  </button>
                </span>
              ))}
              {tabs.length === 0 && <span className="px-2 py-0.5 text-slate-600 dark:text-slate-300">Open a file from the tree</span>}
            </div>
            <button
              type="button"
              className="min-h-6 shrink-0 rounded border border-slate-300 px-2 py-0.5 enabled:hover:bg-slate-200 disabled:opacity-50 dark:border-slate-600 dark:enabled:hover:bg-slate-800"
              disabled={!current || saving}
              onClick={() => void save()}
              title="Save (Ctrl+S / ⌘S)"
              data-testid="editor-save"
            >
              {saving ? 'Saving…' : 'Save'}
            </button>
          </div>
          <div ref={hostRef} className={`min-h-0 flex-1 overflow-hidden ${current ? '' : 'hidden'}`} data-testid="editor-host" />
          {!current && <div className="flex-1" />}
          {current && current.problems.length > 0 && (
            <div className="max-h-28 shrink-0 overflow-auto border-t border-slate-300 text-xs dark:border-slate-700">
              <h2 className="px-2 pt-1 font-medium">Problems ({current.problems.length})</h2>
              <ul aria-label="Problems" data-testid="editor-problems">
                {current.problems.map((p, i) => (
                  <li key={i}>
                    <button type="button" className="min-h-6 w-full px-2 py-0.5 text-left hover:bg-slate-200 dark:hover:bg-slate-800" onClick={() => editorRef.current?.reveal(p.from)}>
                      <span className={p.severity === 'error' ? 'text-rose-700 dark:text-rose-300' : 'text-amber-700 dark:text-amber-300'}>{p.severity}</span> line {p.line}: {p.message}
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      </div>
      <p
        role={notice?.kind === 'error' ? 'alert' : 'status'}
        data-testid="editor-notice"
        data-kind={notice?.kind ?? ''}
        className={`min-h-[1.75rem] border-t border-slate-300 px-2 py-1 text-xs dark:border-slate-700 ${notice?.kind === 'error' ? 'text-rose-700 dark:text-rose-300' : 'text-slate-600 dark:text-slate-300'}`}
      >
        {notice?.text ?? (current ? `${current.path}${current.dirty ? ' · unsaved' : ''}` : '')}
      </p>
    </section>
  );
}
