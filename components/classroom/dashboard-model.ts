import { passedAfterSolution } from '../../protocol/http/check';
import type { ClassGrid, GridCell, GridRow } from '../../protocol/http/classroom';

/** What the instructor's dashboard does with the grid: pure, so it is tested without a browser. */

export type RowFilter = 'all' | 'stuck' | 'idle' | 'offline';
export type RowSort = 'name' | 'progress' | 'activity';

export const FILTERS: { id: RowFilter; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'stuck', label: 'Stuck' },
  { id: 'idle', label: 'Idle' },
  { id: 'offline', label: 'Not connected' },
];

export const SORTS: { id: RowSort; label: string }[] = [
  { id: 'name', label: 'Name' },
  { id: 'progress', label: 'Progress' },
  { id: 'activity', label: 'Last activity' },
];

export type CellState = 'untried' | 'failed' | 'passed';

export function cellState(cell: GridCell): CellState {
  if (cell.passedAt !== null) return 'passed';
  return cell.attempts > 0 ? 'failed' : 'untried';
}

/** The help a learner took on an exercise, as the grid's cell shows it: a marker for the solution, the rest in its tooltip. */
export interface CellHelp {
  solutionSeen: boolean;
  /** Passed, first after looking at the solution (the pass counts; it is marked). */
  passedAfterSolution: boolean;
  /** For the tooltip: "2 hints opened; solution seen at 14:05, passed after it"; empty when no help was taken. */
  note: string;
}

export function cellHelp(cell: GridCell, clockOf: (at: number) => string | null = clock): CellHelp {
  const after = passedAfterSolution(cell.passedAt, cell.solutionShownAt);
  const parts: string[] = [];
  if (cell.hintsUsed > 0) parts.push(`${cell.hintsUsed} ${cell.hintsUsed === 1 ? 'hint' : 'hints'} opened`);
  if (cell.solutionShownAt !== null) {
    const at = clockOf(cell.solutionShownAt);
    parts.push(`solution seen${at ? ` at ${at}` : ''}${after ? ', passed after it' : cell.passedAt !== null ? ', after passing' : ''}`);
  }
  return { solutionSeen: cell.solutionShownAt !== null, passedAfterSolution: after, note: parts.join('; ') };
}

export function matchesFilter(row: GridRow, filter: RowFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'stuck':
      return row.stuck.length > 0;
    case 'idle':
      return row.status === 'idle';
    case 'offline':
      return row.status === 'offline';
  }
}

export function filterCounts(rows: GridRow[]): Record<RowFilter, number> {
  return {
    all: rows.length,
    stuck: rows.filter((r) => matchesFilter(r, 'stuck')).length,
    idle: rows.filter((r) => matchesFilter(r, 'idle')).length,
    offline: rows.filter((r) => matchesFilter(r, 'offline')).length,
  };
}

const byName = (a: GridRow, b: GridRow): number => a.displayName.localeCompare(b.displayName, undefined, { sensitivity: 'base' }) || a.learnerId.localeCompare(b.learnerId);

/** Filtered by state and name (case-insensitive substring), then sorted; name breaks ties so rows do not jump between updates. */
export function visibleRows(rows: GridRow[], options: { filter: RowFilter; search: string; sort: RowSort }): GridRow[] {
  const needle = options.search.trim().toLocaleLowerCase();
  const kept = rows.filter((r) => matchesFilter(r, options.filter) && (!needle || r.displayName.toLocaleLowerCase().includes(needle)));
  const compare: Record<RowSort, (a: GridRow, b: GridRow) => number> = {
    name: byName,
    // Most solved first; among equals, fewer failures (attempts on unsolved exercises) first.
    progress: (a, b) => b.solved - a.solved || failures(a) - failures(b) || byName(a, b),
    activity: (a, b) => b.lastActivityAt - a.lastActivityAt || byName(a, b),
  };
  return [...kept].sort(compare[options.sort]);
}

const failures = (row: GridRow): number => row.cells.reduce((sum, c) => sum + (c.passedAt === null ? c.attempts : 0), 0);

export interface ClassTotals {
  joined: number;
  connected: number;
  stuck: number;
  idle: number;
  /** Passed cells over all cells, 0–100 (0 when there are none). */
  percentSolved: number;
  /** Per column: how many learners passed it. */
  passedPerColumn: number[];
}

export function classTotals(grid: ClassGrid): ClassTotals {
  const passedPerColumn = grid.columns.map((_, i) => grid.rows.filter((r) => r.cells[i]?.passedAt != null).length);
  const cells = grid.rows.length * grid.columns.length;
  const passed = passedPerColumn.reduce((a, b) => a + b, 0);
  return {
    joined: grid.rows.length,
    connected: grid.rows.filter((r) => r.status !== 'offline').length,
    stuck: grid.rows.filter((r) => r.stuck.length > 0).length,
    idle: grid.rows.filter((r) => r.status === 'idle').length,
    percentSolved: cells === 0 ? 0 : Math.round((passed / cells) * 100),
    passedPerColumn,
  };
}

/** "just now", "4 min ago", "2 h ago" */
export function ago(then: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60 ? `${minutes % 60} min ` : ''}ago`;
}

/** "54 min left", "1 h 05 min left", "ended" */
export function timeLeft(endsAt: number, now: number): string {
  const minutes = Math.ceil((endsAt - now) / 60_000);
  if (minutes <= 0) return 'ended';
  if (minutes < 60) return `${minutes} min left`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min left`;
}

/** Local clock time, "14:05". */
export function clock(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
