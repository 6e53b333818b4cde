'use client';

import { useEffect, useState, type ReactNode } from 'react';
import { RUN_IN_TERMINAL_EVENT } from '../terminal/run-command';
import { EditorPane } from './EditorPane';
import { OPEN_IN_EDITOR_EVENT, type OpenInEditorDetail } from './editor-events';

type View = 'terminal' | 'editor';

/**
 * "Terminal | Editor" above the lesson's right-hand pane. The terminal stays
 * mounted (hidden) while the editor shows, so its connection and scrollback
 * are kept; the editor is mounted the first time it is shown and kept too.
 * A lesson's "open in the editor" link shows the editor; a "run in terminal"
 * block shows the terminal.
 */
export function TerminalEditorSwitch({ profile, children, aside }: { profile: string; children: ReactNode; aside?: ReactNode }) {
  const [view, setView] = useState<View>('terminal');
  const [editorMounted, setEditorMounted] = useState(false);
  const [request, setRequest] = useState<{ path: string; seq: number } | null>(null);

  useEffect(() => {
    const onOpen = (event: Event) => {
      const { path } = (event as CustomEvent<OpenInEditorDetail>).detail;
      setEditorMounted(true);
      setView('editor');
      setRequest((previous) => ({ path, seq: (previous?.seq ?? 0) + 1 }));
    };
    const onRun = () => setView('terminal');
    window.addEventListener(OPEN_IN_EDITOR_EVENT, onOpen);
    window.addEventListener(RUN_IN_TERMINAL_EVENT, onRun);
    return () => {
      window.removeEventListener(OPEN_IN_EDITOR_EVENT, onOpen);
      window.removeEventListener(RUN_IN_TERMINAL_EVENT, onRun);
    };
  }, []);

  const show = (next: View) => {
    if (next === 'editor') setEditorMounted(true);
    setView(next);
  };
  const tab = (name: View, label: string) => (
    <button
      type="button"
      role="tab"
      id={`pane-tab-${name}`}
      aria-selected={view === name}
      // The editor's panel exists once it was first shown; aria-controls must name an element that exists.
      aria-controls={name === 'terminal' || editorMounted ? `pane-${name}` : undefined}
      data-testid={`pane-tab-${name}`}
      className={`rounded-t px-3 py-1 text-sm ${view === name ? 'bg-slate-200 font-medium dark:bg-slate-800' : 'text-slate-600 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white'}`}
      onClick={() => show(name)}
      onKeyDown={(event) => {
        if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
          const other: View = name === 'terminal' ? 'editor' : 'terminal';
          show(other);
          document.getElementById(`pane-tab-${other}`)?.focus();
        }
      }}
      tabIndex={view === name ? 0 : -1}
    >
      {label}
    </button>
  );

  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="flex items-center gap-2">
        <div role="tablist" aria-label="Sandbox view" className="flex gap-1">
          {tab('terminal', 'Terminal')}
          {tab('editor', 'Editor')}
        </div>
        {/* What the switch is about (the lesson's environment): beside it, outside the tablist. */}
        {aside && <div className="ml-auto flex min-w-0 justify-end">{aside}</div>}
      </div>
      <div id="pane-terminal" role="tabpanel" aria-labelledby="pane-tab-terminal" className={view === 'terminal' ? 'min-h-0 flex-1' : 'hidden'}>
        {children}
      </div>
      {editorMounted && (
        <div id="pane-editor" role="tabpanel" aria-labelledby="pane-tab-editor" className={view === 'editor' ? 'min-h-0 flex-1' : 'hidden'}>
          <EditorPane profile={profile} request={request} />
        </div>
      )}
    </div>
  );
}
