import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { instantiate, sampleValues, type LearnerValues } from './lesson-values';
import { DockerCheckSchema, ExerciseSchema, LessonManifestSchema, ShellCheckSchema, type CiExpectation, type CodeBlock, type CodeMode, type Exercise, type Lesson, type LessonProblem, type Slide } from './schema';

/**
 * The one parser of the lesson format (lessons/README.md). The site, the
 * linter and the grader all read lessons through it, so what an author sees
 * in lint is exactly what learners get.
 */
export type ParseResult = { ok: true; lesson: Lesson } | { ok: false; problems: LessonProblem[] };

const FENCE = /^(\s{0,3})(`{3,}|~{3,})(.*)$/;
const SEPARATOR = /^---\s*$/;
const NOTES = /^\?\?\?\s*$/;
const TITLE = /^#{1,2}\s+(.+?)(?:\s+#+)?\s*$/;

interface RawSlide {
  lines: string[];
  line: number;
}

/** Splits on `---` lines outside code fences; tracks fences so a `---` inside a code block is content. */
function splitSlides(lines: string[], firstLine: number): RawSlide[] {
  const slides: RawSlide[] = [{ lines: [], line: firstLine }];
  let fence: string | null = null;
  lines.forEach((text, i) => {
    const m = FENCE.exec(text);
    if (m) {
      const marker = m[2]!;
      if (fence === null) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length && m[3]!.trim() === '') fence = null;
    }
    if (fence === null && SEPARATOR.test(text)) slides.push({ lines: [], line: firstLine + i + 1 });
    else slides.at(-1)!.lines.push(text);
  });
  return slides;
}

/**
 * A fence's info string: the language, then the words that say how the deck
 * may use the block (`sh run interrupt`). The renderer never reads these
 * words itself; it takes each block from Slide.codeBlocks.
 */
export function parseCodeInfo(info: string): { lang: string; mode: CodeMode; interrupt: boolean; ci: CiExpectation[]; unknown: string[] } {
  const [lang = '', ...words] = info.trim().split(/\s+/).filter(Boolean);
  let mode: CodeMode = 'display';
  let interrupt = false;
  const ci: CiExpectation[] = [];
  const unknown: string[] = [];
  for (const w of words) {
    if (w === 'run' || w === 'copy') mode = w;
    else if (w === 'interrupt') interrupt = true;
    else if (Object.hasOwn(CI_WORDS, w)) ci.push(CI_WORDS[w]!);
    else unknown.push(w);
  }
  return { lang, mode, interrupt, ci, unknown };
}

/** The info-string words that tell content CI what a run block does (CiExpectation). */
const CI_WORDS: Record<string, CiExpectation> = { fails: 'fails', foreground: 'foreground', 'skip-ci': 'skip', 'self-check': 'self-check' };

/** An editor link's target, `[text](editor:/root/demo/compose.yaml)`: the last one before a copy block names its file. */
const EDITOR_LINK = /\]\(editor:(\/[^)\s]+)\)/g;

/** The file the last editor link in `lines` names, if any. */
function lastEditorLink(lines: string[]): string | undefined {
  let file: string | undefined;
  for (const line of lines) for (const m of line.matchAll(EDITOR_LINK)) file = m[1];
  return file;
}

/**
 * The yaml library's first message line without its own "at line N, column M":
 * that position counts from the start of the YAML, not of lesson.md, and the
 * problem already carries the right line.
 */
function yamlReason(error: unknown): string {
  return (error as Error).message.split('\n')[0]!.replace(/\s*at line \d+, column \d+:?\s*$/, '');
}

/** A code block plus where it sits in the slide's lines (to cut exercise blocks out of the body). */
interface LocatedBlock extends CodeBlock {
  firstIndex: number;
  lastIndex: number;
}

function extractCodeBlocks(lines: string[], firstLine: number, file: string, problems: LessonProblem[]): LocatedBlock[] {
  const blocks: LocatedBlock[] = [];
  let open: { marker: string; indent: number; info: string; line: number; index: number; body: string[] } | null = null;
  lines.forEach((text, i) => {
    const m = FENCE.exec(text);
    if (!open) {
      if (m) open = { marker: m[2]!, indent: m[1]!.length, info: m[3]!, line: firstLine + i, index: i, body: [] };
      return;
    }
    if (m && m[2]![0] === open.marker[0] && m[2]!.length >= open.marker.length && m[3]!.trim() === '') {
      const info = parseCodeInfo(open.info);
      for (const word of info.unknown) {
        problems.push({ file, line: open.line, message: `unknown code block option "${word}" (known: run, copy, interrupt, fails, foreground, skip-ci, self-check)` });
      }
      if (info.interrupt && info.mode !== 'run') {
        problems.push({ file, line: open.line, message: '"interrupt" only makes sense on a "run" block' });
      }
      if (info.ci.length > 0 && info.mode !== 'run') {
        problems.push({ file, line: open.line, message: '"fails", "foreground", "skip-ci" and "self-check" only make sense on a "run" block' });
      }
      if (info.ci.length > 1) {
        problems.push({ file, line: open.line, message: 'a run block takes one of "fails", "foreground", "skip-ci" and "self-check", not several' });
      }
      if (info.mode === 'run' && open.body.join('').trim() === '') {
        problems.push({ file, line: open.line, message: 'a "run" block has no command in it' });
      }
      // The prose between the previous block (or the slide's start) and this one: where an editor link names a copy block's file.
      const savedAs = info.mode === 'copy' ? lastEditorLink(lines.slice((blocks.at(-1)?.lastIndex ?? -1) + 1, open.index)) : undefined;
      blocks.push({
        lang: info.lang,
        mode: info.mode,
        interrupt: info.interrupt,
        ci: (info.mode === 'run' && info.ci[0]) || 'runs',
        code: open.body.join('\n'),
        line: open.line,
        ...(savedAs ? { file: savedAs } : {}),
        firstIndex: open.index,
        lastIndex: i,
      });
      open = null;
      return;
    }
    // As CommonMark reads it: a fence indented by N spaces takes up to N spaces off each line of its code.
    open.body.push(text.replace(new RegExp(`^ {0,${open.indent}}`), ''));
  });
  if (open) problems.push({ file, line: (open as { line: number }).line, message: 'code block is never closed' });
  return blocks;
}

function parseFrontMatter(lines: string[], file: string, problems: LessonProblem[]): { data: unknown; bodyStart: number } | null {
  if (!SEPARATOR.test(lines[0] ?? '')) {
    problems.push({ file, line: 1, message: 'lesson.md must start with a "---" line opening the YAML manifest' });
    return null;
  }
  const end = lines.findIndex((l, i) => i > 0 && SEPARATOR.test(l));
  if (end < 0) {
    problems.push({ file, line: 1, message: 'the YAML manifest is never closed by a "---" line' });
    return null;
  }
  try {
    return { data: parseYaml(lines.slice(1, end).join('\n')), bodyStart: end + 1 };
  } catch (error) {
    const line = error instanceof YAMLParseError ? (error.linePos?.[0]?.line ?? 0) + 1 : 1;
    const reason = yamlReason(error);
    problems.push({ file, line, message: `the manifest is not valid YAML: ${reason}` });
    return null;
  }
}

/**
 * The 0-based line in an exercise's YAML that an issue is about: a top-level
 * key, or a nested one (an unknown key inside a check) searched for below
 * its top-level parent. -1 when it cannot be found.
 */
function exerciseKeyIndex(yamlLines: string[], issue: { code: string; path: PropertyKey[]; keys?: string[] }): number {
  const top = issue.path[0]?.toString();
  const nested = issue.code === 'unrecognized_keys' ? issue.keys?.[0] : undefined;
  const topIndex = top ? yamlLines.findIndex((l) => l.startsWith(`${top}:`)) : -1;
  if (!nested) return topIndex;
  if (!top) return yamlLines.findIndex((l) => l.startsWith(`${nested}:`));
  const nestedPattern = new RegExp(`^\\s+(?:-\\s+)?${nested.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`);
  const below = yamlLines.findIndex((l, i) => i > topIndex && nestedPattern.test(l));
  return below >= 0 ? below : topIndex;
}

type Issue = z.core.$ZodIssue;

/**
 * A check that matches neither kind makes zod say only "Invalid input". Judge
 * it against the kind its keys ask for (`docker:` or else `shell:`), so the
 * author hears what is actually wrong, at the right path.
 */
function explainCheckUnion(issue: Issue, data: unknown): Issue[] {
  const [first, index] = issue.path;
  if (issue.code !== 'invalid_union' || first !== 'checks' || typeof index !== 'number' || issue.path.length !== 2) return [issue];
  const check = (data as { checks?: unknown[] }).checks?.[index];
  const schema = typeof check === 'object' && check !== null && 'docker' in check ? DockerCheckSchema : ShellCheckSchema;
  const result = schema.safeParse(check);
  return result.success ? [issue] : result.error.issues.map((sub) => ({ ...sub, path: [...issue.path, ...sub.path] }));
}

/** Parses a ```exercise block (YAML) into an Exercise, reporting problems at their line in lesson.md. */
function parseExercise(block: LocatedBlock, file: string, problems: LessonProblem[], sample: LearnerValues = {}): Exercise | undefined {
  const yamlLines = block.code.split('\n');
  let data: unknown;
  try {
    data = parseYaml(block.code);
  } catch (error) {
    const line = block.line + (error instanceof YAMLParseError ? (error.linePos?.[0]?.line ?? 0) : 1);
    const reason = yamlReason(error);
    problems.push({ file, line, message: `the exercise is not valid YAML: ${reason}` });
    return undefined;
  }
  // Judged with a sample value in each placeholder (`"${{ port }}:80"` is a port mapping only once a port is in it), kept with its placeholders.
  const raw = data;
  data = instantiate(data ?? {}, sample);
  const result = ExerciseSchema.safeParse(data);
  if (result.success) return { ...withPlaceholders(result.data, raw), line: block.line };
  for (const issue of result.error.issues.flatMap((i) => explainCheckUnion(i, data))) {
    const line = block.line + 1 + Math.max(exerciseKeyIndex(yamlLines, issue), 0);
    const what =
      issue.code === 'unrecognized_keys'
        ? `unknown exercise key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')} at ${issue.path.join('.') || 'top level'}`
        : `exercise "${issue.path.join('.')}": ${issue.message}`;
    problems.push({ file, line, message: what });
  }
  return undefined;
}

/** A parsed value with each string taken back from the YAML it was parsed from (the same shape: the schema transforms no string). */
function withPlaceholders<T>(parsed: T, raw: unknown): T {
  if (typeof parsed === 'string') return (typeof raw === 'string' ? raw : parsed) as T;
  if (Array.isArray(parsed)) return parsed.map((v: unknown, i) => withPlaceholders(v, Array.isArray(raw) ? raw[i] : undefined)) as T;
  if (parsed !== null && typeof parsed === 'object') {
    const from = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, withPlaceholders(v, from[k])])) as T;
  }
  return parsed;
}

