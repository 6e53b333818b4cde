import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLesson, type ParseResult } from './parse';
import type { Lesson, LessonProblem } from './schema';

const FILE = 'lessons/my-lesson/lesson.md';
const FENCE = '```';

const MANIFEST = ['id: my-lesson', 'title: My lesson', 'summary: A lesson used by the tests.', 'level: beginner', 'minutes: 10'];

/** A lesson.md from manifest lines and body lines. */
const lessonSource = (manifest: string[], body: string[]): string => ['---', ...manifest, '---', ...body].join('\n');

const VALID_BODY = [
  '', //                              8
  '# First slide', //                 9
  '', //                             10
  'Some text.', //                   11
  '', //                             12
  `${FENCE}sh run`, //               13
  'docker ps', //                    14
  FENCE, //                          15
  '', //                             16
  '???', //                          17
  'Speaker notes for slide one.', // 18
  '', //                             19
  '---', //                          20
  '', //                             21
  '## Second slide', //              22
  '', //                             23
  `${FENCE}sh run interrupt`, //     24
  'docker run -it busybox', //       25
  FENCE, //                          26
  '', //                             27
  `${FENCE}sh copy`, //              28
  'echo copy me', //                 29
  FENCE, //                          30
  '', //                             31
  '---', //                          32
  '', //                             33
  '# Third slide', //                34
  '', //                             35
  `${FENCE}dockerfile`, //           36
  'FROM busybox', //                 37
  '---', //                          38
  'RUN true', //                     39
  FENCE, //                          40
  '', //                             41
];

function expectLesson(result: ParseResult): Lesson {
  if (!result.ok) assert.fail(`expected a valid lesson, got problems: ${JSON.stringify(result.problems)}`);
  return result.lesson;
}

function expectProblems(result: ParseResult): LessonProblem[] {
  if (result.ok) assert.fail('expected problems, the lesson parsed');
  assert.ok(result.problems.length > 0);
  for (const p of result.problems) assert.equal(p.file, FILE);
  return result.problems;
}

/** Asserts exactly one problem, at `line`, with a message matching. */
function expectOneProblem(result: ParseResult, line: number, message: RegExp): void {
  const problems = expectProblems(result);
  assert.equal(problems.length, 1, `expected one problem, got ${JSON.stringify(problems)}`);
  assert.equal(problems[0]!.line, line, `line of ${JSON.stringify(problems[0])}`);
  assert.match(problems[0]!.message, message);
}

