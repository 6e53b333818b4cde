import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deckSlides } from './deck-data';
import type * as LibraryModuleNamespace from './lesson-library';
import type { LessonLibrary } from './lesson-library';
import type { LoadedLesson } from './loader';

const FENCE = '```';
const root = mkdtempSync(join(tmpdir(), 'drydock-library-test-'));
const lessonFile = (id: string) => join(root, id, 'lesson.md');

function writeLesson(id: string, exercise: { title: string; check: string; hint: string }): void {
  mkdirSync(join(root, id), { recursive: true });
  const yaml = [`id: edited`, `title: ${exercise.title}`, 'checks:', `  - shell: ${exercise.check}`, '    fail: not yet', 'solution: "true"', 'hints:', `  - ${exercise.hint}`];
  const source = ['---', `id: ${id}`, 'title: Edited while served', 'summary: A lesson an author edits.', 'level: beginner', 'minutes: 5', '---', '# Try it', '', `${FENCE}exercise`, ...yaml, FENCE];
  writeFileSync(lessonFile(id), `${source.join('\n')}\n`);
}

const ok = (entry: LoadedLesson | null) => {
  if (!entry?.ok) assert.fail(`not a good lesson: ${JSON.stringify(entry)}`);
  return entry.lesson;
};

/**
 * The lesson page and the grader, as the platform runs them: Next.js bundles
 * the pages apart from the custom server, so each holds its own copy of the
 * library module (here: two imports under different URLs).
 */
type LibraryModule = typeof LibraryModuleNamespace;
/** A copy of the module of its own: an ES module is one instance per URL. */
const moduleCopy = (bundle: string) => import(`./lesson-library.ts?bundle=${bundle}`) as Promise<LibraryModule>;
let pageModule: LibraryModule;
let graderModule: LibraryModule;
const page = (): LessonLibrary => pageModule.lessons();
const grader = (): LessonLibrary => graderModule.lessons();
const pageView = (id: string) => deckSlides(ok(page().get(id)), { withNotes: false })[0]!.exercise!;
const graderView = (id: string) => ok(grader().get(id)).slides[0]!.exercise!;
const script = (id: string) => {
  const check = graderView(id).checks[0]!;
  return 'shell' in check ? check.shell : assert.fail('a shell check');
};

describe('lessons(): one library and one cache for pages and grader', () => {
  const saved = process.env.DRYDOCK_LESSONS_DIR;
  before(async () => {
    process.env.DRYDOCK_LESSONS_DIR = root;
    pageModule = await moduleCopy('page');
    graderModule = await moduleCopy('grader');
  });
  after(() => {
    if (saved === undefined) delete process.env.DRYDOCK_LESSONS_DIR;
    else process.env.DRYDOCK_LESSONS_DIR = saved;
    rmSync(root, { recursive: true, force: true });
  });

  test('two copies of the module share one library', () => {
    assert.notEqual(pageModule.LessonLibrary, graderModule.LessonLibrary, 'two copies of the module, as in two bundles');
    assert.equal(page(), grader());
    assert.equal(page().root, root);
  });

  test('a lesson edited on disk: the page shows and the grader grades the new version', () => {
    writeLesson('live', { title: 'First version', check: 'test -f /tmp/one', hint: 'Make /tmp/one' });
    assert.equal(pageView('live').title, 'First version');
    assert.equal(script('live'), 'test -f /tmp/one');

    writeLesson('live', { title: 'Second, longer version', check: 'test -f /tmp/two', hint: 'Make **/tmp/two**' });
    assert.equal(pageView('live').title, 'Second, longer version');
    assert.deepEqual(pageView('live').hintsHtml, ['Make <strong>/tmp/two</strong>']);
    assert.equal(script('live'), 'test -f /tmp/two');
  });

  test('an unchanged file is parsed once', () => {
    writeLesson('steady', { title: 'Steady', check: 'exit 0', hint: 'none' });
    assert.equal(page().get('steady'), grader().get('steady'));
  });

  test('a lesson broken, then fixed, while served', () => {
    writeLesson('fragile', { title: 'Fine', check: 'exit 0', hint: 'none' });
    ok(grader().get('fragile'));
    writeFileSync(lessonFile('fragile'), '# no manifest\n');
    const broken = page().get('fragile');
    assert.equal(broken?.ok, false);
    assert.deepEqual(grader().get('fragile'), broken);
    writeLesson('fragile', { title: 'Fixed again', check: 'exit 0', hint: 'none' });
    assert.equal(graderView('fragile').title, 'Fixed again');
  });

  test('lessons added and removed show at the next call; ids that are no lesson folder are none', () => {
    writeLesson('added', { title: 'New', check: 'exit 0', hint: 'none' });
    assert.ok(page().ids().includes('added'));
    assert.ok(grader().all().some((l) => l.id === 'added'));
    rmSync(join(root, 'added'), { recursive: true });
    assert.equal(grader().get('added'), null);
    assert.ok(!page().ids().includes('added'));
    for (const id of ['../added', 'Added', '']) assert.equal(page().get(id), null);
  });
});
