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
      environment: 'fresh',
      machines: 1,
      images: [],
      prerequisites: [],
      values: {},
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
        [{ lang: 'sh', mode: 'run', interrupt: false, ci: 'runs', code: 'docker ps', line: 13 }],
        [
          { lang: 'sh', mode: 'run', interrupt: true, ci: 'runs', code: 'docker run -it busybox', line: 24 },
          { lang: 'sh', mode: 'copy', interrupt: false, ci: 'runs', code: 'echo copy me', line: 28 },
        ],
        [{ lang: 'dockerfile', mode: 'display', interrupt: false, ci: 'runs', code: 'FROM busybox\n---\nRUN true', line: 36 }],
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
    expectOneProblem(parseLesson(lessonSource(MANIFEST, b), FILE), 10, /unknown code block option "quietly" \(known: run, copy, interrupt, fails, foreground, skip-ci, self-check\)/);
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

  test('what content CI expects of a run block: fails, foreground, skip-ci; runs by default', () => {
    const b = ['# Slide', `${FENCE}sh run fails`, 'false', FENCE, `${FENCE}sh run interrupt foreground`, 'top', FENCE, `${FENCE}sh run skip-ci`, 'ls', FENCE, `${FENCE}sh run`, 'ls', FENCE];
    const parsed = parseLesson(lessonSource(MANIFEST, b), FILE);
    assert.ok(parsed.ok, JSON.stringify(parsed));
    assert.deepEqual(
      parsed.lesson.slides[0]!.codeBlocks.map((c) => [c.ci, c.interrupt]),
      [['fails', false], ['foreground', true], ['skip', false], ['runs', false]],
    );
  });

  test('fails, foreground and skip-ci only on a run block, and one at a time', () => {
    const b = ['# Slide', `${FENCE}sh copy fails`, 'ls', FENCE, `${FENCE}sh foreground`, 'ls', FENCE, `${FENCE}sh run fails skip-ci`, 'ls', FENCE];
    const problems = expectProblems(parseLesson(lessonSource(MANIFEST, b), FILE));
    assert.deepEqual(
      problems.map((p) => [p.line, p.message]),
      [
        [9, '"fails", "foreground", "skip-ci" and "self-check" only make sense on a "run" block'],
        [12, '"fails", "foreground", "skip-ci" and "self-check" only make sense on a "run" block'],
        [15, 'a run block takes one of "fails", "foreground", "skip-ci" and "self-check", not several'],
      ],
    );
  });

  test('a copy block after an editor link is that file; the last link before it counts, and a run block is never a file', () => {
    const b = [
      '# Slide',
      '[Open one](editor:/root/a.txt), or rather [the other](editor:/root/demo/compose.yaml), paste and save:', // 9
      `${FENCE}yaml copy`, // 10
      'services: {}',
      FENCE,
      `${FENCE}sh run`, // 13
      'cat /root/demo/compose.yaml',
      FENCE,
      'Then, with no link between:',
      `${FENCE}sh copy`, // 17
      'echo not a file',
      FENCE,
    ];
    const parsed = parseLesson(lessonSource(MANIFEST, b), FILE);
    assert.ok(parsed.ok, JSON.stringify(parsed));
    assert.deepEqual(
      parsed.lesson.slides[0]!.codeBlocks.map((c) => [c.line, c.mode, c.file]),
      [
        [10, 'copy', '/root/demo/compose.yaml'],
        [13, 'run', undefined],
        [17, 'copy', undefined],
      ],
    );
  });

  test('self-check belongs on an exercise\'s slide', () => {
    const b = ['# Slide', `${FENCE}sh run self-check`, 'curl localhost:8080', FENCE];
    expectOneProblem(parseLesson(lessonSource(MANIFEST, b), FILE), 9, /"self-check" is for a block on an exercise's slide/);
    const onExercise = [...exerciseBody(EXERCISE_YAML), `${FENCE}sh run self-check`, 'docker ps', FENCE];
    const parsed = parseLesson(lessonSource(MANIFEST, onExercise), FILE);
    assert.ok(parsed.ok, JSON.stringify(parsed));
    assert.deepEqual(parsed.lesson.slides[0]!.codeBlocks.map((c) => c.ci), ['runs', 'self-check']);
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

/** An exercise block's YAML lines (without fences), to vary per test. */
const EXERCISE_YAML = [
  'id: make-box', //                                        +1
  'title: Run a container named `box`', //                   +2
  'checks:', //                                              +3
  '  - shell: docker inspect box-check-marker-one', //     +4
  '    fail: There is no container named box.', //           +5
  '  - shell: |', //                                         +6
  '      echo check-marker-two', //                          +7
  '      exit 1', //                                         +8
  '    fail: The second check failed.', //                   +9
  'solution: |', //                                          +10
  '  docker run -d --name box busybox sleep 600 solution-marker', // +11
  'hints:', //                                               +12
  '  - Use `docker run`.', //                                +13
  '  - Give it a name with --name.', //                      +14
];

/**
 * A lesson whose first slide holds an exercise: the ```exercise fence is on
 * line 12, so YAML line k (1-based) is on line 12 + k.
 */
const exerciseBody = (yaml: string[]): string[] => [
  '', //                      8
  '# Try it', //              9
  '', //                     10
  'Before the exercise.', // 11
  `${FENCE}exercise`, //     12
  ...yaml,
  FENCE,
  '',
  'After the exercise.',
  '',
  `${FENCE}sh run`,
  'docker ps -a',
  FENCE,
];
const EXERCISE_FENCE_LINE = 12;
/** The lesson.md line of a YAML line of the exercise, found by its text. */
const yamlLine = (yaml: string[], startsWith: string): number => {
  const i = yaml.findIndex((l) => l.startsWith(startsWith));
  assert.ok(i >= 0, `no YAML line starts with ${JSON.stringify(startsWith)}`);
  return EXERCISE_FENCE_LINE + 1 + i;
};
const withYaml = (yaml: string[]): ParseResult => parseLesson(lessonSource(MANIFEST, exerciseBody(yaml)), FILE);
const replaceLine = (yaml: string[], startsWith: string, replacement: string[]): string[] => {
  const i = yaml.findIndex((l) => l.startsWith(startsWith));
  assert.ok(i >= 0, `no YAML line starts with ${JSON.stringify(startsWith)}`);
  return [...yaml.slice(0, i), ...replacement, ...yaml.slice(i + 1)];
};
/** Drops a top-level key and its indented continuation lines. */
const withoutKey = (yaml: string[], key: string): string[] => {
  const out: string[] = [];
  let dropping = false;
  for (const l of yaml) {
    if (/^\S/.test(l)) dropping = l.startsWith(`${key}:`);
    if (!dropping) out.push(l);
  }
  return out;
};

describe('parseLesson: exercises', () => {
  test('a valid exercise parses, with the default timeout and the fence line', () => {
    const lesson = expectLesson(withYaml(EXERCISE_YAML));
    assert.equal(lesson.slides.length, 1);
    assert.deepEqual(lesson.slides[0]!.exercise, {
      id: 'make-box',
      title: 'Run a container named `box`',
      checks: [
        { shell: 'docker inspect box-check-marker-one', fail: 'There is no container named box.' },
        { shell: 'echo check-marker-two\nexit 1\n', fail: 'The second check failed.' },
      ],
      solution: 'docker run -d --name box busybox sleep 600 solution-marker\n',
      hints: ['Use `docker run`.', 'Give it a name with --name.'],
      timeoutSeconds: 20,
      line: EXERCISE_FENCE_LINE,
    });
  });

  test('hints are optional (default []) and timeoutSeconds can be set', () => {
    const yaml = [...withoutKey(EXERCISE_YAML, 'hints'), 'timeoutSeconds: 90'];
    const exercise = expectLesson(withYaml(yaml)).slides[0]!.exercise!;
    assert.deepEqual(exercise.hints, []);
    assert.equal(exercise.timeoutSeconds, 90);
  });

  test('the exercise block is neither part of the body nor of the code blocks; the rest of the slide is', () => {
    const slide = expectLesson(withYaml(EXERCISE_YAML)).slides[0]!;
    for (const hidden of [`${FENCE}exercise`, 'make-box', 'Run a container named', 'check-marker-one', 'check-marker-two', 'solution-marker', 'Use `docker run`']) {
      assert.ok(!slide.body.includes(hidden), `body contains ${JSON.stringify(hidden)}: ${slide.body}`);
    }
    assert.equal(slide.body, ['# Try it', '', 'Before the exercise.', '', 'After the exercise.', '', `${FENCE}sh run`, 'docker ps -a', FENCE].join('\n'));
    assert.deepEqual(slide.codeBlocks, [{ lang: 'sh', mode: 'run', interrupt: false, ci: 'runs', code: 'docker ps -a', line: EXERCISE_FENCE_LINE + EXERCISE_YAML.length + 5 }]);
  });

  test('a slide without an exercise has no exercise property', () => {
    const lesson = expectLesson(parseLesson(lessonSource(MANIFEST, VALID_BODY), FILE));
    for (const s of lesson.slides) assert.ok(!('exercise' in s), `slide ${s.index} has an exercise key`);
  });

  test('invalid YAML inside the block is reported at its line in lesson.md', () => {
    const yaml = replaceLine(EXERCISE_YAML, 'title:', ['title: a: b']);
    expectOneProblem(withYaml(yaml), yamlLine(yaml, 'title:'), /the exercise is not valid YAML: Nested mappings/);
  });

  test('an invalid-YAML message in an exercise does not cite a line number other than its own', () => {
    const yaml = replaceLine(EXERCISE_YAML, 'title:', ['title: a: b']);
    const [problem] = expectProblems(withYaml(yaml));
    const cited = [...problem!.message.matchAll(/\bline (\d+)/g)].map((m) => Number(m[1]));
    for (const n of cited) assert.equal(n, problem!.line, `message "${problem!.message}" cites line ${n}, problem is at line ${problem!.line}`);
  });

  test('an unknown exercise key is reported at its line', () => {
    const yaml = [...EXERCISE_YAML, 'difficulty: hard'];
    expectOneProblem(withYaml(yaml), yamlLine(yaml, 'difficulty:'), /unknown exercise key\(s\) "difficulty" at top level/);
  });

  test('an unknown key inside a check is reported inside the checks list, naming the key and the check', () => {
    const yaml = replaceLine(EXERCISE_YAML, '    fail: There is no', ['    fail: There is no container named box.', '    retries: 3']);
    const problems = expectProblems(withYaml(yaml));
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0]!.message, /unknown exercise key\(s\) "retries" at checks\.0/);
    // The right place is the "checks:" line, the check's item or the key itself — not some other line of the block.
    const line = problems[0]!.line;
    assert.ok(
      line >= yamlLine(yaml, 'checks:') && line <= yamlLine(yaml, '    retries:'),
      `reported at line ${line}, expected between the "checks:" line ${yamlLine(yaml, 'checks:')} and the "retries:" line ${yamlLine(yaml, '    retries:')}`,
    );
  });

  test('missing checks', () => {
    const yaml = withoutKey(EXERCISE_YAML, 'checks');
    expectOneProblem(withYaml(yaml), EXERCISE_FENCE_LINE + 1, /exercise "checks": .*expected array/);
  });

  test('empty checks', () => {
    const yaml = [...withoutKey(EXERCISE_YAML, 'checks'), 'checks: []'];
    expectOneProblem(withYaml(yaml), yamlLine(yaml, 'checks:'), /exercise "checks": an exercise needs at least one check/);
  });

  test('a check without "fail"', () => {
    const yaml = EXERCISE_YAML.filter((l) => !l.startsWith('    fail: There is no'));
    const problems = expectProblems(withYaml(yaml));
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0]!.message, /exercise "checks\.0\.fail": .*expected string/);
    const line = problems[0]!.line;
    assert.ok(line >= yamlLine(yaml, 'checks:') && line <= yamlLine(yaml, '  - shell: docker inspect'), `reported at line ${line}`);
  });

  test('a check with an empty "fail" says what it is for', () => {
    const yaml = replaceLine(EXERCISE_YAML, '    fail: There is no', ['    fail: ""']);
    const problems = expectProblems(withYaml(yaml));
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0]!.message, /exercise "checks\.0\.fail": say what the learner should see when this check fails/);
  });

  test('missing solution', () => {
    const yaml = withoutKey(EXERCISE_YAML, 'solution');
    expectOneProblem(withYaml(yaml), EXERCISE_FENCE_LINE + 1, /exercise "solution": .*expected string/);
  });

  test('an empty solution', () => {
    const yaml = replaceLine(withoutKey(EXERCISE_YAML, 'solution'), 'hints:', ['solution: ""', 'hints:']);
    expectOneProblem(withYaml(yaml), yamlLine(yaml, 'solution:'), /exercise "solution": every exercise ships a reference solution/);
  });

  test('a bad id is reported at its line', () => {
    const yaml = replaceLine(EXERCISE_YAML, 'id:', ['id: Make_Box']);
    expectOneProblem(withYaml(yaml), yamlLine(yaml, 'id:'), /exercise "id": must be lowercase letters, digits and dashes/);
  });

  test('timeoutSeconds out of range (0, 121) or not an integer is reported at its line', () => {
    for (const value of ['0', '121', '2.5']) {
      const yaml = [...EXERCISE_YAML, `timeoutSeconds: ${value}`];
      expectOneProblem(withYaml(yaml), yamlLine(yaml, 'timeoutSeconds:'), /exercise "timeoutSeconds": /);
    }
    expectLesson(withYaml([...EXERCISE_YAML, 'timeoutSeconds: 1']));
    expectLesson(withYaml([...EXERCISE_YAML, 'timeoutSeconds: 120']));
  });

  test('two exercise blocks on one slide: the second is reported at its fence', () => {
    const other = replaceLine(EXERCISE_YAML, 'id:', ['id: another-one']);
    const body = [...exerciseBody(EXERCISE_YAML), '', `${FENCE}exercise`, ...other, FENCE];
    const secondFence = 7 + body.length - other.length - 1;
    expectOneProblem(parseLesson(lessonSource(MANIFEST, body), FILE), secondFence, /a slide holds at most one exercise/);
  });

  test('the same exercise id on two slides: the second is reported, citing the first', () => {
    const body = [...exerciseBody(EXERCISE_YAML), '---', '# Again', `${FENCE}exercise`, ...EXERCISE_YAML, FENCE];
    const secondFence = 7 + body.length - EXERCISE_YAML.length - 1;
    expectOneProblem(
      parseLesson(lessonSource(MANIFEST, body), FILE),
      secondFence,
      new RegExp(`exercise id "make-box" is already used at line ${EXERCISE_FENCE_LINE}$`),
    );
  });

  test('different exercise ids on two slides are fine', () => {
    const other = replaceLine(EXERCISE_YAML, 'id:', ['id: another-one']);
    const body = [...exerciseBody(EXERCISE_YAML), '---', '# Again', `${FENCE}exercise`, ...other, FENCE];
    const lesson = expectLesson(parseLesson(lessonSource(MANIFEST, body), FILE));
    assert.deepEqual(lesson.slides.map((s) => [s.exercise?.id, s.exercise?.line]), [['make-box', EXERCISE_FENCE_LINE], ['another-one', 7 + body.length - other.length - 1]]);
  });
});
