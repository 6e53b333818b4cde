import { statSync } from 'node:fs';
import { join } from 'node:path';
import { lessonsRoot, loadLesson, type LoadedLesson } from './loader';

/** Lessons for the API, re-read when their file changes (an author editing while the server runs). */
export class LessonCache {
  private readonly cache = new Map<string, { mtimeMs: number; entry: LoadedLesson | null }>();

  get(id: string): LoadedLesson | null {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(join(lessonsRoot(), id, 'lesson.md')).mtimeMs;
    } catch {
      return null;
    }
    const hit = this.cache.get(id);
    if (hit && hit.mtimeMs === mtimeMs) return hit.entry;
    const entry = loadLesson(id);
    this.cache.set(id, { mtimeMs, entry });
    return entry;
  }
}
