import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseLesson } from './parse';
import type { Lesson, LessonProblem } from './schema';

/** Where lessons live; tests point this elsewhere with DRYDOCK_LESSONS_DIR. */
export function lessonsRoot(): string {
  // The turbopackIgnore hint stops Next's file tracer from pulling the whole project into the build.
  return process.env.DRYDOCK_LESSONS_DIR ?? join(/*turbopackIgnore: true*/ process.cwd(), 'lessons');
}

export type LoadedLesson = { id: string; ok: true; lesson: Lesson } | { id: string; ok: false; problems: LessonProblem[] };

/** A lesson folder's name is its id. */
export const LESSON_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Lesson folder names, sorted. Folders that are not lesson ids (README, assets) are skipped. */
export function listLessonIds(root = lessonsRoot()): string[] {
  if (!existsSync(/*turbopackIgnore: true*/ root)) return [];
  return readdirSync(/*turbopackIgnore: true*/ root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && LESSON_ID.test(d.name) && existsSync(join(root, d.name, 'lesson.md')))
    .map((d) => d.name)
    .sort();
}

/**
 * Reads and parses one lesson, uncached; a malformed lesson comes back as
 * problems, never as a thrown error. Everything else reads lessons through
 * lessons() (lesson-library.ts), which caches this per file version.
 */
export function loadLesson(id: string, root = lessonsRoot()): LoadedLesson | null {
  if (!LESSON_ID.test(id)) return null;
  const path = join(root, id, 'lesson.md');
  if (!existsSync(path)) return null;
  const file = relative(process.cwd(), path) || path;
  const result = parseLesson(readFileSync(path, 'utf8'), file, id);
  return result.ok ? { id, ok: true, lesson: result.lesson } : { id, ok: false, problems: result.problems };
}

export const COURSE_FILE = 'course.yaml';

const CourseSchema = z.object({ lessons: z.array(z.string()).min(1) }).strict();

/**
 * The course order from lessons/course.yaml: its ids, `null` when there is no
 * such file (lessons are then ordered by id), or what is wrong with it.
 */
export function readCourseOrder(root = lessonsRoot()): { ids: string[] } | { error: string } | null {
  const path = join(root, COURSE_FILE);
  if (!existsSync(path)) return null;
  try {
    const parsed = CourseSchema.safeParse(parseYaml(readFileSync(path, 'utf8')));
    if (!parsed.success) return { error: `${COURSE_FILE} must be "lessons:" followed by a list of lesson ids (${parsed.error.issues[0]?.message})` };
    return { ids: parsed.data.lessons };
  } catch (error) {
    return { error: `${COURSE_FILE} is not valid YAML: ${(error as Error).message.split('\n')[0]}` };
  }
}

/**
 * Catalogue order: as lessons/course.yaml lists them; lessons it does not list
 * follow by id, and lessons that failed to load go last.
 */
export function courseOrder(lessons: LoadedLesson[], root = lessonsRoot()): LoadedLesson[] {
  const order = readCourseOrder(root);
  const rank = new Map(order && 'ids' in order ? order.ids.map((id, i) => [id, i] as const) : []);
  const key = (l: LoadedLesson): [number, number, string] => [l.ok ? 0 : 1, rank.get(l.id) ?? Number.MAX_SAFE_INTEGER, l.id];
  return [...lessons].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    return ka[0] - kb[0] || ka[1] - kb[1] || ka[2].localeCompare(kb[2]);
  });
}
