import { passedAfterSolution } from '../../protocol/http/check';
import type { LessonProgress } from '../../protocol/http/progress';
import type Database from 'better-sqlite3';

// What the store returns is what GET /api/progress sends: the protocol's types.
export type { ExerciseProgress, LessonProgress } from '../../protocol/http/progress';

export interface RecordedAttempt {
  attempt: number;
  /** True once any attempt has passed: a later failing check does not take a pass away. */
  everPassed: boolean;
}

interface ProgressRow {
  lesson_id: string;
  exercise_id: string;
  attempts: number;
  first_passed_at: number | null;
  last_attempt_at: number;
}

/** One row of a grade export: a learner's standing on one exercise. */
export interface GradeRow {
  learnerId: string;
  lessonId: string;
  exerciseId: string;
  attempts: number;
  passed: boolean;
  firstPassedAt: number | null;
  /** Null when the learner only opened hints or the solution and never checked. */
  lastAttemptAt: number | null;
  /** How many of the exercise's hints the learner opened. */
  hintsUsed: number;
  /** When the learner first looked at the solution, or null. */
  solutionShownAt: number | null;
  /** The first pass came after the first look at the solution (it still counts as passed). */
  passedAfterSolution: boolean;
}

/** What help a learner took on one exercise: hints opened and the solution. */
export interface ExerciseHelp {
  hintsUsed: number;
  /** When the learner opened their latest hint, or null. */
  lastHintAt: number | null;
  solutionShownAt: number | null;
}

/** Per-learner progress: graded attempts with their evidence, and where each lesson was left. */
export class ProgressRepository {
  private readonly insertAttempt;
  private readonly upsertProgress;
  private readonly readProgress;
  private readonly readPositions;
  private readonly writePosition;
  private readonly readOne;
  private readonly insertSolutionView;
  private readonly readSolutionView;
  private readonly upsertHint;
  private readonly readHint;

  constructor(private readonly db: Database.Database) {
    this.insertSolutionView = db.prepare('INSERT OR IGNORE INTO solution_views (learner_id, lesson_id, exercise_id, shown_at) VALUES (?, ?, ?, ?)');
    this.readSolutionView = db.prepare<[string, string, string], { shown_at: number }>(
      'SELECT shown_at FROM solution_views WHERE learner_id = ? AND lesson_id = ? AND exercise_id = ?',
    );
    // Hints open in order: the highest number opened is how many were seen. Opening one again changes nothing.
    this.upsertHint = db.prepare(
      `INSERT INTO hint_reveals (learner_id, lesson_id, exercise_id, hints_used, first_hint_at, last_hint_at) VALUES (@learnerId, @lessonId, @exerciseId, @hint, @now, @now)
       ON CONFLICT (learner_id, lesson_id, exercise_id) DO UPDATE SET hints_used = excluded.hints_used, last_hint_at = excluded.last_hint_at
       WHERE excluded.hints_used > hint_reveals.hints_used`,
    );
    this.readHint = db.prepare<[string, string, string], { hints_used: number }>(
      'SELECT hints_used FROM hint_reveals WHERE learner_id = ? AND lesson_id = ? AND exercise_id = ?',
    );
    this.readOne = db.prepare<[string, string, string], ProgressRow>(
      'SELECT lesson_id, exercise_id, attempts, first_passed_at, last_attempt_at FROM exercise_progress WHERE learner_id = ? AND lesson_id = ? AND exercise_id = ?',
    );
    this.insertAttempt = db.prepare(
      `INSERT INTO check_attempts (learner_id, lesson_id, exercise_id, attempt, passed, evidence, duration_ms, created_at)
       VALUES (@learnerId, @lessonId, @exerciseId, @attempt, @passed, @evidence, @durationMs, @now)`,
    );
    this.upsertProgress = db.prepare(
      `INSERT INTO exercise_progress (learner_id, lesson_id, exercise_id, attempts, first_passed_at, last_attempt_at)
       VALUES (@learnerId, @lessonId, @exerciseId, 1, CASE WHEN @passed = 1 THEN @now END, @now)
       ON CONFLICT (learner_id, lesson_id, exercise_id) DO UPDATE SET
         attempts = attempts + 1,
         first_passed_at = COALESCE(first_passed_at, excluded.first_passed_at),
         last_attempt_at = excluded.last_attempt_at`,
    );
    this.readProgress = db.prepare<[string], ProgressRow>(
      'SELECT lesson_id, exercise_id, attempts, first_passed_at, last_attempt_at FROM exercise_progress WHERE learner_id = ?',
    );
    this.readPositions = db.prepare<[string], { lesson_id: string; slide: number }>('SELECT lesson_id, slide FROM lesson_positions WHERE learner_id = ?');
    this.writePosition = db.prepare(
      `INSERT INTO lesson_positions (learner_id, lesson_id, slide, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (learner_id, lesson_id) DO UPDATE SET slide = excluded.slide, updated_at = excluded.updated_at`,
    );
  }

