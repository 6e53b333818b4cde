'use client';

import type { ClassGrid, GridCell, GridColumn, GridRow } from '../../protocol/http/classroom';
import { ago, cellHelp, cellState, clock } from './dashboard-model';
import { LearnerActionsMenu } from './LearnerActionsMenu';
import type { OnLearnerAction } from './learner-actions';

const STATUS = {
  active: { dot: 'bg-emerald-500', label: 'Connected' },
  idle: { dot: 'bg-amber-400', label: 'Idle' },
  offline: { dot: 'bg-slate-300 dark:bg-slate-600', label: 'Not connected' },
} as const;

/** One learner × exercise; `divider` marks the first exercise of a lesson after the first. */
function Cell({ cell, column, stuckAfter, now, divider }: { cell: GridCell; column: GridColumn; stuckAfter: number; now: number | null; divider: boolean }) {
  const state = cellState(cell);
  const stuck = state === 'failed' && cell.attempts >= stuckAfter;
  const when = state === 'passed' ? cell.passedAt : cell.lastAttemptAt;
  // Before hydration there is no clock (server and browser may sit in different time zones).
  const help = cellHelp(cell, now !== null ? clock : () => null);
  const outcome =
    state === 'passed'
      ? `${column.title}: passed${now && when ? ` at ${clock(when)}` : ''} (${cell.attempts} ${cell.attempts === 1 ? 'attempt' : 'attempts'})`
      : state === 'failed'
        ? `${column.title}: failed ${cell.attempts}× so far${now && when ? `, last at ${clock(when)}` : ''}`
        : `${column.title}: not tried`;
  const title = help.note ? `${outcome}; ${help.note}` : outcome;
  const look =
    state === 'passed'
      ? 'bg-emerald-700 text-white'
      : state === 'failed'
        ? stuck
          ? 'bg-rose-600 text-white ring-2 ring-rose-300 dark:ring-rose-800'
          : 'bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-200'
        : 'border border-dashed border-slate-300 text-slate-300 dark:border-slate-700 dark:text-slate-600';
  return (
    <td className={`px-0.5 py-1 text-center ${divider ? 'border-l border-l-slate-200 dark:border-l-slate-700' : ''}`}>
      <div
        className={`relative mx-auto flex h-10 w-14 flex-col items-center justify-center rounded-md text-xs leading-tight ${look}`}
        title={title}
        data-testid="cell"
        data-exercise={`${column.lessonId}/${column.exerciseId}`}
        data-state={state}
        data-attempts={cell.attempts}
        data-hints={cell.hintsUsed}
        data-solution={help.solutionSeen ? (help.passedAfterSolution ? 'passed-after' : 'seen') : undefined}
      >
        <span className="font-semibold">{state === 'passed' ? '✓' : state === 'failed' ? `×${cell.attempts}` : '·'}</span>
        {state !== 'untried' && now !== null && when !== null && <span className="text-[10px] opacity-80 tabular-nums">{clock(when)}</span>}
        {help.solutionSeen && (
          // The solution was opened: a corner mark that reads on every cell colour (its own fill and ring).
          <span
            className="absolute -right-1.5 -top-1.5 flex h-4 w-4 items-center justify-center rounded-full bg-amber-300 text-[9px] font-bold text-slate-900 ring-2 ring-white dark:ring-slate-900"
            role="img"
            aria-label={help.passedAfterSolution ? 'passed after seeing the solution' : 'solution seen'}
            data-testid="cell-solution"
          >
            S
          </span>
        )}
      </div>
    </td>
  );
}

/** What the row menus need from the dashboard: where a choice goes, and why none can be made (class ended). */
export interface RowActions {
  onAction: OnLearnerAction;
  disabledReason?: string;
}

