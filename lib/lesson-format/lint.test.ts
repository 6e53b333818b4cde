import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintCourse } from './lint';
import type { LessonProblem } from './schema';

const FENCE = '```';
const base = mkdtempSync(join(tmpdir(), 'drydock-lint-test-'));
let courses = 0;
after(() => rmSync(base, { recursive: true, force: true }));

interface LessonSpec {
  images?: string[];
  prerequisites?: string[];
  /** Body lines; the body starts on line 10 of lesson.md. */
  body?: string[];
  /** Replaces the whole file (for broken lessons). */
  raw?: string;
}

const BODY_START = 10;

function lessonMd(id: string, spec: LessonSpec): string {
  return [
    '---',
    `id: ${id}`,
    `title: Lesson ${id}`,
    'summary: A lesson for the linter tests.',
    'level: beginner',
    'minutes: 5',
    `images: [${(spec.images ?? []).join(', ')}]`,
    `prerequisites: [${(spec.prerequisites ?? []).join(', ')}]`,
    '---',
    ...(spec.body ?? ['# A slide', '', 'Some text.']),
  ].join('\n');
}

/** A fresh course folder with one `<id>/lesson.md` per entry. */
function course(lessons: Record<string, LessonSpec>): { root: string; file: (id: string) => string } {
  const root = join(base, `course-${++courses}`);
  mkdirSync(root);
  for (const [id, spec] of Object.entries(lessons)) {
    mkdirSync(join(root, id));
    writeFileSync(join(root, id, 'lesson.md'), spec.raw ?? lessonMd(id, spec));
  }
  return { root, file: (id) => relative(process.cwd(), join(root, id, 'lesson.md')) };
}

const summary = (problems: LessonProblem[]): string => JSON.stringify(problems, null, 1);

