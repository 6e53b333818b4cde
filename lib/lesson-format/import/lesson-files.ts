import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { lintCourse } from '../lint';
import { COURSE_FILE, LESSON_ID, readCourseOrder } from '../loader';
import type { LessonProblem } from '../schema';
import { DeckImportError } from './deck';

/** A lesson id from a deck's file name: `Docker 101.md` → `docker-101`. */
export function idFromFileName(file: string): string {
  const id = basename(file)
    .replace(/\.(md|markdown|txt)$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!LESSON_ID.test(id)) throw new DeckImportError(`cannot make a lesson id from the file name "${basename(file)}": give one with --id (lowercase letters, digits and dashes)`);
  return id;
}

export function checkId(id: string): void {
  if (!LESSON_ID.test(id)) throw new DeckImportError(`--id "${id}" is not a lesson id: use lowercase letters, digits and dashes (e.g. docker-basics)`);
}

/**
 * The project's own lint on the lesson alone, in a folder of its own (so the
 * rest of the course, and course.yaml, play no part): the problems
 * `npm run lessons:lint` would report for it.
 */
export function lintLessonAlone(id: string, markdown: string): LessonProblem[] {
  const root = mkdtempSync(join(tmpdir(), 'drydock-import-'));
  try {
    mkdirSync(join(root, id));
    writeFileSync(join(root, id, 'lesson.md'), markdown);
    return lintCourse(root).problems;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export interface WriteResult {
  file: string;
  /** The course file the lesson was added to, when it was. */
  addedToCourse?: string;
  /** A course file that does not list the lesson and could not be added to safely. */
  courseNotUpdated?: string;
}

/**
 * Writes lesson.md into `outDir` (whose name must be the id), never over an
 * existing lesson unless `force`. When the folder sits in a lessons root with a
 * course.yaml that does not list the lesson, it is appended there: the lint
 * requires every lesson folder to have its place in the course.
 */
export function writeLesson(outDir: string, id: string, markdown: string, force: boolean): WriteResult {
  const dir = resolve(outDir);
  if (basename(dir) !== id) throw new DeckImportError(`--out ${outDir}: a lesson's folder is named after its id, so it must end in /${id} (or give --id ${basename(dir)})`);
  const file = join(dir, 'lesson.md');
  if (existsSync(file) && !force) throw new DeckImportError(`${file} already exists: not overwriting it (add --force to replace it)`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, markdown);
  const root = dirname(dir);
  const order = readCourseOrder(root);
  if (!order || 'error' in order || order.ids.includes(id)) return { file };
  const course = join(root, COURSE_FILE);
  const text = readFileSync(course, 'utf8');
  const indent = /^(\s*)-\s/m.exec(text)?.[1] ?? '  ';
  writeFileSync(course, `${text.replace(/\n*$/, '\n')}${indent}- ${id}\n`);
  const after = readCourseOrder(root);
  if (after && 'ids' in after && after.ids.includes(id)) return { file, addedToCourse: course };
  // The list was not the file's last entry: leave the file as it was, for the author to place the lesson.
  writeFileSync(course, text);
  return { file, courseNotUpdated: course };
}
