import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseLesson } from './parse';
import type { Lesson, LessonProblem } from './schema';

/** Where lessons live; tests point this elsewhere with DRYDOCK_LESSONS_DIR. */
export function lessonsRoot(): string {
  // The turbopackIgnore hint stops Next's file tracer from pulling the whole project into the build.
  return process.env.DRYDOCK_LESSONS_DIR ?? join(/*turbopackIgnore: true*/ process.cwd(), 'lessons');
}

export type LoadedLesson = { id: string; ok: true; lesson: Lesson } | { id: string; ok: false; problems: LessonProblem[] };

const FOLDER = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Lesson folder names, sorted. Folders that are not lesson ids (README, assets) are skipped. */
export function listLessonIds(root = lessonsRoot()): string[] {
  if (!existsSync(/*turbopackIgnore: true*/ root)) return [];
  return readdirSync(/*turbopackIgnore: true*/ root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && FOLDER.test(d.name) && existsSync(join(root, d.name, 'lesson.md')))
    .map((d) => d.name)
    .sort();
}

/** Loads one lesson; a malformed lesson comes back as problems, never as a thrown error. */
export function loadLesson(id: string, root = lessonsRoot()): LoadedLesson | null {
  if (!FOLDER.test(id)) return null;
  const path = join(root, id, 'lesson.md');
  if (!existsSync(path)) return null;
  const file = relative(process.cwd(), path) || path;
  const result = parseLesson(readFileSync(path, 'utf8'), file, id);
  return result.ok ? { id, ok: true, lesson: result.lesson } : { id, ok: false, problems: result.problems };
}

export function loadAllLessons(root = lessonsRoot()): LoadedLesson[] {
  return listLessonIds(root).map((id) => loadLesson(id, root)!);
}

/** Course order: prerequisites first, then by id. Lessons that failed to load go last. */
export function courseOrder(lessons: LoadedLesson[]): LoadedLesson[] {
  const byId = new Map(lessons.map((l) => [l.id, l]));
  const ordered: LoadedLesson[] = [];
  const seen = new Set<string>();
  const visit = (l: LoadedLesson, stack: Set<string>): void => {
    if (seen.has(l.id) || stack.has(l.id)) return;
    stack.add(l.id);
    if (l.ok) for (const p of l.lesson.manifest.prerequisites) { const dep = byId.get(p); if (dep) visit(dep, stack); }
    seen.add(l.id);
    ordered.push(l);
  };
  for (const l of lessons.filter((x) => x.ok)) visit(l, new Set());
  return [...ordered, ...lessons.filter((l) => !l.ok)];
}