describe('lintCourse on a temporary course', () => {
  test('a clean course has no problems', () => {
    const { root } = course({
      basics: {
        images: ['busybox'],
        body: [
          '# Run', //                                        10
          `${FENCE}sh run`, //                                11
          'docker run --rm busybox:latest echo hi', //        12
          FENCE, //                                           13
          '---', //                                           14
          '# Build', //                                       15
          `${FENCE}dockerfile`,
          'FROM busybox AS build',
          'FROM scratch',
          'COPY --from=build /bin/busybox /bin/busybox',
          FENCE,
          `${FENCE}sh run`,
          'docker build -t myapp . && docker run --rm myapp',
          FENCE,
          'Next: [the follow-up](/lessons/follow-up#2).',
        ],
      },
      'follow-up': { prerequisites: ['basics'], body: ['# Back', 'See [basics](/lessons/basics).'] },
    });
    const { lessons, problems } = lintCourse(root);
    assert.deepEqual(problems, []);
    assert.deepEqual(lessons.map((l) => [l.id, l.ok]), [['basics', true], ['follow-up', true]]);
  });

  test('an undeclared image is reported at the line of its code block', () => {
    const { root, file } = course({
      images: {
        images: ['busybox'],
        body: [
          '# One', //                           10
          '', //                                11
          `${FENCE}sh run`, //                  12
          'docker run --rm busybox true', //    13
          'docker run --rm alpine true', //     14
          FENCE, //                             15
        ],
      },
    });
    assert.deepEqual(lintCourse(root).problems, [
      { file: file('images'), line: 12, message: `image "alpine" is used but not declared in the manifest's images (lessons must work offline)` },
    ]);
  });

  test('build stages are not undeclared images, with or without FROM --platform=…', () => {
    const { root } = course({
      stages: {
        images: ['busybox'],
        body: [
          '# Stages',
          `${FENCE}dockerfile`,
          'FROM busybox AS build',
          'FROM build AS test',
          '',
          'FROM --platform=$BUILDPLATFORM busybox AS cross',
          'FROM cross',
          FENCE,
        ],
      },
    });
    assert.deepEqual(lintCourse(root).problems, []);
  });

  test('an undeclared image in an exercise solution is reported at the exercise fence', () => {
    const { root, file } = course({
      solved: {
        images: ['busybox'],
        body: [
          '# Exercise', //                      10
          `${FENCE}exercise`, //                11
          'id: do-it',
          'title: Do it',
          'checks:',
          '  - shell: "true"',
          '    fail: never',
          'solution: docker pull nginx',
          FENCE,
        ],
      },
    });
    assert.deepEqual(lintCourse(root).problems.map((p) => [p.file, p.line, p.message]), [
      [file('solved'), 11, `image "nginx" is used but not declared in the manifest's images (lessons must work offline)`],
    ]);
  });

  test('a preview link must name a port', () => {
    const { root, file } = course({
      linker: { body: ['# First', 'Open [your site](preview:9090), not [this](preview:web) or [that](preview:70000).'] },
    });
    assert.deepEqual(lintCourse(root).problems.map((p) => [p.file, p.message]), [
      [file('linker'), 'link to preview:web names no port: write preview:<1–65535>, e.g. preview:9090'],
      [file('linker'), 'link to preview:70000 names no port: write preview:<1–65535>, e.g. preview:9090'],
    ]);
  });

  test('a link to a missing lesson is reported at its slide', () => {
    const { root, file } = course({
      linker: { body: ['# First', 'fine', '---', '# Second', 'See [this](/lessons/nowhere) and [that](/lessons/linker).'] },
    });
    assert.deepEqual(lintCourse(root).problems, [{ file: file('linker'), line: 13, message: 'link to /lessons/nowhere points to no lesson' }]);
  });

  test('an editor link with a path the editor would refuse is reported at its slide', () => {
    const { root, file } = course({
      editing: { body: ['# First', 'fine', '---', '# Second', 'Open [it](editor:/root/app/Dockerfile), not [this](editor:root/x) or [that](editor:/root/../etc/shadow).'] },
    });
    assert.deepEqual(lintCourse(root).problems, [
      { file: file('editing'), line: 13, message: 'editor link "editor:root/x": the path must be absolute (start with /)' },
      { file: file('editing'), line: 13, message: 'editor link "editor:/root/../etc/shadow": the path must be normalized (no . or .. segments)' },
    ]);
  });

  test('an unknown prerequisite', () => {
    const { root, file } = course({ needy: { prerequisites: ['ghost'] } });
    assert.deepEqual(lintCourse(root).problems, [{ file: file('needy'), line: 1, message: 'prerequisite "ghost" is not a lesson in lessons/' }]);
  });

  test('a lesson that is its own prerequisite', () => {
    const { root, file } = course({ selfish: { prerequisites: ['selfish'] } });
    const { problems } = lintCourse(root);
    assert.ok(problems.length >= 1, summary(problems));
    assert.ok(problems.some((p) => p.message === 'a lesson cannot be its own prerequisite'), summary(problems));
    for (const p of problems) {
      assert.equal(p.file, file('selfish'));
      assert.ok(p.message === 'a lesson cannot be its own prerequisite' || p.message === 'prerequisites form a cycle: selfish → selfish', p.message);
    }
  });

  test('a prerequisite cycle is reported once, listing the cycle', () => {
    const { root, file } = course({
      alpha: { prerequisites: ['beta'] },
      beta: { prerequisites: ['gamma'] },
      gamma: { prerequisites: ['alpha'] },
      delta: { prerequisites: ['alpha'] },
    });
    assert.deepEqual(lintCourse(root).problems, [{ file: file('alpha'), line: 1, message: 'prerequisites form a cycle: alpha → beta → gamma → alpha' }]);
  });

  test('a lesson that does not parse is reported without hiding the other lessons’ problems', () => {
    const { root, file } = course({
      broken: { raw: '# No manifest here\n' },
      fine: { body: ['# Slide', `${FENCE}sh run`, 'docker run --rm alpine true', FENCE] },
    });
    const { lessons, problems } = lintCourse(root);
    assert.deepEqual(problems, [
      { file: file('broken'), line: 1, message: 'lesson.md must start with a "---" line opening the YAML manifest' },
      { file: file('fine'), line: BODY_START + 1, message: `image "alpine" is used but not declared in the manifest's images (lessons must work offline)` },
    ]);
    assert.deepEqual(lessons.map((l) => [l.id, l.ok]), [['broken', false], ['fine', true]]);
  });

  test('a link to a lesson that exists but does not parse is not a missing lesson', () => {
    const { root, file } = course({ broken: { raw: 'nothing\n' }, linker: { body: ['# Slide', '[b](/lessons/broken)'] } });
    assert.deepEqual(lintCourse(root).problems.map((p) => p.file), [file('broken')]);
  });

  test('problems are sorted by file, then line', () => {
    const { root, file } = course({
      zulu: {
        prerequisites: ['nothing-here'],
        body: ['# One', `${FENCE}sh run`, 'docker run --rm alpine true', FENCE, '---', '# Two', '[x](/lessons/missing)', `${FENCE}sh run`, 'docker pull nginx', FENCE],
      },
      alpha: { body: ['# One', '[x](/lessons/gone)', `${FENCE}sh run`, 'docker pull redis', FENCE] },
    });
    assert.deepEqual(
      lintCourse(root).problems.map((p) => [p.file, p.line]),
      [
        [file('alpha'), 10], // link (slide line)
        [file('alpha'), 12], // redis (fence line)
        [file('zulu'), 1], // prerequisite
        [file('zulu'), 11], // alpine
        [file('zulu'), 15], // link on the second slide
        [file('zulu'), 17], // nginx
      ],
    );
  });

  test('an empty or missing folder is an empty course', () => {
    const { root } = course({});
    assert.deepEqual(lintCourse(root), { lessons: [], problems: [] });
    assert.deepEqual(lintCourse(join(root, 'does-not-exist')), { lessons: [], problems: [] });
  });
});

