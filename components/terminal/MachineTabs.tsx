'use client';

import { useRef, useState, type KeyboardEvent } from 'react';
import { machineHostname, machineOf } from '../../protocol/environment';
import { TerminalTabs } from './TerminalTabs';

/**
 * The machines of a multi-machine environment (a Swarm lab), one tab each:
 * node1, node2… Each is a sandbox of its own with its own Docker engine, on
 * one private network of this learner's; its tab shows its terminal (and
 * that machine's own terminal tabs). As with terminal tabs, only the visible
 * machine holds a socket: switching reconnects and replays what it printed.
 */
export function MachineTabs({ environment, machines }: { environment: string; machines: number }) {
  const [active, setActive] = useState(1);
  const tabs = useRef(new Map<number, HTMLButtonElement>());
  const numbers = Array.from({ length: machines }, (_, i) => i + 1);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = ((active - 1 + step + machines) % machines) + 1;
    setActive(next);
    tabs.current.get(next)?.focus();
  };

  return (
    <div className="flex h-full min-h-0 flex-col">
      <div role="tablist" aria-label="Machines" className="mb-1 flex gap-1 text-xs" onKeyDown={onKeyDown}>
        {numbers.map((n) => (
          <button
            key={n}
            ref={(el) => {
              if (el) tabs.current.set(n, el);
              else tabs.current.delete(n);
            }}
            type="button"
            role="tab"
            id={`machine-tab-${n}`}
            aria-selected={n === active}
            aria-controls="machine-panel"
            tabIndex={n === active ? 0 : -1}
            data-testid={`machine-tab-${n}`}
            className={`rounded-t border px-3 py-1 font-mono ${n === active ? 'border-sky-500 bg-sky-50 text-sky-900 dark:bg-sky-950 dark:text-sky-100' : 'border-slate-300 text-slate-600 hover:bg-slate-100 dark:border-slate-600 dark:text-slate-300 dark:hover:bg-slate-800'}`}
            title={`Machine ${n}: its own Docker engine, hostname ${machineHostname(n)}`}
            onClick={() => setActive(n)}
          >
            {machineHostname(n)}
          </button>
        ))}
      </div>
      <div id="machine-panel" role="tabpanel" aria-labelledby={`machine-tab-${active}`} className="min-h-0 flex-1">
        <TerminalTabs key={active} profile={machineOf(environment, active)} />
      </div>
    </div>
  );
}