describe('parseLesson: a valid lesson', () => {
  const lesson = expectLesson(parseLesson(lessonSource(MANIFEST, VALID_BODY), FILE, 'my-lesson'));

  test('the manifest, with defaults filled in', () => {
    assert.deepEqual(lesson.manifest, {
      id: 'my-lesson',
      title: 'My lesson',
      summary: 'A lesson used by the tests.',
      level: 'beginner',
      minutes: 10,
      profile: 'dind',
      images: [],
      prerequisites: [],
    });
    assert.equal(lesson.file, FILE);
  });

  test('three slides with their titles, indexes and start lines (a --- inside a code fence does not split)', () => {
    assert.deepEqual(
      lesson.slides.map((s) => ({ index: s.index, title: s.title, line: s.line })),
      [
        { index: 0, title: 'First slide', line: 8 },
        { index: 1, title: 'Second slide', line: 21 },
        { index: 2, title: 'Third slide', line: 33 },
      ],
    );
  });

  test('notes come after ??? and are not part of the body', () => {
    const [first, second, third] = lesson.slides;
    assert.equal(first!.notes, 'Speaker notes for slide one.');
    assert.ok(!first!.body.includes('Speaker notes'));
    assert.ok(!first!.body.includes('???'));
    assert.ok(first!.body.startsWith('# First slide'));
    assert.equal(second!.notes, '');
    assert.equal(third!.notes, '');
  });

  test('code blocks with their language, mode, interrupt flag, code and fence line', () => {
    assert.deepEqual(
      lesson.slides.map((s) => s.codeBlocks),
      [
        [{ lang: 'sh', mode: 'run', interrupt: false, code: 'docker ps', line: 13 }],
        [
          { lang: 'sh', mode: 'run', interrupt: true, code: 'docker run -it busybox', line: 24 },
          { lang: 'sh', mode: 'copy', interrupt: false, code: 'echo copy me', line: 28 },
        ],
        [{ lang: 'dockerfile', mode: 'display', interrupt: false, code: 'FROM busybox\n---\nRUN true', line: 36 }],
      ],
    );
  });

  test('the code fence with --- stays whole in the third slide’s body', () => {
    assert.match(lesson.slides[2]!.body, /FROM busybox\n---\nRUN true/);
  });

  test('CRLF line endings parse the same', () => {
    const crlf = expectLesson(parseLesson(lessonSource(MANIFEST, VALID_BODY).replace(/\n/g, '\r\n'), FILE, 'my-lesson'));
    assert.deepEqual(crlf.slides.map((s) => [s.title, s.line]), lesson.slides.map((s) => [s.title, s.line]));
    assert.deepEqual(crlf.slides.map((s) => s.codeBlocks), lesson.slides.map((s) => s.codeBlocks));
  });

  test('without a folder name the id is not compared', () => {
    expectLesson(parseLesson(lessonSource(MANIFEST, VALID_BODY), FILE));
  });

  test('a heading ending in # (e.g. "C#") keeps it: only a space-separated closing sequence is stripped', () => {
    const l = expectLesson(parseLesson(lessonSource(MANIFEST, ['# Learn C#', '---', '## Tidy ##']), FILE));
    assert.deepEqual(l.slides.map((s) => s.title), ['Learn C#', 'Tidy']);
  });
});

