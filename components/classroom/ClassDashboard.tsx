'use client';

import Link from 'next/link';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { DashboardEventSchema, type ClassGrid, type EndedClass } from '../../protocol/http/classroom';
import { readServerEvent } from '../http/server-events';
import { ClassControls } from './ClassControls';
import { Toasts, useToasts } from './DashboardToasts';
import { classTotals, clock, filterCounts, FILTERS, SORTS, timeLeft, visibleRows, type RowFilter, type RowSort } from './dashboard-model';
import { EndClassDialog } from './EndClassDialog';
import { JoinCodeCard } from './JoinCodeCard';
import { LearnerGrid } from './LearnerGrid';
import { MessageDialog } from './MessageDialog';
import { RuntimeStatus } from './RuntimeStatus';
import { useLearnerActions } from './use-learner-actions';
import { useNow } from './use-now';
import { useRuntime } from './use-runtime';

type Live = 'connecting' | 'live' | 'reconnecting' | 'signed-out';

/**
 * The instructor's live view of a class. Starts from the grid the server
 * rendered, then follows the class's Server-Sent Events stream: a whole new
 * snapshot after every check or join, and every 5 s for connection state.
 */
export function ClassDashboard({ initial }: { initial: ClassGrid }) {
  const [grid, setGrid] = useState(initial);
  const [live, setLive] = useState<Live>('connecting');
  const [filter, setFilter] = useState<RowFilter>('all');
  const [sort, setSort] = useState<RowSort>('name');
  const [search, setSearch] = useState('');
  const now = useNow(5_000);
  const classId = initial.class.id;
  const { toasts, notify, dismiss } = useToasts();
  const learnerActions = useLearnerActions(notify);
  const [classDialog, setClassDialog] = useState<'message' | 'end' | null>(null);
  const closeClassDialog = useCallback(() => setClassDialog(null), []);
  // Ended from this page: shown at once (the grid stream says so too, with its next snapshot).
  const [endedHere, setEndedHere] = useState<EndedClass | null>(null);

  useEffect(() => {
    const source = new EventSource(`/api/instructor/classes/${classId}/events`);
    source.addEventListener('grid', (message) => {
      const event = readServerEvent(DashboardEventSchema, 'grid', message.data);
      if (!event) return;
      setGrid(event.data);
      setLive('live');
    });
    source.onerror = () => {
      // CLOSED: the browser gave up (e.g. 401 after the sign-in expired); otherwise it retries by itself.
      setLive(source.readyState === EventSource.CLOSED ? 'signed-out' : 'reconnecting');
    };
    return () => source.close();
  }, [classId]);

  const totals = useMemo(() => classTotals(grid), [grid]);
  const counts = useMemo(() => filterCounts(grid.rows), [grid]);
  const rows = useMemo(() => visibleRows(grid.rows, { filter, search, sort }), [grid, filter, search, sort]);
  const c = grid.class;
  const open = c.open && !endedHere;
  const runtime = useRuntime(classId, open);
  const lessonTitle = useCallback((id: string) => grid.lessons.find((l) => l.id === id)?.title, [grid.lessons]);

  return (
    <main className="mx-auto w-full max-w-[110rem] px-4 py-6" data-testid="class-dashboard">
      <nav className="text-sm text-slate-500 dark:text-slate-400">
        <Link href="/instructor" className="hover:text-slate-900 hover:underline dark:hover:text-slate-200">
          Classes
        </Link>{' '}
        / <span className="text-slate-700 dark:text-slate-300">{c.name}</span>
      </nav>

      <div className="mt-2 flex flex-wrap items-start gap-4">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="truncate text-2xl font-semibold tracking-tight">{c.name}</h1>
            {open ? (
              <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-semibold text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">In session</span>
            ) : (
              <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-semibold text-slate-700 dark:bg-slate-800 dark:text-slate-300">Ended</span>
            )}
          </div>
          <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
            {grid.lessons.length} {grid.lessons.length === 1 ? 'lesson' : 'lessons'} · {grid.columns.length} exercises
            {now !== null && (
              <>
                {' '}
                · started {clock(c.createdAt)} · {open ? 'ends' : 'ended'} {clock(c.endedAt ?? c.endsAt)}
                {open && <span className="font-medium text-slate-700 dark:text-slate-300"> ({timeLeft(c.endsAt, now)})</span>}
              </>
            )}
          </p>
          {grid.missingLessons.length > 0 && (
            <p className="mt-1 text-sm text-amber-700 dark:text-amber-400">Not shown (missing or broken lessons): {grid.missingLessons.join(', ')}</p>
          )}
          {open && <RuntimeStatus view={runtime} lessonTitle={lessonTitle} />}
          <ClassControls classId={classId} lessons={grid.lessons} open={open} onMessageAll={() => setClassDialog('message')} onEndClass={() => setClassDialog('end')} />
        </div>
        <JoinCodeCard code={c.joinCode} open={open} />
      </div>

      <dl className="mt-5 grid grid-cols-2 gap-3 sm:grid-cols-5" data-testid="class-totals">
        <Stat label="Joined" value={`${totals.joined} / ${c.expectedLearners}`} />
        <Stat label="Connected" value={String(totals.connected)} />
        <Stat label="Stuck" value={String(totals.stuck)} tone={totals.stuck > 0 ? 'bad' : undefined} hint={`${grid.settings.stuckAfterFailures}+ failures on one exercise, no pass`} />
        <Stat label="Idle" value={String(totals.idle)} tone={totals.idle > 0 ? 'warn' : undefined} hint={`connected, no activity for ${grid.settings.idleAfterMinutes} min`} />
        <Stat label="Solved" value={`${totals.percentSolved}%`} hint="passed exercises over all learners × exercises" />
      </dl>

      <div className="mt-5 flex flex-wrap items-center gap-3">
        <div className="inline-flex rounded-md border border-slate-300 bg-white p-0.5 text-sm dark:border-slate-600 dark:bg-slate-900" role="group" aria-label="Show">
          {FILTERS.map((f) => (
            <button
              key={f.id}
              type="button"
              aria-pressed={filter === f.id}
              data-testid={`filter-${f.id}`}
              className={`rounded px-3 py-1 ${filter === f.id ? 'bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900' : 'text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800'}`}
              onClick={() => setFilter(f.id)}
            >
              {f.label} <span className="tabular-nums opacity-70">{counts[f.id]}</span>
            </button>
          ))}
        </div>
        <input
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="Search by name"
          aria-label="Search learners by name"
          className="w-56 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm placeholder:text-slate-500 dark:placeholder:text-slate-400 focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-500/30 dark:border-slate-600 dark:bg-slate-900"
        />
        <label className="flex items-center gap-2 text-sm text-slate-600 dark:text-slate-300">
          Sort by
          <select
            value={sort}
            onChange={(e) => setSort(e.target.value as RowSort)}
            className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-900"
            data-testid="sort"
          >
            {SORTS.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <LiveIndicator live={live} />
      </div>

      <div className="mt-3">
        {grid.rows.length === 0 ? (
          <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center dark:border-slate-700 dark:bg-slate-900" data-testid="grid-empty">
            <p className="text-lg font-medium">Nobody has joined yet</p>
            <p className="mt-1 text-slate-500 dark:text-slate-400">
              Learners open <span className="font-mono">/join</span> and type the code <span className="font-mono font-semibold tracking-widest text-slate-700 dark:text-slate-200">{c.joinCode}</span>, or open the
              link on the right. They appear here as they join.
            </p>
          </div>
        ) : rows.length === 0 ? (
          <p className="rounded-lg border border-slate-200 bg-white px-4 py-8 text-center text-slate-500 dark:text-slate-400 dark:border-slate-700 dark:bg-slate-900">No learner matches.</p>
        ) : (
          <LearnerGrid
            grid={grid}
            rows={rows}
            passedPerColumn={totals.passedPerColumn}
            now={now}
            actions={{ onAction: learnerActions.onAction, disabledReason: open ? undefined : 'the class has ended' }}
          />
        )}
      </div>

      <Legend stuckAfter={grid.settings.stuckAfterFailures} idleMinutes={grid.settings.idleAfterMinutes} />

      {learnerActions.view}
      {classDialog === 'message' && <MessageDialog classId={classId} to={null} onClose={closeClassDialog} notify={notify} />}
      {classDialog === 'end' && <EndClassDialog classId={classId} name={c.name} onClose={closeClassDialog} onEnded={setEndedHere} />}
      <Toasts toasts={toasts} onDismiss={dismiss} />
    </main>
  );
}

function Stat({ label, value, tone, hint }: { label: string; value: string; tone?: 'bad' | 'warn'; hint?: string }) {
  const color = tone === 'bad' ? 'text-rose-700 dark:text-rose-400' : tone === 'warn' ? 'text-amber-700 dark:text-amber-400' : '';
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm dark:border-slate-700 dark:bg-slate-900" title={hint}>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className={`mt-0.5 text-2xl font-semibold tabular-nums ${color}`} data-testid={`total-${label.toLowerCase()}`}>
        {value}
      </dd>
    </div>
  );
}

