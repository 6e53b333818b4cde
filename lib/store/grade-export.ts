import type { GradeRow } from './progress';

const COLUMNS = ['learner', 'lesson', 'exercise', 'passed', 'attempts', 'first_passed_at', 'last_attempt_at'] as const;

const iso = (ms: number | null): string => (ms == null ? '' : new Date(ms).toISOString());

/** RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Grades as CSV, one row per learner and exercise, times in ISO 8601 (UTC). */
export function gradesToCsv(rows: GradeRow[]): string {
  const lines = rows.map((r) =>
    [r.learnerId, r.lessonId, r.exerciseId, r.passed ? 'yes' : 'no', String(r.attempts), iso(r.firstPassedAt), iso(r.lastAttemptAt)].map(csvField).join(','),
  );
  return `${[COLUMNS.join(','), ...lines].join('\r\n')}\r\n`;
}

/** Grades as JSON: the same rows, times in ISO 8601. */
export function gradesToJson(rows: GradeRow[]): string {
  return `${JSON.stringify(
    rows.map((r) => ({ ...r, firstPassedAt: iso(r.firstPassedAt) || null, lastAttemptAt: iso(r.lastAttemptAt) })),
    null,
    2,
  )}\n`;
}