describe('parseLesson: problems and where they are', () => {
  const body = ['', '# Slide', '', 'text'];

  test('no front matter', () => {
    expectOneProblem(parseLesson('# Just a slide\n', FILE), 1, /must start with a "---" line opening the YAML manifest/);
  });

  test('unclosed front matter', () => {
    expectOneProblem(parseLesson(['---', ...MANIFEST, '# Slide'].join('\n'), FILE), 1, /manifest is never closed by a "---" line/);
  });

  test('invalid YAML reports the line of the error in lesson.md', () => {
    const manifest = ['id: my-lesson', 'title: a: b', 'summary: s', 'level: beginner', 'minutes: 10'];
    expectOneProblem(parseLesson(lessonSource(manifest, body), FILE), 3, /the manifest is not valid YAML: Nested mappings/);
  });

  test('an invalid-YAML message does not cite a line number other than its own', () => {
    // The yaml library's message says "at line N" counted from the manifest's first line,
    // which contradicts `line` (counted from the top of lesson.md).
    const manifest = ['id: my-lesson', 'title: a: b', 'summary: s', 'level: beginner', 'minutes: 10'];
    const [problem] = expectProblems(parseLesson(lessonSource(manifest, body), FILE));
    const cited = [...problem!.message.matchAll(/\bline (\d+)/g)].map((m) => Number(m[1]));
    for (const n of cited) assert.equal(n, problem!.line, `message "${problem!.message}" cites line ${n}, problem is at line ${problem!.line}`);
  });

  test('an unknown manifest key is reported at its line', () => {
    expectOneProblem(parseLesson(lessonSource([...MANIFEST, 'colour: blue'], body), FILE), 7, /unknown manifest key\(s\) "colour"/);
  });

  test('a missing title', () => {
    const manifest = MANIFEST.filter((l) => !l.startsWith('title:'));
    expectOneProblem(parseLesson(lessonSource(manifest, body), FILE), 1, /manifest "title": .*expected string/);
  });

  test('a bad level is reported at its line and lists the choices', () => {
    const manifest = MANIFEST.map((l) => (l.startsWith('level:') ? 'level: expert' : l));
    expectOneProblem(parseLesson(lessonSource(manifest, body), FILE), 5, /manifest "level": .*beginner.*intermediate.*advanced/);
  });

  test('an id that is not the folder name', () => {
    expectOneProblem(parseLesson(lessonSource(MANIFEST, body), FILE, 'other-folder'), 2, /id "my-lesson" must equal the folder name "other-folder"/);
  });

  test('an id that is not a slug', () => {
    const manifest = MANIFEST.map((l) => (l.startsWith('id:') ? 'id: My_Lesson' : l));
    expectOneProblem(parseLesson(lessonSource(manifest, body), FILE), 2, /manifest "id": must be lowercase letters, digits and dashes/);
  });

  test('a slide without a heading is reported at its first non-blank line', () => {
    const b = ['', '# Fine', '---', '', '', 'No heading here', '', 'more'];
    // The body starts on line 8; its '---' is line 10, so the slide starts on 11 and its first text is on 13.
    expectOneProblem(parseLesson(lessonSource(MANIFEST, b), FILE), 13, /a slide must begin with a "# Title" or "## Title" heading/);
  });

  test('a ### heading is not a slide title', () => {
    expectOneProblem(parseLesson(lessonSource(MANIFEST, ['### Too deep']), FILE), 8, /must begin with a "# Title"/);
  });

  test('an unknown code block option names it', () => {
    const b = ['# Slide', '', `${FENCE}sh run quietly`, 'ls', FENCE];
    expectOneProblem(parseLesson(lessonSource(MANIFEST, b), FILE), 10, /unknown code block option "quietly" \(known: run, copy, interrupt\)/);
  });

  test('interrupt on a copy block or a display block', () => {
    const b = ['# Slide', `${FENCE}sh copy interrupt`, 'ls', FENCE, `${FENCE}sh interrupt`, 'ls', FENCE];
    const problems = expectProblems(parseLesson(lessonSource(MANIFEST, b), FILE));
    assert.deepEqual(
      problems.map((p) => p.line),
      [9, 12],
    );
    for (const p of problems) assert.match(p.message, /"interrupt" only makes sense on a "run" block/);
  });

  test('an empty run block', () => {
    const b = ['# Slide', '', `${FENCE}sh run`, '   ', '', FENCE];
    expectOneProblem(parseLesson(lessonSource(MANIFEST, b), FILE), 10, /a "run" block has no command in it/);
  });

  test('an unclosed code fence is reported at its opening line', () => {
    const b = ['# Slide', '', 'text', `${FENCE}sh run`, 'ls', '', '---', '# Next'];
    expectOneProblem(parseLesson(lessonSource(MANIFEST, b), FILE), 11, /code block is never closed/);
  });

  test('a closing fence must be at least as long as the opening one', () => {
    const b = ['# Slide', '````sh', '```', 'still code', '````'];
    const l = expectLesson(parseLesson(lessonSource(MANIFEST, b), FILE));
    assert.deepEqual(l.slides[0]!.codeBlocks.map((c) => c.code), ['```\nstill code']);
  });

  test('no slides', () => {
    expectOneProblem(parseLesson(lessonSource(MANIFEST, ['', '   ', '---', '']), FILE), 8, /the lesson has no slides/);
    expectOneProblem(parseLesson(lessonSource(MANIFEST, []), FILE), 8, /the lesson has no slides/);
  });

  test('several problems are all reported', () => {
    const manifest = MANIFEST.map((l) => (l.startsWith('level:') ? 'level: expert' : l));
    const b = ['no heading', '---', '# Ok', `${FENCE}sh run bogus`, 'ls', FENCE];
    const problems = expectProblems(parseLesson(lessonSource(manifest, b), FILE));
    assert.deepEqual(
      problems.map((p) => p.line).sort((x, y) => x - y),
      [5, 8, 11],
    );
  });
});
