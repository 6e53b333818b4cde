import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatEnvironment } from '../../protocol/environment';
import { resolveLessonEnvironment, type LessonEnvironment } from './lesson-environment';
import { courseOrder, LESSON_ID, lessonsRoot, listLessonIds, loadLesson, type LoadedLesson } from './loader';

/**
 * The one way in to the lessons: the pages, the grader's API, the classroom
 * and the CLIs all read them here, through one cache, so the page a learner
 * sees and the exercise the grader grades are the same version of lesson.md.
 * A lesson is read again when its file changes (an author editing while the
 * server runs), and a lesson folder added or removed shows at the next call.
 */
export class LessonLibrary {
  /** Lesson id → the parsed lesson and the file version it was parsed from. */
  private readonly cache = new Map<string, { version: string; entry: LoadedLesson }>();

  constructor(readonly root: string) {}

  /** Lesson folder names, sorted (generateStaticParams, lint). */
  ids(): string[] {
    return listLessonIds(this.root);
  }

  /** One lesson, as its file is now; a malformed lesson comes back as its problems; null when there is no such lesson. */
  get(id: string): LoadedLesson | null {
    if (!LESSON_ID.test(id)) return null;
    const version = fileVersion(join(this.root, id, 'lesson.md'));
    if (version === null) {
      this.cache.delete(id);
      return null;
    }
    const hit = this.cache.get(id);
    if (hit?.version === version) return hit.entry;
    const entry = loadLesson(id, this.root);
    if (!entry) return null;
    this.cache.set(id, { version, entry });
    return entry;
  }

  /** Every lesson, by id. */
  all(): LoadedLesson[] {
    return this.ids().flatMap((id) => this.get(id) ?? []);
  }

  /**
   * The environment lesson `id` runs in (lesson-environment.ts). A chain that
   * does not resolve (lint reports it) gives the lesson a fresh environment
   * of its own: a broken declaration never shares another lesson's sandbox.
   */
  environmentOf(id: string): LessonEnvironment | undefined {
    const entry = this.get(id);
    if (!entry?.ok) return undefined;
    const { manifest } = entry.lesson;
    const manifestOf = (other: string) => {
      const found = this.get(other);
      return found?.ok ? found.lesson.manifest : undefined;
    };
    const resolved = resolveLessonEnvironment(manifest, manifestOf);
    if (resolved.ok) return resolved.value;
    return { environment: formatEnvironment({ profile: manifest.profile, name: manifest.id }), startedBy: manifest.id, machines: manifest.machines };
  }

  /** Every lesson in the order of lessons/course.yaml (the catalogue). */
  inCourseOrder(): LoadedLesson[] {
    return courseOrder(this.all(), this.root);
  }
}

/** What identifies one content of a file without reading it: a change of time, size or inode (a file replaced by rename) is a new version. */
function fileVersion(path: string): string | null {
  try {
    const stat = statSync(/*turbopackIgnore: true*/ path, { bigint: true });
    return `${stat.mtimeNs}:${stat.size}:${stat.ino}`;
  } catch {
    return null;
  }
}

/**
 * The shared library for a lessons folder (default: lessonsRoot()). It lives
 * on globalThis because Next.js bundles the pages apart from the custom
 * server: a module-level instance would be one copy per bundle, each with its
 * own cache, but the process (and so globalThis) is one.
 */
const KEY = Symbol.for('drydock.lessons');
type WithLessons = typeof globalThis & { [KEY]?: Map<string, LessonLibrary> };

export function lessons(root = lessonsRoot()): LessonLibrary {
  const libraries = ((globalThis as WithLessons)[KEY] ??= new Map());
  const path = resolve(root);
  let library = libraries.get(path);
  if (!library) libraries.set(path, (library = new LessonLibrary(path)));
  return library;
}
