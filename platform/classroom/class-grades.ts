import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lessons } from '../../lib/lesson-format/lesson-library';
import type { Store } from '../../lib/store';
import type { ClassRecord } from '../../lib/store/classes';
import { classGradesToCsv, classGradesToJson, type ClassGradeRow } from '../../lib/store/grade-export';
import { exerciseKey } from '../../lib/store/progress';
import { passedAfterSolution } from '../../protocol/http/check';

export type ExportFormat = 'csv' | 'json';

export interface ExportFile {
  filename: string;
  body: string;
}

/** Every member × every exercise of the class's lessons, tried or not, with display names. */
export function classGrades(store: Store, classId: string): { record: ClassRecord; rows: ClassGradeRow[] } | null {
  const record = store.classes.get(classId);
  if (!record) return null;
  const { members, progress, help } = store.classes.progress(classId);
  const byKey = new Map(progress.map((p) => [exerciseKey(p.learnerId, p.lessonId, p.exerciseId), p]));
  const helpByKey = new Map(help.map((h) => [exerciseKey(h.learnerId, h.lessonId, h.exerciseId), h]));
  const exercises = record.lessonIds.flatMap((lessonId) => {
    const entry = lessons().get(lessonId);
    return entry?.ok ? entry.lesson.slides.flatMap((s) => (s.exercise ? [{ lessonId, exerciseId: s.exercise.id }] : [])) : [];
  });
  const rows = members.flatMap((m) =>
    exercises.map(({ lessonId, exerciseId }) => {
      const key = exerciseKey(m.learnerId, lessonId, exerciseId);
      const p = byKey.get(key);
      const h = helpByKey.get(key);
      const firstPassedAt = p?.firstPassedAt ?? null;
      const solutionShownAt = h?.solutionShownAt ?? null;
      return {
        learnerId: m.learnerId,
        displayName: m.displayName,
        lessonId,
        exerciseId,
        passed: firstPassedAt !== null,
        attempts: p?.attempts ?? 0,
        firstPassedAt,
        lastAttemptAt: p?.lastAttemptAt ?? null,
        solutionShownAt,
        hintsUsed: h?.hintsUsed ?? 0,
        passedAfterSolution: passedAfterSolution(firstPassedAt, solutionShownAt),
      };
    }),
  );
  return { record, rows };
}

/** The grades in several formats from one read, under one timestamp. */
export function classExportFiles(store: Store, classId: string, formats: readonly ExportFormat[], now: number): ExportFile[] | null {
  const grades = classGrades(store, classId);
  if (!grades) return null;
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  return formats.map((format) => ({
    filename: `class-${slug(grades.record.name)}-${stamp}.${format}`,
    body: format === 'csv' ? classGradesToCsv(grades.record.name, grades.rows) : classGradesToJson({ id: classId, name: grades.record.name, exportedAt: now }, grades.rows),
  }));
}

/** Writes the class's grades (CSV and JSON) into `folder`, readable by the server's user only. */
export function writeClassExports(store: Store, classId: string, folder: string, now = Date.now()): void {
  mkdirSync(folder, { recursive: true });
  for (const file of classExportFiles(store, classId, ['csv', 'json'], now) ?? []) {
    writeFileSync(join(folder, file.filename), file.body, { mode: 0o600 });
  }
}

const slug = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40) || 'class';