  /** Records one graded attempt and its evidence atomically: either both the attempt and the progress change, or neither. */
  recordAttempt(input: { learnerId: string; lessonId: string; exerciseId: string; passed: boolean; evidence: unknown; durationMs: number; now?: number }): RecordedAttempt {
    const now = input.now ?? Date.now();
    return this.db.transaction((): RecordedAttempt => {
      const before = this.readOne.get(input.learnerId, input.lessonId, input.exerciseId);
      const attempt = (before?.attempts ?? 0) + 1;
      const params = { ...input, attempt, passed: input.passed ? 1 : 0, evidence: JSON.stringify(input.evidence), durationMs: Math.round(input.durationMs), now };
      this.insertAttempt.run(params);
      this.upsertProgress.run(params);
      return { attempt, everPassed: input.passed || before?.first_passed_at != null };
    }).immediate();
  }

  /** Records that the learner looked at an exercise's solution; returns when they first did (a second look changes nothing). */
  showSolution(learnerId: string, lessonId: string, exerciseId: string, now = Date.now()): number {
    this.insertSolutionView.run(learnerId, lessonId, exerciseId, now);
    return this.readSolutionView.get(learnerId, lessonId, exerciseId)!.shown_at;
  }

  /** Records that the learner opened hint number `hint` (1-based); returns how many hints they have opened on the exercise. */
  revealHint(learnerId: string, lessonId: string, exerciseId: string, hint: number, now = Date.now()): number {
    return this.db.transaction(() => {
      this.upsertHint.run({ learnerId, lessonId, exerciseId, hint, now });
      return this.readHint.get(learnerId, lessonId, exerciseId)!.hints_used;
    })();
  }

  setPosition(learnerId: string, lessonId: string, slide: number, now = Date.now()): void {
    this.writePosition.run(learnerId, lessonId, slide, now);
  }

  /** Every learner's standing on every exercise they attempted or took help on, in a stable order (for exports). */
  allGrades(): GradeRow[] {
    const rows = this.db
      .prepare<
        [],
        { learner_id: string; lesson_id: string; exercise_id: string; attempts: number | null; first_passed_at: number | null; last_attempt_at: number | null; hints_used: number | null; shown_at: number | null }
      >(
        `SELECT k.learner_id, k.lesson_id, k.exercise_id, p.attempts, p.first_passed_at, p.last_attempt_at, h.hints_used, s.shown_at
         FROM (SELECT learner_id, lesson_id, exercise_id FROM exercise_progress
               UNION SELECT learner_id, lesson_id, exercise_id FROM hint_reveals
               UNION SELECT learner_id, lesson_id, exercise_id FROM solution_views) k
         LEFT JOIN exercise_progress p USING (learner_id, lesson_id, exercise_id)
         LEFT JOIN hint_reveals h USING (learner_id, lesson_id, exercise_id)
         LEFT JOIN solution_views s USING (learner_id, lesson_id, exercise_id)
         ORDER BY k.learner_id, k.lesson_id, k.exercise_id`,
      )
      .all();
    return rows.map((r) => ({
      learnerId: r.learner_id,
      lessonId: r.lesson_id,
      exerciseId: r.exercise_id,
      attempts: r.attempts ?? 0,
      passed: r.first_passed_at != null,
      firstPassedAt: r.first_passed_at,
      lastAttemptAt: r.last_attempt_at,
      hintsUsed: r.hints_used ?? 0,
      solutionShownAt: r.shown_at,
      passedAfterSolution: passedAfterSolution(r.first_passed_at, r.shown_at),
    }));
  }

  /** The help one learner took on one exercise (the `npm run grade` lines). */
  helpOn(learnerId: string, lessonId: string, exerciseId: string): ExerciseHelp {
    const hint = this.db
      .prepare<[string, string, string], { hints_used: number; last_hint_at: number }>(
        'SELECT hints_used, last_hint_at FROM hint_reveals WHERE learner_id = ? AND lesson_id = ? AND exercise_id = ?',
      )
      .get(learnerId, lessonId, exerciseId);
    return { hintsUsed: hint?.hints_used ?? 0, lastHintAt: hint?.last_hint_at ?? null, solutionShownAt: this.readSolutionView.get(learnerId, lessonId, exerciseId)?.shown_at ?? null };
  }

  /** Everything a learner has done, by lesson. */
  forLearner(learnerId: string): Record<string, LessonProgress> {
    const lessons: Record<string, LessonProgress> = {};
    const lesson = (id: string): LessonProgress => (lessons[id] ??= { exercises: {}, lastSlide: null });
    for (const row of this.readProgress.all(learnerId)) {
      lesson(row.lesson_id).exercises[row.exercise_id] = {
        attempts: row.attempts,
        passed: row.first_passed_at != null,
        firstPassedAt: row.first_passed_at,
        lastAttemptAt: row.last_attempt_at,
      };
    }
    for (const row of this.readPositions.all(learnerId)) lesson(row.lesson_id).lastSlide = row.slide;
    return lessons;
  }
}

/** One (learner, lesson, exercise) as a map key. */
export const exerciseKey = (learnerId: string, lessonId: string, exerciseId: string): string => `${learnerId}\u0000${lessonId}\u0000${exerciseId}`;