function LearnerCell({ row, grid, now, actions }: { row: GridRow; grid: ClassGrid; now: number | null; actions: RowActions }) {
  const status = STATUS[row.status];
  const titleOf = (lessonId: string, exerciseId: string) => grid.columns.find((c) => c.lessonId === lessonId && c.exerciseId === exerciseId)?.title ?? exerciseId;
  return (
    <th scope="row" className="sticky left-0 z-10 w-64 max-w-64 bg-white px-3 py-1.5 text-left font-normal dark:bg-slate-900">
      <div className="flex items-center gap-2">
        <span className={`h-2.5 w-2.5 shrink-0 rounded-full ${status.dot}`} title={`${status.label}${row.sockets > 1 ? ` (${row.sockets} terminals)` : ''}`} role="img" aria-label={status.label} />
        <span className="min-w-0 truncate font-medium" data-testid="learner-name">
          {row.displayName}
        </span>
        <span className="ml-auto">
          <LearnerActionsMenu
            context={{ classId: grid.class.id, learnerId: row.learnerId, displayName: row.displayName }}
            onAction={actions.onAction}
            disabledReason={actions.disabledReason}
          />
        </span>
      </div>
      <div className="mt-0.5 flex flex-wrap gap-1 pl-4.5 text-[11px]">
        {row.stuck.map((s) => (
          <span
            key={`${s.lessonId}/${s.exerciseId}`}
            className="max-w-full truncate rounded bg-rose-100 px-1.5 py-px font-medium text-rose-800 dark:bg-rose-950 dark:text-rose-200"
            title={`Stuck: failed “${titleOf(s.lessonId, s.exerciseId)}” ${s.failures} times without a pass`}
            data-testid="badge-stuck"
          >
            Stuck ×{s.failures} · {titleOf(s.lessonId, s.exerciseId)}
          </span>
        ))}
        {row.status === 'idle' && (
          <span className="rounded bg-amber-100 px-1.5 py-px font-medium text-amber-800 dark:bg-amber-950 dark:text-amber-200" data-testid="badge-idle">
            Idle{now !== null ? ` ${ago(row.lastActivityAt, now).replace(' ago', '')}` : ''}
          </span>
        )}
        {row.status === 'offline' && <span className="text-slate-500 dark:text-slate-400">Not connected</span>}
      </div>
    </th>
  );
}

