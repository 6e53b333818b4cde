'use client';

import { useEffect, useRef, useState } from 'react';
import { TerminalConnection, type ConnectionState } from '../terminal/terminal-connection';
import '@xterm/xterm/css/xterm.css';

/**
 * An instructor's read-only, live view of one learner's terminal
 * (/ws/watch). It draws at the learner's size, never sends keystrokes or
 * sizes, and the server does not let it pace the learner's output.
 */
export function ShadowTerminal({ learnerId, displayName, onClose }: { learnerId: string; displayName: string; onClose: () => void }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<{ state: ConnectionState; message: string }>({ state: 'connecting', message: 'Connecting…' });
  const [size, setSize] = useState<string>('');

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    let cancelled = false;
    let cleanup: (() => void) | undefined;
    void (async () => {
      const { Terminal } = await import('@xterm/xterm');
      if (cancelled) return;
      const term = new Terminal({
        disableStdin: true,
        cursorBlink: false,
        fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, monospace',
        fontSize: 13,
        scrollback: 2000,
        theme: { background: '#0b1220', foreground: '#e2e8f0', cursor: '#64748b' },
      });
      term.open(host);
      const resizeTo = (cols: number, rows: number) => {
        term.resize(cols, rows);
        setSize(`${cols}×${rows}`);
      };
      const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
      const connection = new TerminalConnection(`${scheme}://${window.location.host}/ws/watch?learner=${encodeURIComponent(learnerId)}`, {
        output: (data, done) => term.write(data, done),
        replayStarting: () => term.reset(),
        state: (state, message) => setStatus({ state, message: state === 'ready' ? 'Live' : message }),
        hello: (hello) => hello.size && resizeTo(hello.size.cols, hello.size.rows),
        size: (s) => resizeTo(s.cols, s.rows),
      });
      connection.connect();
      cleanup = () => {
        connection.dispose();
        term.dispose();
      };
    })();
    return () => {
      cancelled = true;
      cleanup?.();
    };
  }, [learnerId]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && onClose();
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-slate-950/70 p-4" role="dialog" aria-modal="true" aria-label={`Terminal of ${displayName}, read-only`} data-testid="shadow-terminal">
      <div className="flex max-h-full w-full max-w-5xl flex-col overflow-hidden rounded-xl border border-slate-700 bg-slate-900 shadow-2xl">
        <header className="flex items-center gap-3 border-b border-slate-700 px-4 py-2 text-sm text-slate-200">
          <span className={`h-2 w-2 rounded-full ${status.state === 'ready' ? 'bg-emerald-400' : status.state === 'error' ? 'bg-rose-500' : 'bg-amber-400'}`} />
          <span className="font-medium">{displayName}</span>
          <span className="rounded bg-slate-700 px-1.5 py-0.5 text-xs uppercase tracking-wide text-slate-300">read-only</span>
          <span className="text-slate-400" data-testid="shadow-status">
            {status.message}
            {size && ` · ${size}`}
          </span>
          <button type="button" onClick={onClose} className="ml-auto rounded px-2 py-1 text-slate-300 hover:bg-slate-800" aria-label="Close the view">
            ✕
          </button>
        </header>
        <div ref={hostRef} className="min-h-[24rem] overflow-auto bg-[#0b1220] p-2" data-testid="shadow-xterm" />
      </div>
    </div>
  );
}
