import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LessonLibrary } from './lesson-library';
import { COURSE_FILE, lessonsRoot, readCourseOrder, type LoadedLesson } from './loader';
import { canonicalImageName } from '../image-reference/image-reference';
import { editorLinksIn, editorLinkTarget } from './editor-links';
import { locallyMadeImages, referencedImages } from './image-references';
import type { Lesson, LessonManifest, LessonProblem } from './schema';
import { resolveLessonEnvironment } from './lesson-environment';
import { stepMachineProblems } from './solution-steps';
import { previewPortOf, previewValueOf } from './render';
import { valueProblems } from './value-problems';
import { sampleValues } from './lesson-values';
import { fillText } from '../../protocol/lesson-values';

const LESSON_LINK = /\]\(\/lessons\/([^)#\s/]+)[^)]*\)/g;
/** A lesson's link to the learner's web preview: [text](preview:9090). */
const PREVIEW_LINK = /\]\((preview:[^)\s]*)\)/g;

/** Problems that need the whole course to see: links, prerequisites, undeclared images. */
function courseProblems(lesson: Lesson, known: ReadonlySet<string>, manifestOf: (id: string) => LessonManifest | undefined): LessonProblem[] {
  const problems: LessonProblem[] = [];
  const { manifest, file } = lesson;
  if (manifest.environment !== 'fresh') {
    const { continues } = manifest.environment;
    // A learner reaches a continuing lesson with the earlier one's work in hand only if the course says to do that one first.
    if (known.has(continues) && !manifest.prerequisites.includes(continues)) {
      problems.push({ file, line: 1, message: `environment: continues "${continues}", so list it in prerequisites too` });
    }
    const resolved = resolveLessonEnvironment(manifest, manifestOf);
    if (!resolved.ok) problems.push({ file, line: 1, message: resolved.problem });
  }
  for (const p of manifest.prerequisites) {
    if (!known.has(p)) problems.push({ file, line: 1, message: `prerequisite "${p}" is not a lesson in lessons/` });
    if (p === manifest.id) problems.push({ file, line: 1, message: 'a lesson cannot be its own prerequisite' });
  }
  // Checks and solution steps on a machine the lesson's environment does not have.
  const resolved = resolveLessonEnvironment(manifest, manifestOf);
  const machines = resolved.ok ? resolved.value.machines : manifest.machines;
  for (const slide of lesson.slides) {
    if (!slide.exercise) continue;
    for (const check of slide.exercise.checks) {
      if ((check.machine ?? 1) > machines) problems.push({ file, line: slide.exercise.line, message: `a check reads node${check.machine}, but the lesson has ${machines} machine${machines === 1 ? '' : 's'}` });
    }
    for (const message of stepMachineProblems(slide.exercise.solution, machines)) problems.push({ file, line: slide.exercise.line, message });
  }
  const declared = new Set(manifest.images.map(canonicalImageName));
  const made = new Set<string>(['scratch:latest']);
  const sample = sampleValues(manifest.values);
  for (const slide of lesson.slides) {
    // Read with a sample value in each placeholder: `--name ${{ name }}` is a name, not "${{" and an image "name".
    const texts = [
      ...slide.codeBlocks.map((b) => ({ text: fillText(b.code, sample), line: b.line })),
      ...(slide.exercise ? [{ text: fillText(slide.exercise.solution, sample), line: slide.exercise.line }] : []),
    ];
    for (const { text } of texts) for (const m of locallyMadeImages(text)) made.add(canonicalImageName(m));
    for (const { text, line } of texts) {
      for (const image of referencedImages(text)) {
        const name = canonicalImageName(image);
        if (!declared.has(name) && !made.has(name)) {
          problems.push({ file, line, message: `image "${image}" is used but not declared in the manifest's images (lessons must work offline)` });
        }
      }
    }
    for (const m of slide.body.matchAll(PREVIEW_LINK)) {
      if (previewPortOf(m[1]!) === undefined && previewValueOf(m[1]!) === undefined) problems.push({ file, line: slide.line, message: `link to ${m[1]} names no port: write preview:<1–65535>, e.g. preview:9090` });
    }
    for (const href of [...editorLinksIn(slide.body), ...editorLinksIn(slide.notes ?? '')]) {
      const target = editorLinkTarget(href);
      if (target && !target.ok) problems.push({ file, line: slide.line, message: target.problem });
    }
    for (const m of slide.body.matchAll(LESSON_LINK)) {
      if (!known.has(m[1]!)) problems.push({ file, line: slide.line, message: `link to /lessons/${m[1]} points to no lesson` });
    }
  }
  return problems;
}