/** Learners × exercises, grouped by lesson. */
export function LearnerGrid({ grid, rows, passedPerColumn, now, actions }: { grid: ClassGrid; rows: GridRow[]; passedPerColumn: number[]; now: number | null; actions: RowActions }) {
  const total = grid.columns.length;
  let columnIndex = 0;
  return (
    <div className="w-fit max-w-full overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm dark:border-slate-700 dark:bg-slate-900">
      <table className="border-separate border-spacing-0 text-sm" data-testid="grid">
        <thead>
          <tr className="text-xs text-slate-500 dark:text-slate-400">
            <th rowSpan={2} className="sticky left-0 z-10 w-64 min-w-64 border-b border-slate-200 bg-white px-3 py-2 text-left font-medium uppercase tracking-wide dark:border-slate-700 dark:bg-slate-900">
              Learner
            </th>
            {grid.lessons.map((lesson, i) => (
              <th
                key={lesson.id}
                colSpan={Math.max(1, lesson.exerciseCount)}
                className={`px-2 pb-1 pt-2 text-left font-medium text-slate-700 dark:text-slate-200 ${i > 0 ? 'border-l border-slate-200 dark:border-slate-700' : ''}`}
              >
                <span className="block max-w-[20rem] truncate" title={lesson.title}>
                  {lesson.title}
                </span>
              </th>
            ))}
            <th rowSpan={2} className="border-b border-l border-slate-200 px-3 py-2 text-left font-medium uppercase tracking-wide dark:border-slate-700">
              Progress
            </th>
            <th rowSpan={2} className="border-b border-slate-200 px-3 py-2 text-left font-medium uppercase tracking-wide dark:border-slate-700">
              Last activity
            </th>
          </tr>
          <tr className="text-[11px] text-slate-500 dark:text-slate-400">
            {grid.lessons.map((lesson, i) =>
              lesson.exerciseCount === 0 ? (
                <th key={lesson.id} className={`border-b border-slate-200 px-2 pb-2 font-normal italic dark:border-slate-700 ${i > 0 ? 'border-l' : ''}`}>
                  no exercises
                </th>
              ) : (
                Array.from({ length: lesson.exerciseCount }, (_, j) => {
                  const index = columnIndex++;
                  const column = grid.columns[index]!;
                  const passed = passedPerColumn[index] ?? 0;
                  const share = grid.rows.length ? passed / grid.rows.length : 0;
                  return (
                    <th
                      key={`${column.lessonId}/${column.exerciseId}`}
                      className={`border-b border-slate-200 px-0.5 pb-2 font-normal dark:border-slate-700 ${j === 0 && i > 0 ? 'border-l' : ''}`}
                      title={`${column.title} — ${passed} of ${grid.rows.length} passed`}
                    >
                      <div className="mx-auto w-20">
                        <div className="line-clamp-2 h-[2.6em] text-center leading-tight">
                          <span className="font-semibold text-slate-700 dark:text-slate-300">{j + 1}</span> {column.title}
                        </div>
                        <div className="mt-1 h-1 overflow-hidden rounded bg-slate-100 dark:bg-slate-800">
                          <div className="h-full rounded bg-emerald-500" style={{ width: `${Math.round(share * 100)}%` }} />
                        </div>
                      </div>
                    </th>
                  );
                })
              ),
            )}
          </tr>
        </thead>
        <tbody className="[&>tr:not(:last-child)>*]:border-b [&>tr>*]:border-slate-100 dark:[&>tr>*]:border-slate-800">
          {rows.map((row) => {
            let cellIndex = 0;
            return (
              <tr
                key={row.learnerId}
                className={`hover:bg-slate-50 dark:hover:bg-slate-800/40 ${row.stuck.length > 0 ? '[&>th]:shadow-[inset_3px_0_0_0_var(--color-rose-500)]' : ''}`}
                data-testid="learner-row"
                data-learner={row.displayName}
                data-status={row.status}
              >
                <LearnerCell row={row} grid={grid} now={now} actions={actions} />
                {grid.lessons.map((lesson, i) =>
                  lesson.exerciseCount === 0 ? (
                    <td key={lesson.id} className={i > 0 ? 'border-l border-l-slate-200 dark:border-l-slate-700' : ''} />
                  ) : (
                    Array.from({ length: lesson.exerciseCount }, (_, j) => {
                      const index = cellIndex++;
                      const column = grid.columns[index]!;
                      const cell = row.cells[index] ?? { attempts: 0, passedAt: null, lastAttemptAt: null, hintsUsed: 0, solutionShownAt: null };
                      return (
                        <Cell
                          key={`${column.lessonId}/${column.exerciseId}`}
                          cell={cell}
                          column={column}
                          stuckAfter={grid.settings.stuckAfterFailures}
                          now={now}
                          divider={j === 0 && i > 0}
                        />
                      );
                    })
                  ),
                )}
                <td className="border-l border-l-slate-200 px-3 py-1.5 dark:border-l-slate-700">
                  <div className="flex items-center gap-2 tabular-nums" data-testid="learner-progress">
                    <span className="w-12 text-right font-medium">
                      {row.solved}/{total}
                    </span>
                    <div className="h-1.5 w-20 overflow-hidden rounded bg-slate-100 dark:bg-slate-800">
                      <div className="h-full rounded bg-emerald-500" style={{ width: `${total ? Math.round((row.solved / total) * 100) : 0}%` }} />
                    </div>
                  </div>
                </td>
                <td className="whitespace-nowrap px-3 py-1.5 text-slate-500 dark:text-slate-400">{now !== null ? ago(row.lastActivityAt, now) : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