/** Line of a top-level manifest key, for messages about it. */
function manifestKeyLine(lines: string[], key: string | undefined): number {
  if (!key) return 1;
  const i = lines.findIndex((l) => l.startsWith(`${key}:`));
  return i >= 0 ? i + 1 : 1;
}

export function parseLesson(source: string, file: string, folderName?: string): ParseResult {
  const problems: LessonProblem[] = [];
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const front = parseFrontMatter(lines, file, problems);
  if (!front) return { ok: false, problems };

  const manifestResult = LessonManifestSchema.safeParse(front.data ?? {});
  if (!manifestResult.success) {
    for (const issue of manifestResult.error.issues) {
      const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : issue.path[0]?.toString();
      const what = issue.code === 'unrecognized_keys' ? `unknown manifest key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` : `manifest "${issue.path.join('.')}": ${issue.message}`;
      problems.push({ file, line: manifestKeyLine(lines, key), message: what });
    }
  }
  if (manifestResult.success && folderName && manifestResult.data.id !== folderName) {
    problems.push({ file, line: manifestKeyLine(lines, 'id'), message: `id "${manifestResult.data.id}" must equal the folder name "${folderName}"` });
  }

  const sample = manifestResult.success ? sampleValues(manifestResult.data.values) : {};
  const slides: Slide[] = [];
  for (const raw of splitSlides(lines.slice(front.bodyStart), front.bodyStart + 1)) {
    if (raw.lines.join('').trim() === '') continue;
    const notesAt = raw.lines.findIndex((l) => NOTES.test(l));
    const bodyLines = notesAt >= 0 ? raw.lines.slice(0, notesAt) : raw.lines;
    const notes = notesAt >= 0 ? raw.lines.slice(notesAt + 1).join('\n').trim() : '';
    const titleIndex = bodyLines.findIndex((l) => l.trim() !== '');
    const title = TITLE.exec(bodyLines[titleIndex] ?? '')?.[1];
    if (!title) problems.push({ file, line: raw.line + Math.max(titleIndex, 0), message: 'a slide must begin with a "# Title" or "## Title" heading' });
    const blocks = extractCodeBlocks(bodyLines, raw.line, file, problems);
    const exerciseBlocks = blocks.filter((b) => b.lang === 'exercise');
    for (const extra of exerciseBlocks.slice(1)) problems.push({ file, line: extra.line, message: 'a slide holds at most one exercise' });
    const exerciseBlock = exerciseBlocks[0];
    const exercise = exerciseBlock ? parseExercise(exerciseBlock, file, problems, sample) : undefined;
    for (const b of blocks) {
      if (b.ci === 'self-check' && !exerciseBlock) {
        problems.push({ file, line: b.line, message: '"self-check" is for a block on an exercise\'s slide (the learner checks their answer with it); this slide has no exercise' });
      }
    }
    const shownLines = exerciseBlock ? [...bodyLines.slice(0, exerciseBlock.firstIndex), ...bodyLines.slice(exerciseBlock.lastIndex + 1)] : bodyLines;
    slides.push({
      index: slides.length,
      title: title ?? 'Untitled',
      body: shownLines.join('\n').trim(),
      notes,
      codeBlocks: blocks.filter((b) => b.lang !== 'exercise').map(({ firstIndex: _f, lastIndex: _l, ...block }) => block),
      ...(exercise ? { exercise } : {}),
      line: raw.line,
    });
  }
  if (slides.length === 0) problems.push({ file, line: front.bodyStart + 1, message: 'the lesson has no slides' });
  const seen = new Map<string, number>();
  for (const ex of slides.flatMap((s) => (s.exercise ? [s.exercise] : []))) {
    const first = seen.get(ex.id);
    if (first !== undefined) problems.push({ file, line: ex.line, message: `exercise id "${ex.id}" is already used at line ${first}` });
    else seen.set(ex.id, ex.line);
  }

  if (problems.length > 0 || !manifestResult.success) return { ok: false, problems };
  return { ok: true, lesson: { manifest: manifestResult.data, slides, file } };
}
