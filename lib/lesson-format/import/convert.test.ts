import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLesson } from '../parse';
import { renderSlides } from '../render';
import type { Lesson } from '../schema';
import { importDeck, type ImportOptions, type ImportResult } from './convert';
import { DeckImportError, type DeckFormat } from './deck';
import { lintLessonAlone } from './lesson-files';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const PUBLIC = fileURLToPath(new URL('../../../public/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'drydock-import-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

function importFixture(name: string, id: string, extra: Partial<ImportOptions> = {}): ImportResult {
  return importDeck(fixture(name), { file: name, id, deckDir: FIXTURES, publicDir: PUBLIC, ...extra });
}

/** The imported lesson must load with the project's parser and pass its lint, as `npm run lessons:lint` would see it. */
function checkedLesson(result: ImportResult): Lesson {
  const parsed = parseLesson(result.markdown, `${result.manifest.id}/lesson.md`, result.manifest.id);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.map((p) => `${p.line}: ${p.message}`).join('\n'));
  assert.deepEqual(lintLessonAlone(result.manifest.id, result.markdown), []);
  return parsed.lesson;
}

const warned = (result: ImportResult, line: number, pattern: RegExp) =>
  assert.ok(
    result.warnings.some((w) => w.line === line && pattern.test(w.message)),
    `no warning at line ${line} matching ${pattern}; got:\n${result.warnings.map((w) => `${w.line}: ${w.message}`).join('\n')}`,
  );

describe('importing a Marp deck', () => {
  const result = importFixture('marp-deck.md', 'marp-deck');
  const lesson = checkedLesson(result);
  const slide = (title: string) => lesson.slides.find((s) => s.title === title)!;

  test('is detected as Marp, and its front matter becomes the manifest', () => {
    assert.equal(result.format, 'marp');
    const m = lesson.manifest;
    assert.equal(m.title, 'Containers in a Hurry');
    assert.equal(m.summary, 'A short tour of containers, from the first run to a small image.');
    assert.equal(m.level, 'beginner');
    assert.equal(m.minutes, 2 * lesson.slides.length);
    assert.equal(m.profile, 'dind');
    assert.deepEqual(m.prerequisites, []);
    // Every image a block uses, ghcr.io's excepted (no lesson can declare it), and no placeholder.
    assert.deepEqual(m.images, ['alpine:3.19', 'busybox']);
    for (const [line, key] of [[5, 'paginate'], [6, 'header'], [7, 'style']] as const) warned(result, line, new RegExp(`"${key}" has no Drydock equivalent`));
  });

  test('counts what it did', () => {
    assert.deepEqual(
      { ...result.counts },
      { slides: 9, titlesMade: 3, notes: 2, runBlocks: 2, displayBlocks: 5, outputBlocks: 1, imagesKept: 1, imagesReported: 1, htmlKept: 1, htmlReported: 2, directivesDropped: 1 },
    );
    assert.equal(lesson.slides.length, 9);
  });

  test('directives are dropped and reported; other comments become speaker notes', () => {
    warned(result, 11, /Marp directive dropped: <!-- _class: lead -->/);
    assert.equal(lesson.slides[0]!.notes, 'Say hello, and ask who has used Docker before.');
    assert.doesNotMatch(lesson.slides[0]!.body, /_class|<!--/);
    assert.equal(slide('Exercise').notes, 'Give them five minutes.');
  });

  test('every slide gets a title: kept, promoted from a smaller heading or a bold line, or made (each reported)', () => {
    assert.deepEqual(
      lesson.slides.map((s) => s.title),
      ['Containers in a Hurry', 'Containers in a Hurry (continued)', 'Why containers?', 'Running a container', 'Commands without prompts', 'A Dockerfile', 'HTML on a slide', 'From another registry', 'Exercise'],
    );
    warned(result, 21, /no title; made one: title "Containers in a Hurry \(continued\)"/);
    warned(result, 28, /bold first line became it/);
    warned(result, 36, /smaller heading, made its title/);
    warned(result, 102, /not a graded exercise yet/);
  });

  test('a console transcript becomes a run block without prompts, and its output a text block', () => {
    const blocks = slide('Running a container').codeBlocks;
    assert.deepEqual(
      blocks.map((b) => [b.mode, b.lang, b.code]),
      [
        ['run', 'sh', 'docker run busybox echo hello\ndocker ps -a'],
        ['display', 'text', 'hello\n\nCONTAINER ID   IMAGE     COMMAND\n3f1c2a         busybox   "echo hello"'],
      ],
    );
  });

  test('shell commands without prompts run; a ```sh block of Dockerfile lines is shown as a Dockerfile; other code keeps its language', () => {
    assert.deepEqual(slide('Commands without prompts').codeBlocks.map((b) => b.mode), ['run']);
    assert.deepEqual(slide('A Dockerfile').codeBlocks.map((b) => [b.mode, b.lang]), [['display', 'dockerfile']]);
    warned(result, 68, /holds Dockerfile instructions/);
    assert.deepEqual(slide('HTML on a slide').codeBlocks.map((b) => [b.mode, b.lang]), [['display', 'js']]);
  });

  test('a block naming an image no lesson can declare is shown without buttons (an indented block), and reported', () => {
    warned(result, 68, /"<image>", which a lesson cannot declare/);
    assert.match(slide('A Dockerfile').body, /\n {4}FROM <image>\n/);
    warned(result, 95, /ghcr\.io\/example\/tool:1\.0.*only Docker Hub/);
    assert.deepEqual(slide('From another registry').codeBlocks, []);
  });

  test('images: a data: URI is kept (Marp sizing dropped, reported); a remote one is dropped and reported', () => {
    warned(result, 31, /remote image https:\/\/example\.com\/container\.png.*Content-Security-Policy/);
    assert.match(slide('Why containers?').body, /<!-- image not shown: !\[\]\(https:\/\/example\.com\/container\.png\) -->/);
    assert.match(slide('HTML on a slide').body, /!\[tiny\]\(data:image\/gif/);
    warned(result, 85, /Marp image options "w:20px" dropped/);
  });

  test('raw HTML: elements the page can show are kept, <style> and <iframe> dropped and reported, text that only looks like a tag escaped', () => {
    const body = slide('HTML on a slide').body;
    assert.match(body, /<div class="columns">kept as it is<\/div>/);
    assert.doesNotMatch(body, /<style|<iframe|background: black/);
    warned(result, 79, /<style> \(it would restyle the whole page\)/);
    warned(result, 83, /<iframe>/);
    assert.match(slide('Commands without prompts').body, /COPY &lt;src&gt; &lt;dest&gt;/);
    assert.match(slide('Commands without prompts').body, /`docker run <image>`/);
  });

  test('a line that is exactly ??? stays text, not the start of notes', () => {
    assert.match(slide('From another registry').body, /\\\?\?\?/);
    assert.equal(slide('From another registry').notes, '');
  });

  test('renders: one ▶ Run per run block, no remote image, no script or style', () => {
    const html = renderSlides(lesson.slides).map((s) => s.html).join('\n');
    assert.equal(html.match(/data-action="run"/g)?.length, result.counts.runBlocks);
    assert.doesNotMatch(html, /<img[^>]+src="https?:/);
    assert.doesNotMatch(html, /<style|<script|<iframe/);
  });
});

describe('importing a reveal.js deck', () => {
  const deckDir = join(scratch, 'reveal');
  mkdirSync(join(deckDir, 'img'), { recursive: true });
  // An image next to the deck: found, but the site cannot serve it from a lesson folder, so it is reported.
  writeFileSync(join(deckDir, 'img', 'layers.png'), 'not really a png');
  const result = importFixture('reveal-deck.md', 'reveal-deck', { deckDir });
  const lesson = checkedLesson(result);
  const slide = (title: string) => lesson.slides.find((s) => s.title === title)!;

  test('is detected as reveal.js; horizontal and vertical slides both become slides', () => {
    assert.equal(result.format, 'reveal');
    assert.deepEqual(
      lesson.slides.map((s) => s.title),
      ['Shipping with Docker', 'Build an image', 'Layers', 'Layers (continued)', 'Transcript with continuations', 'Output without prompts', 'A here-document'],
    );
    assert.equal(lesson.manifest.title, 'Shipping with Docker');
    assert.equal(lesson.manifest.summary, 'Build, tag and run images');
    assert.deepEqual(lesson.manifest.images, ['busybox', 'busybox:1.36']);
  });

  test('counts what it did', () => {
    assert.deepEqual(
      { ...result.counts },
      { slides: 7, titlesMade: 1, notes: 2, runBlocks: 4, displayBlocks: 2, outputBlocks: 2, imagesKept: 0, imagesReported: 2, htmlKept: 1, htmlReported: 1, directivesDropped: 3 },
    );
  });

  test('Note: and Notes: start speaker notes, code in them included', () => {
    assert.equal(slide('Build an image').notes, 'The image is built from the Dockerfile in the current folder.\nPoint at the `-t` option.');
    assert.equal(slide('Transcript with continuations').notes, 'Explain the backslash.\n\n```sh\ndocker image ls\n```');
    assert.deepEqual(slide('Build an image').codeBlocks.map((b) => b.mode), ['run']);
  });

  test('fragments and slide attributes are dropped and reported; other comments stay', () => {
    warned(result, 21, /fragment dropped/);
    warned(result, 23, /fragment dropped/);
    warned(result, 30, /slide attributes dropped: <!-- \.slide: data-background="#ff0000" -->/);
    assert.doesNotMatch(slide('Layers').body, /\.element/);
    assert.match(slide('Layers').body, /<!-- a reminder for the author -->/);
  });

  test('a relative image is reported with where it was found; a remote <img> and a <script> are dropped', () => {
    warned(result, 32, /img\/layers\.png \(found at .*layers\.png\): the site serves no files from a lesson folder/);
    warned(result, 73, /remote image https:\/\/example\.com\/logo\.png/);
    warned(result, 74, /<script>/);
    assert.doesNotMatch(slide('A here-document').body, /<script|alert|<img/);
  });

  test('continuation lines (> ) join their command; output without prompts is split off and the split reported', () => {
    assert.deepEqual(slide('Transcript with continuations').codeBlocks.map((b) => [b.mode, b.code]), [
      ['run', "docker run --rm \\\n  busybox sh -c 'echo one; echo two'"],
      ['display', 'one\ntwo'],
    ]);
    assert.deepEqual(slide('Output without prompts').codeBlocks.map((b) => [b.mode, b.code]), [
      ['run', 'docker run --rm busybox:1.36 uname -m'],
      ['display', 'x86_64'],
    ]);
    warned(result, 56, /command followed by its output/);
  });

  test('a here-document stays one run block', () => {
    assert.deepEqual(slide('A here-document').codeBlocks.map((b) => [b.mode, b.code.split('\n').length]), [['run', 5]]);
  });
});

describe('a reveal.js deck split by blank lines', () => {
  test('is split on two or more blank lines (with --format reveal: nothing in it says reveal.js)', () => {
    const result = importFixture('reveal-blank-lines.md', 'blank-lines', { format: 'reveal' });
    const lesson = checkedLesson(result);
    assert.deepEqual(lesson.slides.map((s) => s.title), ['Blank line separators', 'Second slide', 'Third slide']);
    assert.deepEqual(lesson.manifest.images, ['busybox']);
  });
});

describe('malformed decks', () => {
  const failing = (name: string, pattern: RegExp, format?: DeckFormat) =>
    assert.throws(() => importFixture(name, 'x', format ? { format } : {}), (error: Error) => error instanceof DeckImportError && pattern.test(error.message));

  test('a deck of neither kind: says how to force one', () => failing('plain-markdown.md', /cannot tell whether this is a Marp or a reveal\.js deck.*--format marp or --format reveal/));
  test('…and imports with --format', () => assert.equal(checkedLesson(importFixture('plain-markdown.md', 'plain', { format: 'reveal' })).slides.length, 2));
  test('an HTML page is not Markdown', () => failing('html-page.md', /is an HTML page, not Markdown/));
  test('front matter that is not YAML', () => failing('bad-front-matter.md', /bad-front-matter\.md:1: the front matter is not valid YAML/));
  test('front matter never closed', () => failing('unclosed-front-matter.md', /never closed by a "---" line/));
  test('a binary file', () => assert.throws(() => importDeck('PNG\u0000\u0001', { file: 'x.png', id: 'x', deckDir: FIXTURES, publicDir: PUBLIC }), /not Markdown: it is a binary file/));
  test('an empty file', () => assert.throws(() => importDeck(' \n', { file: 'e.md', id: 'e', deckDir: FIXTURES, publicDir: PUBLIC }), /e\.md is empty/));
  test('front matter and nothing else', () =>
    assert.throws(() => importDeck('---\nmarp: true\n---\n\n', { file: 'f.md', id: 'f', deckDir: FIXTURES, publicDir: PUBLIC }), /has no slides/));
});
