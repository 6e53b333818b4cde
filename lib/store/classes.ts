import { randomInt } from 'node:crypto';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { isJoinCode, JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, normalizeJoinCode } from '../../protocol/http/classroom';

// Join codes are read aloud and copied from a projector: six characters from
// an alphabet without 0/O and 1/I (32 symbols, about a billion codes). Their
// rules and the class-id rule are the browser's too: one definition, in protocol/.
export { CLASS_ID, isJoinCode, JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, normalizeJoinCode } from '../../protocol/http/classroom';

/** Class ids appear in URLs (/class/<id>); random, so a class cannot be found by counting. Matches CLASS_ID. */
const CLASS_ID_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';

export function randomJoinCode(): string {
  return Array.from({ length: JOIN_CODE_LENGTH }, () => JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)]).join('');
}

function randomClassId(): string {
  return Array.from({ length: 12 }, () => CLASS_ID_ALPHABET[randomInt(CLASS_ID_ALPHABET.length)]).join('');
}

export interface ClassRecord {
  id: string;
  name: string;
  joinCode: string;
  /** In teaching order. */
  lessonIds: string[];
  createdAt: number;
  endsAt: number;
  /** Set when the instructor ends the class early; null otherwise. */
  endedAt: number | null;
  expectedLearners: number;
}

export interface ClassMember {
  classId: string;
  learnerId: string;
  displayName: string;
  joinedAt: number;
}

/** A member's standing on one exercise of the class (only exercises they attempted). */
export interface MemberExerciseProgress {
  learnerId: string;
  lessonId: string;
  exerciseId: string;
  attempts: number;
  firstPassedAt: number | null;
  lastAttemptAt: number;
}

/** The help a member took on one exercise of the class (only exercises where they opened a hint or the solution). */
export interface MemberExerciseHelp {
  learnerId: string;
  lessonId: string;
  exerciseId: string;
  hintsUsed: number;
  lastHintAt: number | null;
  solutionShownAt: number | null;
}

export interface NewClass {
  name: string;
  lessonIds: string[];
  durationMinutes: number;
  expectedLearners: number;
}

export type JoinResult =
  | { ok: true; class: ClassRecord; member: ClassMember; resumed: boolean }
  | { ok: false; reason: 'unknown-code' | 'ended' };

/** Open: not ended by the instructor and not past its end time. */
export function isClassOpen(record: ClassRecord, now = Date.now()): boolean {
  return record.endedAt === null && record.endsAt > now;
}

interface ClassRow {
  id: string;
  name: string;
  join_code: string;
  lesson_ids: string;
  created_at: number;
  ends_at: number;
  ended_at: number | null;
  expected_learners: number;
}

interface MemberRow {
  class_id: string;
  learner_id: string;
  display_name: string;
  joined_at: number;
}

const LessonIds = z.array(z.string());

function toRecord(row: ClassRow): ClassRecord {
  return {
    id: row.id,
    name: row.name,
    joinCode: row.join_code,
    lessonIds: LessonIds.parse(JSON.parse(row.lesson_ids)),
    createdAt: row.created_at,
    endsAt: row.ends_at,
    endedAt: row.ended_at,
    expectedLearners: row.expected_learners,
  };
}

const toMember = (row: MemberRow): ClassMember => ({ classId: row.class_id, learnerId: row.learner_id, displayName: row.display_name, joinedAt: row.joined_at });

const CLASS_COLUMNS = 'id, name, join_code, lesson_ids, created_at, ends_at, ended_at, expected_learners';
const OPEN = 'ended_at IS NULL AND ends_at > @now';
const MAX_CODE_TRIES = 20;

/**
 * Instructor-led classes: a class is a named list of lessons with a join code
 * and an end time; learners join it with the code (once per learner: joining
 * again only updates the display name). Inputs are validated by the caller
 * (the HTTP layer, with zod); this layer enforces what the schema cannot:
 * codes unique among open classes, and joining open classes only.
 */
export class ClassesRepository {
  private readonly insertClass;
  private readonly byId;
  private readonly openByCode;
  private readonly latestByCode;
  private readonly openCodeTaken;
  private readonly all;
  private readonly upsertMember;
  private readonly oneMember;
  private readonly allMembers;
  private readonly classesOfLearner;
  private readonly memberProgress;
  private readonly memberHelp;
  private readonly markEnded;