describe('lintCourse on the real course', () => {
  test('lessons/ lints clean', () => {
    const { lessons, problems } = lintCourse(fileURLToPath(new URL('../../lessons', import.meta.url)));
    assert.ok(lessons.length > 0, 'no lessons found');
    assert.deepEqual(problems, [], problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n'));
    assert.ok(lessons.every((l) => l.ok));
  });
});

describe('lintCourse: lessons/course.yaml', () => {
  const messages = (root: string): string[] => lintCourse(root).problems.map((p) => p.message);

  test('a course file listing every lesson after its prerequisites is clean, and orders nothing wrongly', () => {
    const { root } = course({ first: {}, second: { prerequisites: ['first'] } });
    writeFileSync(join(root, 'course.yaml'), 'lessons:\n  - first\n  - second\n');
    assert.deepEqual(messages(root), []);
  });

  test('reports an unlisted lesson, an unknown id, a duplicate, and a lesson before its prerequisite', () => {
    const { root } = course({ first: {}, second: { prerequisites: ['first'] }, third: {} });
    writeFileSync(join(root, 'course.yaml'), 'lessons:\n  - second\n  - first\n  - ghost\n  - first\n');
    const found = messages(root);
    assert.ok(found.includes('lesson "third" is not listed, so it has no place in the course'), summary(lintCourse(root).problems));
    assert.ok(found.includes('"ghost" is listed but there is no lessons/ghost/lesson.md'));
    assert.ok(found.includes('"first" is listed twice'));
    assert.ok(found.includes('"second" comes before its prerequisite "first"'));
  });

  test('a malformed course file is one clear problem', () => {
    const { root } = course({ first: {} });
    writeFileSync(join(root, 'course.yaml'), 'order: [first]\n');
    const found = messages(root);
    assert.equal(found.length, 1);
    assert.match(found[0]!, /^course\.yaml must be "lessons:" followed by a list of lesson ids/);
  });
});