function prerequisiteCycles(lessons: Lesson[]): LessonProblem[] {
  const byId = new Map(lessons.map((l) => [l.manifest.id, l]));
  const problems: LessonProblem[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const lesson = byId.get(id)!;
      problems.push({ file: lesson.file, line: 1, message: `prerequisites form a cycle: ${[...path.slice(path.indexOf(id)), id].join(' → ')}` });
      return;
    }
    state.set(id, 'visiting');
    for (const p of byId.get(id)?.manifest.prerequisites ?? []) if (byId.has(p)) visit(p, [...path, id]);
    state.set(id, 'done');
  };
  for (const id of byId.keys()) visit(id, []);
  return problems;
}

/** lessons/course.yaml: every lesson exactly once, none unknown, each after its prerequisites. */
function courseFileProblems(root: string, lessons: LoadedLesson[], good: Lesson[]): LessonProblem[] {
  const file = relative(process.cwd(), join(root, COURSE_FILE)) || COURSE_FILE;
  const order = readCourseOrder(root);
  if (!order) return [];
  if ('error' in order) return [{ file, line: 1, message: order.error }];
  const problems: LessonProblem[] = [];
  const known = new Set(lessons.map((l) => l.id));
  const position = new Map<string, number>();
  order.ids.forEach((id, i) => {
    if (!known.has(id)) problems.push({ file, line: 1, message: `"${id}" is listed but there is no lessons/${id}/lesson.md` });
    if (position.has(id)) problems.push({ file, line: 1, message: `"${id}" is listed twice` });
    else position.set(id, i);
  });
  for (const id of known) if (!position.has(id)) problems.push({ file, line: 1, message: `lesson "${id}" is not listed, so it has no place in the course` });
  for (const lesson of good) {
    for (const p of lesson.manifest.prerequisites) {
      const [at, before] = [position.get(lesson.manifest.id), position.get(p)];
      if (at !== undefined && before !== undefined && before > at) {
        problems.push({ file, line: 1, message: `"${lesson.manifest.id}" comes before its prerequisite "${p}"` });
      }
    }
  }
  return problems;
}

/** Every problem in the course, parse errors included, sorted by file and line. */
export function lintCourse(root = lessonsRoot()): { lessons: LoadedLesson[]; problems: LessonProblem[] } {
  // A library of its own: lint reads every file once, as it is now, and keeps nothing.
  const lessons = new LessonLibrary(root).all();
  const known = new Set(lessons.map((l) => l.id));
  const problems: LessonProblem[] = [];
  const good: Lesson[] = [];
  const manifests = new Map(lessons.flatMap((l) => (l.ok ? [[l.id, l.lesson.manifest] as const] : [])));
  for (const entry of lessons) {
    if (!entry.ok) problems.push(...entry.problems);
    else {
      good.push(entry.lesson);
      problems.push(...courseProblems(entry.lesson, known, (id) => manifests.get(id)));
      problems.push(...valueProblems(readFileSync(join(root, entry.id, 'lesson.md'), 'utf8'), entry.lesson));
    }
  }
  problems.push(...prerequisiteCycles(good));
  problems.push(...courseFileProblems(root, lessons, good));
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { lessons, problems };
}