  constructor(
    private readonly db: Database.Database,
    private readonly newCode: () => string = randomJoinCode,
    private readonly newId: () => string = randomClassId,
  ) {
    this.insertClass = db.prepare(
      `INSERT INTO classes (${CLASS_COLUMNS}) VALUES (@id, @name, @joinCode, @lessonIds, @createdAt, @endsAt, NULL, @expectedLearners)`,
    );
    this.byId = db.prepare<[string], ClassRow>(`SELECT ${CLASS_COLUMNS} FROM classes WHERE id = ?`);
    this.openByCode = db.prepare<{ code: string; now: number }, ClassRow>(
      `SELECT ${CLASS_COLUMNS} FROM classes WHERE join_code = @code AND ${OPEN} ORDER BY created_at DESC LIMIT 1`,
    );
    this.latestByCode = db.prepare<[string], ClassRow>(`SELECT ${CLASS_COLUMNS} FROM classes WHERE join_code = ? ORDER BY created_at DESC LIMIT 1`);
    this.openCodeTaken = db.prepare<{ code: string; now: number }, { n: number }>(`SELECT count(*) AS n FROM classes WHERE join_code = @code AND ${OPEN}`);
    this.all = db.prepare<[], ClassRow>(`SELECT ${CLASS_COLUMNS} FROM classes ORDER BY created_at DESC, id`);
    this.upsertMember = db.prepare(
      `INSERT INTO class_members (class_id, learner_id, display_name, joined_at) VALUES (@classId, @learnerId, @displayName, @now)
       ON CONFLICT (class_id, learner_id) DO UPDATE SET display_name = excluded.display_name`,
    );
    this.oneMember = db.prepare<[string, string], MemberRow>('SELECT class_id, learner_id, display_name, joined_at FROM class_members WHERE class_id = ? AND learner_id = ?');
    this.allMembers = db.prepare<[string], MemberRow>(
      'SELECT class_id, learner_id, display_name, joined_at FROM class_members WHERE class_id = ? ORDER BY joined_at, learner_id',
    );
    this.classesOfLearner = db.prepare<{ learnerId: string; now: number }, ClassRow>(
      `SELECT ${CLASS_COLUMNS.split(', ').map((c) => `c.${c}`).join(', ')} FROM classes c JOIN class_members m ON m.class_id = c.id
       WHERE m.learner_id = @learnerId AND c.ended_at IS NULL AND c.ends_at > @now ORDER BY m.joined_at DESC`,
    );
    this.markEnded = db.prepare<{ id: string; now: number }>('UPDATE classes SET ended_at = @now WHERE id = @id AND ended_at IS NULL');
    // Every member's progress on the class's lessons in one statement: the grid's data.
    this.memberProgress = db.prepare<[string], { learner_id: string; lesson_id: string; exercise_id: string; attempts: number; first_passed_at: number | null; last_attempt_at: number }>(
      `SELECT p.learner_id, p.lesson_id, p.exercise_id, p.attempts, p.first_passed_at, p.last_attempt_at
       FROM class_members m
       JOIN classes c ON c.id = m.class_id
       JOIN exercise_progress p ON p.learner_id = m.learner_id AND p.lesson_id IN (SELECT value FROM json_each(c.lesson_ids))
       WHERE m.class_id = ?`,
    );
    this.memberHelp = db.prepare<[string], { learner_id: string; lesson_id: string; exercise_id: string; hints_used: number | null; last_hint_at: number | null; shown_at: number | null }>(
      `SELECT k.learner_id, k.lesson_id, k.exercise_id, h.hints_used, h.last_hint_at, s.shown_at
       FROM class_members m
       JOIN classes c ON c.id = m.class_id
       JOIN (SELECT learner_id, lesson_id, exercise_id FROM hint_reveals UNION SELECT learner_id, lesson_id, exercise_id FROM solution_views) k
         ON k.learner_id = m.learner_id AND k.lesson_id IN (SELECT value FROM json_each(c.lesson_ids))
       LEFT JOIN hint_reveals h ON h.learner_id = k.learner_id AND h.lesson_id = k.lesson_id AND h.exercise_id = k.exercise_id
       LEFT JOIN solution_views s ON s.learner_id = k.learner_id AND s.lesson_id = k.lesson_id AND s.exercise_id = k.exercise_id
       WHERE m.class_id = ?`,
    );
  }

