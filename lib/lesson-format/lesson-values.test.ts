import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fillLearnerValues, fillText, hasLearnerValues, placeholderNames } from '../../protocol/lesson-values';
import { instantiate, instantiateExercise, lessonValuesKey, sampleValues, valuesFor } from './lesson-values';
import { lintCourse } from './lint';
import { parseLesson } from './parse';
import { renderInline, renderSlides } from './render';
import type { ValueGenerator } from './schema';

const FENCE = '```';
const KEY = lessonValuesKey(Buffer.from('a site secret for the tests'));
const GENERATORS: Record<string, ValueGenerator> = { port: { port: [9000, 9099] }, name: { word: 6 }, colour: { pick: ['red', 'green', 'blue'] }, tag: { hex: 8 } };

describe('valuesFor: values derived per learner', () => {
  test('deterministic: the same learner, lesson and key give the same values', () => {
    assert.deepEqual(valuesFor(GENERATORS, 'learner-a', 'containers-101', KEY), valuesFor(GENERATORS, 'learner-a', 'containers-101', KEY));
  });

  test('each value fits its generator, over many learners', () => {
    for (let i = 0; i < 500; i++) {
      const v = valuesFor(GENERATORS, randomBytes(16).toString('base64url'), 'lesson', KEY);
      assert.ok(Number(v.port) >= 9000 && Number(v.port) <= 9099 && /^\d+$/.test(v.port!), v.port);
      assert.match(v.name!, /^[bdfgklmnprstvz][aeiou][bdfgklmnprstvz][aeiou][bdfgklmnprstvz][aeiou]$/);
      assert.ok(['red', 'green', 'blue'].includes(v.colour!), v.colour);
      assert.match(v.tag!, /^[0-9a-f]{8}$/);
    }
  });

  test('the whole range is reached, about evenly (100 ports, 20 000 learners)', () => {
    const seen = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const port = valuesFor({ port: { port: [9000, 9099] } }, `learner-${i}`, 'lesson', KEY).port!;
      seen.set(port, (seen.get(port) ?? 0) + 1);
    }
    assert.equal(seen.size, 100);
    // 200 expected per port; a count outside 120–280 is > 5.6 sigma away.
    for (const [port, n] of seen) assert.ok(n > 120 && n < 280, `port ${port} drawn ${n} times`);
  });

  test('different learners, lessons and keys get different values', () => {
    const ports = new Set(Array.from({ length: 50 }, (_, i) => valuesFor({ p: { port: [10_000, 60_000] } }, `learner-${i}`, 'l', KEY).p));
    assert.ok(ports.size >= 48, `only ${ports.size} distinct ports for 50 learners`);
    const a = valuesFor(GENERATORS, 'learner-a', 'one', KEY);
    assert.notDeepEqual(a, valuesFor(GENERATORS, 'learner-a', 'two', KEY));
    assert.notDeepEqual(a, valuesFor(GENERATORS, 'learner-a', 'one', lessonValuesKey(Buffer.from('another site'))));
  });

  test('values of one lesson never collide when the range allows (two ports out of two)', () => {
    for (let i = 0; i < 200; i++) {
      const v = valuesFor({ a: { port: [9000, 9001] }, b: { port: [9000, 9001] } }, `learner-${i}`, 'l', KEY);
      assert.notEqual(v.a, v.b);
    }
  });

  test('the key is a sub-key: not the cookie secret, the same for the same secret', () => {
    const secret = randomBytes(32);
    assert.notDeepEqual(lessonValuesKey(secret), secret);
    assert.deepEqual(lessonValuesKey(secret), lessonValuesKey(Buffer.from(secret)));
  });

  test('sample values: the lowest port, the first word', () => {
    assert.deepEqual(sampleValues(GENERATORS), { port: '9000', name: 'bbbbbb', colour: 'red', tag: '00000000' });
  });
});

