import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClassGrid, GridCell, GridRow } from '../../protocol/http/classroom';
import { ago, cellHelp, cellState, classTotals, filterCounts, timeLeft, visibleRows } from './dashboard-model';

const row = (name: string, over: Partial<GridRow> = {}): GridRow => ({
  learnerId: name.toLowerCase(),
  displayName: name,
  joinedAt: 0,
  sockets: 1,
  lastInputAt: null,
  lastActivityAt: 0,
  status: 'active',
  stuck: [],
  solved: 0,
  cells: [],
  ...over,
});

const cell = (over: Partial<GridCell> = {}): GridCell => ({ attempts: 0, passedAt: null, lastAttemptAt: null, hintsUsed: 0, solutionShownAt: null, ...over });
const untried = cell();
const rows = [
  row('bob', { solved: 2, lastActivityAt: 50, status: 'idle' }),
  row('Ann', { solved: 2, lastActivityAt: 10, cells: [cell({ attempts: 4, passedAt: null, lastAttemptAt: 9 })], stuck: [{ lessonId: 'l', exerciseId: 'e', failures: 4 }] }),
  row('Cat', { solved: 3, lastActivityAt: 30, status: 'offline', sockets: 0 }),
  row('dan', { solved: 0, lastActivityAt: 40 }),
];
const names = (r: GridRow[]) => r.map((x) => x.displayName);

describe('dashboard model', () => {
  test('cell states', () => {
    assert.equal(cellState(untried), 'untried');
    assert.equal(cellState(cell({ attempts: 2, passedAt: null, lastAttemptAt: 5 })), 'failed');
    assert.equal(cellState(cell({ attempts: 2, passedAt: 5, lastAttemptAt: 5 })), 'passed');
  });

  test('cell help: the solution marked, hints and the order of pass and look in the note', () => {
    const at = (ms: number) => `t${ms}`;
    assert.deepEqual(cellHelp(untried, at), { solutionSeen: false, passedAfterSolution: false, note: '' });
    assert.deepEqual(cellHelp(cell({ hintsUsed: 1 }), at), { solutionSeen: false, passedAfterSolution: false, note: '1 hint opened' });
    assert.deepEqual(cellHelp(cell({ hintsUsed: 2, solutionShownAt: 5 }), at), { solutionSeen: true, passedAfterSolution: false, note: '2 hints opened; solution seen at t5' });
    assert.deepEqual(cellHelp(cell({ attempts: 3, passedAt: 9, lastAttemptAt: 9, solutionShownAt: 5 }), at), {
      solutionSeen: true,
      passedAfterSolution: true,
      note: 'solution seen at t5, passed after it',
    });
    assert.deepEqual(cellHelp(cell({ attempts: 1, passedAt: 4, lastAttemptAt: 4, solutionShownAt: 5 }), at).note, 'solution seen at t5, after passing');
    assert.equal(cellHelp(cell({ solutionShownAt: 5 }), () => null).note, 'solution seen', 'no clock before the page has hydrated');
  });

  test('filters and their counts', () => {
    assert.deepEqual(filterCounts(rows), { all: 4, stuck: 1, idle: 1, offline: 1 });
    assert.deepEqual(names(visibleRows(rows, { filter: 'stuck', search: '', sort: 'name' })), ['Ann']);
    assert.deepEqual(names(visibleRows(rows, { filter: 'idle', search: '', sort: 'name' })), ['bob']);
    assert.deepEqual(names(visibleRows(rows, { filter: 'offline', search: '', sort: 'name' })), ['Cat']);
  });

  test('search is a case-insensitive substring of the name; combined with a filter', () => {
    assert.deepEqual(names(visibleRows(rows, { filter: 'all', search: ' AN ', sort: 'name' })), ['Ann', 'dan']);
    assert.deepEqual(names(visibleRows(rows, { filter: 'stuck', search: 'dan', sort: 'name' })), []);
  });

  test('sorting: name (case-insensitive), progress (solved, then fewer failures), last activity', () => {
    assert.deepEqual(names(visibleRows(rows, { filter: 'all', search: '', sort: 'name' })), ['Ann', 'bob', 'Cat', 'dan']);
    assert.deepEqual(names(visibleRows(rows, { filter: 'all', search: '', sort: 'progress' })), ['Cat', 'bob', 'Ann', 'dan']);
    assert.deepEqual(names(visibleRows(rows, { filter: 'all', search: '', sort: 'activity' })), ['bob', 'dan', 'Cat', 'Ann']);
  });

  test('totals: joined, connected, stuck, idle, solved share and per-column passes', () => {
    const grid = {
      columns: [
        { lessonId: 'l', exerciseId: 'a', title: 'A' },
        { lessonId: 'l', exerciseId: 'b', title: 'B' },
      ],
      rows: [
        row('x', { cells: [cell({ attempts: 1, passedAt: 1, lastAttemptAt: 1 }), untried] }),
        row('y', { status: 'offline', cells: [cell({ attempts: 1, passedAt: 1, lastAttemptAt: 1 }), cell({ attempts: 1, passedAt: 2, lastAttemptAt: 2 })] }),
      ],
    } as unknown as ClassGrid;
    assert.deepEqual(classTotals(grid), { joined: 2, connected: 1, stuck: 0, idle: 0, percentSolved: 75, passedPerColumn: [2, 1] });
    assert.equal(classTotals({ ...grid, rows: [] }).percentSolved, 0);
  });

  test('relative times', () => {
    assert.equal(ago(0, 30_000), 'just now');
    assert.equal(ago(0, 4 * 60_000), '4 min ago');
    assert.equal(ago(0, 125 * 60_000), '2 h 5 min ago');
    assert.equal(ago(0, 120 * 60_000), '2 h ago');
    assert.equal(timeLeft(60 * 60_000, 0), '1 h 00 min left');
    assert.equal(timeLeft(54 * 60_000 - 1, 0), '54 min left');
    assert.equal(timeLeft(0, 0), 'ended');
  });
});