function LiveIndicator({ live }: { live: Live }) {
  const look: Record<Live, [string, string]> = {
    connecting: ['bg-slate-400', 'Connecting…'],
    live: ['bg-emerald-500 animate-pulse', 'Live'],
    reconnecting: ['bg-amber-500', 'Reconnecting…'],
    'signed-out': ['bg-rose-500', 'Updates stopped'],
  };
  const [dot, text] = look[live];
  return (
    <span className="ml-auto flex items-center gap-2 text-sm text-slate-500 dark:text-slate-400" data-testid="live-indicator" data-live={live}>
      <span className={`h-2 w-2 rounded-full ${dot}`} />
      {text}
      {live === 'signed-out' && (
        <a href="/instructor/login" className="text-sky-700 underline dark:text-sky-400">
          sign in again
        </a>
      )}
    </span>
  );
}

function Legend({ stuckAfter, idleMinutes }: { stuckAfter: number; idleMinutes: number }) {
  const chip = 'inline-flex h-5 w-7 items-center justify-center rounded text-[11px] font-semibold';
  return (
    <div className="mt-3 flex flex-wrap items-center gap-x-5 gap-y-1 text-xs text-slate-500 dark:text-slate-400">
      <span className="flex items-center gap-1.5">
        <span className={`${chip} bg-emerald-700 text-white`}>✓</span> passed (and when)
      </span>
      <span className="flex items-center gap-1.5">
        <span className={`${chip} bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-200`}>×2</span> failed twice (last try)
      </span>
      <span className="flex items-center gap-1.5">
        <span className={`${chip} bg-rose-600 text-white`}>×{stuckAfter}</span> stuck ({stuckAfter}+ failures, no pass)
      </span>
      <span className="flex items-center gap-1.5">
        <span className={`${chip} border border-dashed border-slate-300 text-slate-500 dark:text-slate-400 dark:border-slate-700`}>·</span> not tried
      </span>
      <span className="flex items-center gap-1.5">
        <span className="flex h-4 w-4 items-center justify-center rounded-full bg-amber-300 text-[9px] font-bold text-slate-900">S</span> solution seen (hints
        opened: hover the cell)
      </span>
      <span className="flex items-center gap-1.5">
        <span className="h-2 w-2 rounded-full bg-emerald-500" /> connected
        <span className="ml-2 h-2 w-2 rounded-full bg-amber-400" /> idle ({idleMinutes} min without input or checks)
        <span className="ml-2 h-2 w-2 rounded-full bg-slate-300 dark:bg-slate-600" /> no terminal open
      </span>
    </div>
  );
}
