import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deckSlides } from './deck-data';
import { parseLesson } from './parse';
import type { Lesson } from './schema';

const FENCE = '```';
const SOURCE = [
  '---',
  'id: deck-test',
  'title: Deck test',
  'summary: A lesson for the deck-data tests.',
  'level: beginner',
  'minutes: 5',
  'images: [busybox]',
  '---',
  '# Intro',
  '',
  'Welcome.',
  '',
  '???',
  'Intro notes NOTES-MARKER-ONE.',
  '---',
  '# Exercise slide',
  '',
  'Do the thing.',
  '',
  `${FENCE}exercise`,
  'id: secret-ex',
  'title: Make a `box` container',
  'checks:',
  '  - shell: |',
  '      docker inspect CHECK-SCRIPT-MARKER-A >/dev/null',
  '    fail: FAIL-TEXT-MARKER-A',
  '  - shell: test -f /tmp/CHECK-SCRIPT-MARKER-B',
  '    fail: FAIL-TEXT-MARKER-B',
  'solution: |',
  '  docker run -d --name SOLUTION-MARKER busybox sleep 600',
  'hints:',
  '  - Use `docker run -d`.',
  '  - "Name it with **--name**."',
  FENCE,
  '',
  '???',
  'Exercise notes NOTES-MARKER-TWO.',
].join('\n');

function lesson(): Lesson {
  const result = parseLesson(SOURCE, 'lessons/deck-test/lesson.md', 'deck-test');
  if (!result.ok) assert.fail(JSON.stringify(result.problems));
  return result.lesson;
}

const SECRETS = ['CHECK-SCRIPT-MARKER-A', 'CHECK-SCRIPT-MARKER-B', 'FAIL-TEXT-MARKER-A', 'FAIL-TEXT-MARKER-B', 'SOLUTION-MARKER', 'sleep 600', 'timeoutSeconds'];

describe('deckSlides', () => {
  test('the lesson under test really has the secrets (so the absence checks mean something)', () => {
    const ex = lesson().slides[1]!.exercise!;
    const first = ex.checks[0]!;
    assert.ok('shell' in first, 'the first check is a shell check');
    assert.match(first.shell, /CHECK-SCRIPT-MARKER-A/);
    assert.match(ex.solution, /SOLUTION-MARKER/);
  });

  for (const withNotes of [false, true]) {
    test(`checks, fail texts and the solution are nowhere in what is sent (withNotes: ${withNotes})`, () => {
      const json = JSON.stringify(deckSlides(lesson(), { withNotes }));
      for (const secret of SECRETS) assert.ok(!json.includes(secret), `the deck data contains ${JSON.stringify(secret)}`);
    });
  }

  test('an exercise travels as id, title and hints rendered as inline HTML', () => {
    const slides = deckSlides(lesson(), { withNotes: false });
    assert.equal(slides.length, 2);
    assert.ok(!('exercise' in slides[0]!));
    assert.deepEqual(slides[1]!.exercise, {
      id: 'secret-ex',
      title: 'Make a `box` container',
      hintsHtml: ['Use <code>docker run -d</code>.', 'Name it with <strong>--name</strong>.'],
    });
    assert.deepEqual(Object.keys(slides[1]!).sort(), ['exercise', 'html', 'index', 'notesHtml', 'title']);
  });

  test('slides keep their index, title and body HTML', () => {
    const slides = deckSlides(lesson(), { withNotes: false });
    assert.deepEqual(slides.map((s) => [s.index, s.title]), [[0, 'Intro'], [1, 'Exercise slide']]);
    assert.match(slides[0]!.html, /<p>Welcome\.<\/p>/);
    assert.match(slides[1]!.html, /<p>Do the thing\.<\/p>/);
  });

  test('notes only withNotes: true', () => {
    const without = deckSlides(lesson(), { withNotes: false });
    assert.deepEqual(without.map((s) => s.notesHtml), ['', '']);
    assert.ok(!JSON.stringify(without).includes('NOTES-MARKER'));
    const withNotes = deckSlides(lesson(), { withNotes: true });
    assert.deepEqual(withNotes.map((s) => s.notesHtml.trim()), ['<p>Intro notes NOTES-MARKER-ONE.</p>', '<p>Exercise notes NOTES-MARKER-TWO.</p>']);
  });
});