  /** Creates a class that ends `durationMinutes` from now, with a join code no other open class has. */
  create(input: NewClass, now = Date.now()): ClassRecord {
    return this.db.transaction((): ClassRecord => {
      let joinCode: string | undefined;
      for (let i = 0; i < MAX_CODE_TRIES && !joinCode; i++) {
        const candidate = this.newCode();
        if (!isJoinCode(candidate)) throw new Error(`join code generator made "${candidate}", which is not a join code`);
        if (this.openCodeTaken.get({ code: candidate, now })!.n === 0) joinCode = candidate;
      }
      if (!joinCode) throw new Error(`no free join code after ${MAX_CODE_TRIES} tries`);
      const record: ClassRecord = {
        id: this.newId(),
        name: input.name,
        joinCode,
        lessonIds: [...input.lessonIds],
        createdAt: now,
        endsAt: now + input.durationMinutes * 60_000,
        endedAt: null,
        expectedLearners: input.expectedLearners,
      };
      this.insertClass.run({ ...record, lessonIds: JSON.stringify(record.lessonIds) });
      return record;
      // IMMEDIATE: two instructors creating classes at once cannot both take the same free code.
    }).immediate();
  }

  get(id: string): ClassRecord | null {
    const row = this.byId.get(id);
    return row ? toRecord(row) : null;
  }

  /** Every class, newest first. */
  list(): ClassRecord[] {
    return this.all.all().map(toRecord);
  }

  findOpenByCode(code: string, now = Date.now()): ClassRecord | null {
    const row = this.openByCode.get({ code: normalizeJoinCode(code), now });
    return row ? toRecord(row) : null;
  }

  /**
   * Joins the learner to the open class with this code. Joining again (same
   * learner) resumes: the membership and its joined_at are kept, only the
   * display name is updated.
   */
  join(input: { code: string; learnerId: string; displayName: string }, now = Date.now()): JoinResult {
    const code = normalizeJoinCode(input.code);
    return this.db.transaction((): JoinResult => {
      const open = this.openByCode.get({ code, now });
      if (!open) return { ok: false, reason: this.latestByCode.get(code) ? 'ended' : 'unknown-code' };
      const before = this.oneMember.get(open.id, input.learnerId);
      this.upsertMember.run({ classId: open.id, learnerId: input.learnerId, displayName: input.displayName, now });
      return { ok: true, class: toRecord(open), member: toMember(this.oneMember.get(open.id, input.learnerId)!), resumed: before !== undefined };
    }).immediate();
  }

  member(classId: string, learnerId: string): ClassMember | null {
    const row = this.oneMember.get(classId, learnerId);
    return row ? toMember(row) : null;
  }

  /** Members in the order they joined. */
  members(classId: string): ClassMember[] {
    return this.allMembers.all(classId).map(toMember);
  }

  /** The open classes this learner is in, most recently joined first. */
  openClassesOf(learnerId: string, now = Date.now()): ClassRecord[] {
    return this.classesOfLearner.all({ learnerId, now }).map(toRecord);
  }

  /** Ends the class now (idempotent: the first end time is kept); returns the record as it is afterwards. */
  end(id: string, now = Date.now()): ClassRecord | null {
    this.markEnded.run({ id, now });
    return this.get(id);
  }

  /** Members, their progress and the help they took on the class's lessons, read in one transaction so all agree. */
  progress(classId: string): { members: ClassMember[]; progress: MemberExerciseProgress[]; help: MemberExerciseHelp[] } {
    return this.db.transaction(() => ({
      members: this.members(classId),
      progress: this.memberProgress.all(classId).map((r) => ({
        learnerId: r.learner_id,
        lessonId: r.lesson_id,
        exerciseId: r.exercise_id,
        attempts: r.attempts,
        firstPassedAt: r.first_passed_at,
        lastAttemptAt: r.last_attempt_at,
      })),
      help: this.memberHelp.all(classId).map((r) => ({
        learnerId: r.learner_id,
        lessonId: r.lesson_id,
        exerciseId: r.exercise_id,
        hintsUsed: r.hints_used ?? 0,
        lastHintAt: r.last_hint_at,
        solutionShownAt: r.shown_at,
      })),
    }))();
  }
}