describe('instantiate: placeholders replaced in every string', () => {
  test('deep, in objects and arrays; numbers, booleans and keys untouched; the argument unchanged', () => {
    const value = { a: 'port ${{ port }}', b: ['${{port}}:80', { c: 'x-${{ name }}-y ${{ name }}' }], n: 3, t: true, '${{ port }}': 'k', unknown: '${{ other }}' };
    const copy = structuredClone(value);
    assert.deepEqual(instantiate(value, { port: '9042', name: 'bakolu' }), {
      a: 'port 9042',
      b: ['9042:80', { c: 'x-bakolu-y bakolu' }],
      n: 3,
      t: true,
      '${{ port }}': 'k',
      unknown: '${{ other }}',
    });
    assert.deepEqual(value, copy);
  });

  test('Docker and shell syntax is not a placeholder', () => {
    const text = `docker inspect --format '{{.State.Status}}' x; echo \${HOME} {{ port }} $\{port}`;
    assert.deepEqual(placeholderNames(text), []);
    assert.equal(fillText(text, { port: '1' }), text);
  });
});

const lessonSource = (body: string[], values = 'values:\n  port: { port: [9000, 9099] }\n  box: { word: 5 }'): string =>
  ['---', 'id: drawn', 'title: Drawn', 'summary: Values drawn per learner.', 'level: beginner', 'minutes: 1', 'images: [busybox]', values, '---', ...body].join('\n');

const EXERCISE = [
  '# Serve it', //                                                  10
  '',
  'Publish on port **${{ port }}**, as `${{ box }}`; see [your site](preview:${{port}}).',
  '',
  `${FENCE}sh run`,
  'docker run -d --name ${{ box }} -p ${{ port }}:80 busybox httpd -f -p 80',
  FENCE,
  '',
  `${FENCE}exercise`,
  'id: serve',
  'title: Serve on port ${{ port }}',
  'checks:',
  '  - docker: { container: "${{ box }}", running: true, publishes: ["${{ port }}:80"] }',
  '    fail: ${{ box }} must publish ${{ port }}.',
  '  - shell: curl -fsS localhost:${{ port }}',
  '    fail: nothing answers',
  'solution: docker run -d --name ${{ box }} -p ${{ port }}:80 busybox httpd -f -p 80',
  'hints: ["-p ${{ port }}:80"]',
  FENCE,
];

