import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintCourse } from '../lib/lesson-format/lint';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = join(ROOT, 'lib/lesson-format/import/fixtures');
const lessons = mkdtempSync(join(tmpdir(), 'drydock-import-cli-'));
after(() => rmSync(lessons, { recursive: true, force: true }));
// A course of one lesson, as lessons/ is: the import must take its place in course.yaml for the lint to pass.
mkdirSync(join(lessons, 'first'));
writeFileSync(join(lessons, 'first', 'lesson.md'), '---\nid: first\ntitle: First\nsummary: The first lesson.\nlevel: beginner\nminutes: 5\nprofile: dind\nimages: []\nprerequisites: []\n---\n\n# First\n\nHello.\n');
writeFileSync(join(lessons, 'course.yaml'), '# the order of the course\nlessons:\n  - first\n');

/** Runs `npm run lessons:import -- …` as a learner's instructor would, with lessons/ pointed at a scratch folder. */
function importCli(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/lessons-import.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, DRYDOCK_LESSONS_DIR: lessons },
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('npm run lessons:import', () => {
  test('imports a deck into lessons/<id>, lists it in course.yaml, reports counts and warnings as file:line; the course lints clean', () => {
    const deck = join(FIXTURES, 'marp-deck.md');
    const { code, out, err } = importCli(deck, '--id', 'hurry');
    assert.equal(code, 0, err);
    assert.match(out, /\(Marp\) → .*hurry\/lesson\.md/);
    assert.match(out, /slides 9 \(titles made 3\), with notes 2/);
    assert.match(out, /run blocks 2, display blocks 5 \(command output 1\)/);
    assert.match(out, /images kept 1, reported 1; html kept 1, reported 2; directives dropped 1/);
    assert.match(out, new RegExp(`${deck.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:31: image dropped: remote image`));
    assert.match(out, /added "hurry" at the end of/);
    assert.deepEqual(lintCourse(lessons).problems, []);
  });

  test('never overwrites a lesson without --force', () => {
    const before = readFileSync(join(lessons, 'hurry', 'lesson.md'), 'utf8');
    const refused = importCli(join(FIXTURES, 'reveal-deck.md'), '--id', 'hurry');
    assert.equal(refused.code, 1);
    assert.match(refused.err, /hurry\/lesson\.md already exists: not overwriting it \(add --force to replace it\)/);
    assert.equal(readFileSync(join(lessons, 'hurry', 'lesson.md'), 'utf8'), before);
    const forced = importCli(join(FIXTURES, 'reveal-deck.md'), '--id', 'hurry', '--force');
    assert.equal(forced.code, 0, forced.err);
    assert.match(readFileSync(join(lessons, 'hurry', 'lesson.md'), 'utf8'), /title: Shipping with Docker/);
    assert.deepEqual(lintCourse(lessons).problems, []);
  });

  test('clear errors and a non-zero exit for what it cannot import', () => {
    const cases: [string[], RegExp][] = [
      [['no/such/deck.md'], /no\/such\/deck\.md: no such file/],
      [[FIXTURES], /is a folder: name the deck's Markdown file/],
      [[join(FIXTURES, 'plain-markdown.md')], /cannot tell whether this is a Marp or a reveal\.js deck.*--format marp or --format reveal/],
      [[join(FIXTURES, 'plain-markdown.md'), '--format', 'keynote'], /--format must be marp or reveal, not "keynote"/],
      [[join(FIXTURES, 'html-page.md')], /is an HTML page, not Markdown/],
      [[join(FIXTURES, 'marp-deck.md'), '--id', 'Not An Id'], /is not a lesson id/],
      [[join(FIXTURES, 'marp-deck.md'), '--out', join(lessons, 'elsewhere')], /must end in \/marp-deck/],
    ];
    for (const [args, message] of cases) {
      const { code, err } = importCli(...args);
      assert.equal(code, 1, args.join(' '));
      assert.match(err, message);
    }
    assert.equal(importCli().code, 1);
  });

  test('--format forces the kind of a deck that does not say', () => {
    const { code, out, err } = importCli(join(FIXTURES, 'plain-markdown.md'), '--format', 'reveal');
    assert.equal(code, 0, err);
    assert.match(out, /\(reveal\.js\)/);
    assert.deepEqual(lintCourse(lessons).problems, []);
  });
});
