import type { LoadedLesson } from '../../lib/lesson-format/loader';
import { isClassOpen, type ClassMember, type ClassRecord, type MemberExerciseHelp, type MemberExerciseProgress } from '../../lib/store/classes';
import type { ClassGrid, ClassroomSettings, GridCell, GridColumn, GridRow, LearnerStatus } from '../../protocol/http';

/**
 * The instructor's live grid: learners × the class's exercises. One function
 * (classGridSnapshot) builds the whole snapshot, so the dashboard's first
 * render and every Server-Sent update come from the same code and agree.
 * Everything here is plain data (JSON-safe) because it crosses to the browser
 * (its shapes are protocol/http's ClassGridSchema, which the dashboard parses).
 */

/** What the sandbox side knows about a learner's terminals (SessionManager.connectionState). */
export interface ConnectionState {
  /** Open terminal WebSockets, over all of the learner's sandboxes. */
  sockets: number;
  /** Last keystroke into any of their terminals since this server started, or null. */
  lastInputAt: number | null;
}

export const DEFAULT_CLASSROOM_SETTINGS: ClassroomSettings = { stuckAfterFailures: 3, idleAfterMinutes: 5 };

export interface LessonOutline {
  id: string;
  title: string;
  exercises: { id: string; title: string }[];
}

/** A lesson's title and exercises, or null when it is missing or has errors. */
export function outlineOf(entry: LoadedLesson | null): LessonOutline | null {
  if (!entry?.ok) return null;
  return {
    id: entry.id,
    title: entry.lesson.manifest.title,
    exercises: entry.lesson.slides.flatMap((s) => (s.exercise ? [{ id: s.exercise.id, title: s.exercise.title }] : [])),
  };
}

export interface GridInput {
  record: ClassRecord;
  members: ClassMember[];
  progress: MemberExerciseProgress[];
  /** Hints and solutions opened (none when absent). */
  help?: MemberExerciseHelp[];
  lesson(id: string): LessonOutline | null;
  connection(learnerId: string): ConnectionState;
  settings: ClassroomSettings;
  now: number;
}

const cellKey = (learnerId: string, lessonId: string, exerciseId: string): string => `${learnerId}\u0000${lessonId}\u0000${exerciseId}`;

/** Pure: the grid from what the store and the session manager said. */
export function buildClassGrid(input: GridInput): ClassGrid {
  const { record, settings, now } = input;
  const lessons: ClassGrid['lessons'] = [];
  const missingLessons: string[] = [];
  const columns: GridColumn[] = [];
  for (const id of record.lessonIds) {
    const outline = input.lesson(id);
    if (!outline) {
      missingLessons.push(id);
      continue;
    }
    lessons.push({ id, title: outline.title, exerciseCount: outline.exercises.length });
    for (const e of outline.exercises) columns.push({ lessonId: id, exerciseId: e.id, title: e.title });
  }

  const byCell = new Map(input.progress.map((p) => [cellKey(p.learnerId, p.lessonId, p.exerciseId), p]));
  const helpByCell = new Map((input.help ?? []).map((h) => [cellKey(h.learnerId, h.lessonId, h.exerciseId), h]));
  const idleMs = settings.idleAfterMinutes * 60_000;
  const rows = input.members.map((member): GridRow => {
    const connection = input.connection(member.learnerId);
    let lastActivityAt = Math.max(member.joinedAt, connection.lastInputAt ?? 0);
    const stuck: GridRow['stuck'] = [];
    let solved = 0;
    const cells = columns.map((column): GridCell => {
      const key = cellKey(member.learnerId, column.lessonId, column.exerciseId);
      const p = byCell.get(key);
      const h = helpByCell.get(key);
      const help = { hintsUsed: h?.hintsUsed ?? 0, solutionShownAt: h?.solutionShownAt ?? null };
      // Opening a hint or the solution is activity too: the learner is working on the exercise.
      lastActivityAt = Math.max(lastActivityAt, h?.lastHintAt ?? 0, help.solutionShownAt ?? 0);
      if (!p) return { attempts: 0, passedAt: null, lastAttemptAt: null, ...help };
      lastActivityAt = Math.max(lastActivityAt, p.lastAttemptAt);
      if (p.firstPassedAt !== null) solved++;
      else if (p.attempts >= settings.stuckAfterFailures) stuck.push({ lessonId: column.lessonId, exerciseId: column.exerciseId, failures: p.attempts });
      return { attempts: p.attempts, passedAt: p.firstPassedAt, lastAttemptAt: p.lastAttemptAt, ...help };
    });
    const status: LearnerStatus = connection.sockets === 0 ? 'offline' : now - lastActivityAt >= idleMs ? 'idle' : 'active';
    return {
      learnerId: member.learnerId,
      displayName: member.displayName,
      joinedAt: member.joinedAt,
      sockets: connection.sockets,
      lastInputAt: connection.lastInputAt,
      lastActivityAt,
      status,
      stuck,
      solved,
      cells,
    };
  });
  rows.sort((a, b) => a.displayName.localeCompare(b.displayName) || a.joinedAt - b.joinedAt);

  return { class: { ...record, open: isClassOpen(record, now) }, lessons, missingLessons, columns, rows, settings, generatedAt: now };
}

/** Where classGridSnapshot reads from. */
export interface GridSources {
  classes: {
    get(id: string): ClassRecord | null;
    progress(classId: string): { members: ClassMember[]; progress: MemberExerciseProgress[]; help?: MemberExerciseHelp[] };
  };
  lesson(id: string): LessonOutline | null;
  connection(learnerId: string): ConnectionState;
  settings: ClassroomSettings;
}

/** The whole grid of one class now, or null if there is no such class. */
export function classGridSnapshot(sources: GridSources, classId: string, now = Date.now()): ClassGrid | null {
  const record = sources.classes.get(classId);
  if (!record) return null;
  const { members, progress, help } = sources.classes.progress(classId);
  return buildClassGrid({ record, members, progress, help, lesson: (id) => sources.lesson(id), connection: (id) => sources.connection(id), settings: sources.settings, now });
}
