/**
 * `npm run lessons:import -- FILE [--id ID] [--out lessons/<id>] [--format marp|reveal] [--force]`:
 * turns an instructor's Marp or reveal.js Markdown deck into a Drydock lesson
 * skeleton (lessons/README.md, "Importing a deck"), checks it with the
 * project's own lint before writing it, and prints what it did and every
 * warning as deck-file:line.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { lessonsRoot } from '../lib/lesson-format/loader';
import { checkId, DECK_FORMATS, DeckImportError, idFromFileName, importDeck, lintLessonAlone, writeLesson, type DeckFormat, type ImportResult } from '../lib/lesson-format/import';
import { parseCommandLine, runAsScript } from './lib/cli';

const USAGE = `
usage: npm run lessons:import -- FILE [--id ID] [--out lessons/<id>] [--format marp|reveal] [--force]

  FILE               a Marp (front matter "marp: true") or reveal.js Markdown deck
  --id ID            the lesson id (default: made from the file name)
  --out DIR          where lesson.md goes (default lessons/<id>; the folder is named after the id)
  --format FMT       marp or reveal, when the deck does not say which it is
  --force            replace an existing lesson.md
  -h, --help         this text
`;

function fail(message: string): number {
  console.error(`lessons:import: ${message}`);
  return 1;
}

function report(file: string, result: ImportResult, written: string): void {
  const c = result.counts;
  const m = result.manifest;
  console.log(`${file} (${result.format === 'marp' ? 'Marp' : 'reveal.js'}) → ${written}`);
  console.log(`  slides ${c.slides} (titles made ${c.titlesMade}), with notes ${c.notes}`);
  console.log(`  run blocks ${c.runBlocks}, display blocks ${c.displayBlocks} (command output ${c.outputBlocks})`);
  console.log(`  images kept ${c.imagesKept}, reported ${c.imagesReported}; html kept ${c.htmlKept}, reported ${c.htmlReported}; directives dropped ${c.directivesDropped}`);
  console.log(`  manifest: title "${m.title}", level ${m.level} (a guess), minutes ${m.minutes} (2 per slide), summary from ${result.summarySource}`);
  console.log(`  images: ${m.images.length > 0 ? m.images.join(', ') : '(none)'}${m.images.some((i) => !/^busybox(:latest)?$/.test(i)) ? ' (a sandbox has only busybox offline; others need a class registry mirror)' : ''}`);
  console.log(result.warnings.length > 0 ? `${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'}:` : 'no warnings');
  for (const w of result.warnings) console.log(`  ${file}:${w.line}: ${w.message}`);
}

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine(USAGE, {
    options: { id: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' }, force: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) return fail(positionals.length === 0 ? `name the deck to import\n${USAGE}` : `one deck at a time, not ${positionals.length}`);
  const file = positionals[0]!;
  const format = values.format as DeckFormat | undefined;
  if (format !== undefined && !DECK_FORMATS.includes(format)) return fail(`--format must be marp or reveal, not "${values.format}"`);
  try {
    if (!existsSync(file)) return fail(`${file}: no such file`);
    if (statSync(file).isDirectory()) return fail(`${file} is a folder: name the deck's Markdown file`);
    const id = values.id ?? idFromFileName(file);
    checkId(id);
    const out = values.out ?? join(lessonsRoot(), id);
    const target = join(resolve(out), 'lesson.md');
    if (existsSync(target) && !values.force) return fail(`${target} already exists: not overwriting it (add --force to replace it)`);

    const result = importDeck(readFileSync(file, 'utf8'), { file, id, format, deckDir: dirname(resolve(file)), publicDir: join(process.cwd(), 'public') });
    const problems = lintLessonAlone(id, result.markdown);
    if (problems.length > 0) {
      // The importer's own failure, not the deck's: say so, and write nothing.
      for (const p of problems) console.error(`  ${p.file}:${p.line}: ${p.message}`);
      return fail('the imported lesson does not pass the lesson lint (an importer bug); nothing written');
    }
    const written = writeLesson(out, id, result.markdown, values.force);
    report(file, result, relative(process.cwd(), written.file) || written.file);
    if (written.addedToCourse) console.log(`added "${id}" at the end of ${relative(process.cwd(), written.addedToCourse)} (move it where it belongs in the course)`);
    if (written.courseNotUpdated) console.log(`${written.courseNotUpdated} does not list "${id}" and could not be added to safely: list it yourself, or lessons:lint will say so`);
    console.log(`lint: the lesson passes the lesson lint (0 problems); preview it at /lessons/${id}`);
    return 0;
  } catch (error) {
    if (error instanceof DeckImportError) return fail(error.message);
    throw error;
  }
}

runAsScript(import.meta.url, 'lessons:import', main);