describe('lessons with values', () => {
  test('an exercise is judged with sample values but keeps its placeholders, and instantiates per learner', () => {
    const parsed = parseLesson(lessonSource(EXERCISE), 'drawn.md');
    if (!parsed.ok) assert.fail(JSON.stringify(parsed.problems));
    const exercise = parsed.lesson.slides[0]!.exercise!;
    assert.deepEqual(exercise.checks[0], { docker: { container: '${{ box }}', running: true, publishes: ['${{ port }}:80'] }, fail: '${{ box }} must publish ${{ port }}.' });
    const mine = instantiateExercise(exercise, { port: '9042', box: 'bakol' });
    assert.equal(mine.title, 'Serve on port 9042');
    assert.deepEqual(mine.checks[0], { docker: { container: 'bakol', running: true, publishes: ['9042:80'] }, fail: 'bakol must publish 9042.' });
    assert.equal((mine.checks[1] as { shell: string }).shell, 'curl -fsS localhost:9042');
    assert.equal(mine.solution, 'docker run -d --name bakol -p 9042:80 busybox httpd -f -p 80');
    assert.deepEqual(mine.hints, ['-p 9042:80']);
    assert.equal(mine.line, exercise.line);
  });

  test('a wrong shape is still reported once values are in (a port mapping with a word in it)', () => {
    const body = EXERCISE.map((l) => l.replace('publishes: ["${{ port }}:80"]', 'publishes: ["${{ box }}:80"]'));
    const parsed = parseLesson(lessonSource(body), 'drawn.md');
    assert.equal(parsed.ok, false);
    assert.match(JSON.stringify(!parsed.ok && parsed.problems), /write HOST:CONTAINER/);
  });

  test('a bad generator is a manifest problem', () => {
    const parsed = parseLesson(lessonSource(['# S'], 'values:\n  Port: { port: [9, 1] }'), 'drawn.md');
    assert.equal(parsed.ok, false);
    assert.match(JSON.stringify(!parsed.ok && parsed.problems), /value names are lowercase/);
  });

  test('rendering: each placeholder becomes an element, in prose, inline code, highlighted code and hints; the deck fills it', () => {
    const parsed = parseLesson(lessonSource(EXERCISE), 'drawn.md');
    if (!parsed.ok) assert.fail(JSON.stringify(parsed.problems));
    const html = renderSlides(parsed.lesson.slides)[0]!.html;
    assert.ok(!html.includes('${{'), html);
    assert.match(html, /<strong><span class="learner-value" data-value="port">port<\/span><\/strong>/);
    assert.match(html, /<code><span class="learner-value" data-value="box">box<\/span><\/code>/);
    // In the highlighted block: intact elements, neither coloured as shell syntax nor split by it.
    const code = /<code class="hljs">([\s\S]*?)<\/code>/.exec(html)![1]!;
    assert.match(code, /--name <span class="learner-value" data-value="box">box<\/span> -p <span class="learner-value" data-value="port">port<\/span>:80/);
    assert.ok(!/[\ue000-\uf8ff]/.test(html), 'a sentinel is left in the HTML');
    assert.match(html, /<a href="\/preview\/learner-value:port" target="_blank" rel="noopener noreferrer" data-preview-value="port">your site<\/a>/);
    assert.ok(hasLearnerValues(html));
    assert.equal(renderInline('-p ${{ port }}:80'), '-p <span class="learner-value" data-value="port">port</span>:80');

    const filled = fillLearnerValues(html, { port: '9042', box: 'ba<ol' });
    assert.match(filled, /<strong><span class="learner-value" data-value="port" data-filled="true">9042<\/span><\/strong>/);
    assert.match(filled, /data-value="box" data-filled="true">ba&lt;ol</);
    assert.match(filled, /<a href="\/preview\/9042" target="_blank" rel="noopener noreferrer" data-preview-port="9042">your site<\/a>/);
    const text = /<code class="hljs">([\s\S]*?)<\/code>/.exec(filled)![1]!.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<');
    assert.equal(text, 'docker run -d --name ba<ol -p 9042:80 busybox httpd -f -p 80');
  });

  test('lint: an undeclared value, a malformed placeholder and an unused value, each at its line', () => {
    const root = mkdtempSync(join(tmpdir(), 'drydock-values-lint-'));
    try {
      mkdirSync(join(root, 'drawn'));
      const body = [
        '# One', //                          12 (the manifest has 3 lines of values)
        'Port ${{ port }}.', //              13
        'Name ${{ nmae }}.', //              14
        'And ${{ Box }}.', //                15
      ];
      writeFileSync(join(root, 'drawn', 'lesson.md'), lessonSource(body, 'values:\n  port: { port: [9000, 9099] }\n  box: { word: 5 }'));
      const file = relative(process.cwd(), join(root, 'drawn', 'lesson.md'));
      assert.deepEqual(lintCourse(root).problems, [
        { file, line: 8, message: 'value "box" is declared but nothing uses ${{ box }}' },
        { file, line: 14, message: '${{ nmae }} names no value: declare "nmae" under values: in the manifest (declared: port, box)' },
        { file, line: 15, message: `"\${{ Box }}" is not a placeholder: write \${{ name }}, with a declared value's name (lowercase letters, digits, dashes)` },
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('lint: a placeholder in an exercise title (the grid and the exports show titles without anyone\'s values)', () => {
    const root = mkdtempSync(join(tmpdir(), 'drydock-values-lint-'));
    try {
      mkdirSync(join(root, 'drawn'));
      writeFileSync(join(root, 'drawn', 'lesson.md'), lessonSource(EXERCISE));
      const file = relative(process.cwd(), join(root, 'drawn', 'lesson.md'));
      const problems = lintCourse(root).problems.filter((p) => /title/.test(p.message));
      assert.equal(problems.length, 1, JSON.stringify(lintCourse(root).problems));
      assert.equal(problems[0]!.file, file);
      assert.match(problems[0]!.message, /exercise "serve": its title has a placeholder/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
