import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintCourse } from './lint';
import { LessonLibrary } from './lesson-library';

const base = mkdtempSync(join(tmpdir(), 'drydock-env-test-'));
let courses = 0;
after(() => rmSync(base, { recursive: true, force: true }));

/** A course of lessons whose manifests carry these extra lines (environment:, machines:). */
function course(lessons: Record<string, { prerequisites?: string[]; extra?: string[] }>): string {
  const root = join(base, `course-${++courses}`);
  for (const [id, spec] of Object.entries(lessons)) {
    mkdirSync(join(root, id), { recursive: true });
    const manifest = ['---', `id: ${id}`, `title: Lesson ${id}`, 'summary: A lesson for the environment tests.', 'level: beginner', 'minutes: 5', `prerequisites: [${(spec.prerequisites ?? []).join(', ')}]`, ...(spec.extra ?? []), '---'];
    writeFileSync(join(root, id, 'lesson.md'), [...manifest, '# A slide', '', 'Text.'].join('\n'));
  }
  return root;
}

const messages = (root: string): string[] => lintCourse(root).problems.map((p) => p.message);

describe('lesson environments: which sandbox a lesson runs in', () => {
  test('a lesson is fresh by default (its own environment, named after it); a continuing one follows the chain to the lesson that started it', () => {
    const root = course({
      one: {},
      two: { prerequisites: ['one'], extra: ['environment: { continues: one }'] },
      three: { prerequisites: ['two'], extra: ['environment: { continues: two }'] },
      lab: { extra: ['machines: 3'] },
      'lab-more': { prerequisites: ['lab'], extra: ['environment: { continues: lab }'] },
    });
    const library = new LessonLibrary(root);
    assert.deepEqual(library.environmentOf('one'), { environment: 'dind:one', startedBy: 'one', machines: 1 });
    assert.deepEqual(library.environmentOf('three'), { environment: 'dind:one', startedBy: 'one', machines: 1 });
    assert.deepEqual(library.environmentOf('lab-more'), { environment: 'dind:lab', startedBy: 'lab', machines: 3 }, 'machines come from the lesson that started it');
    assert.equal(library.environmentOf('nope'), undefined);
    assert.deepEqual(messages(root), []);
  });

  test('lint: an unknown lesson, one that is not a prerequisite, a cycle, and machines that differ from the started environment', () => {
    const root = course({
      a: { prerequisites: [], extra: ['environment: { continues: b }'] },
      b: { prerequisites: ['a'], extra: ['environment: { continues: a }'] },
      c: { extra: ['environment: { continues: ghost }'] },
      lab: { extra: ['machines: 3'] },
      d: { prerequisites: ['lab'], extra: ['environment: { continues: lab }', 'machines: 2'] },
    });
    const found = messages(root);
    assert.ok(found.includes('environment: continues "b", so list it in prerequisites too'), found.join('\n'));
    assert.ok(found.some((m) => /environment: continues forms a cycle: a → b → a/.test(m)), found.join('\n'));
    assert.ok(found.includes('environment: continues "ghost", which is not a lesson (or has errors)'), found.join('\n'));
    assert.ok(found.includes('machines: 2 differs from the 3 of "lab", whose environment this lesson continues (leave machines out)'), found.join('\n'));
    // A broken chain never shares another lesson's sandbox at run time: the lesson gets its own.
    assert.deepEqual(new LessonLibrary(root).environmentOf('c'), { environment: 'dind:c', startedBy: 'c', machines: 1 });
  });

  test('the manifest refuses a malformed environment and too many machines', () => {
    const root = course({ x: { extra: ['environment: shared'] }, y: { extra: ['machines: 9'] } });
    const found = messages(root).join('\n');
    assert.match(found, /environment/);
    assert.match(found, /machines/);
  });
});
