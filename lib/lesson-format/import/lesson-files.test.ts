import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCourseOrder } from '../loader';
import { DeckImportError } from './deck';
import { idFromFileName, lintLessonAlone, writeLesson } from './lesson-files';

const scratch = mkdtempSync(join(tmpdir(), 'drydock-import-files-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const LESSON = (id: string) => `---\nid: ${id}\ntitle: T\nsummary: S\nlevel: beginner\nminutes: 2\nprofile: dind\nimages: []\nprerequisites: []\n---\n\n# T\n\nText.\n`;

test('idFromFileName makes a lesson id of the file name, or asks for --id', () => {
  assert.equal(idFromFileName('/decks/Docker 101 (Basics).md'), 'docker-101-basics');
  assert.equal(idFromFileName('000_7dfaff0a.txt'), '000-7dfaff0a');
  assert.throws(() => idFromFileName('___.md'), /give one with --id/);
});

test('lintLessonAlone: the problems npm run lessons:lint would report for the lesson', () => {
  assert.deepEqual(lintLessonAlone('ok', LESSON('ok')), []);
  assert.match(lintLessonAlone('ok', LESSON('ok').replace('images: []', 'images: []\n').replace('Text.', '```sh run\ndocker run nginx\n```'))[0]!.message, /image "nginx" is used but not declared/);
});

describe('writeLesson', () => {
  test('writes lesson.md, refuses to overwrite it without force, replaces it with force', () => {
    const out = join(scratch, 'alone', 'demo');
    assert.deepEqual(writeLesson(out, 'demo', LESSON('demo'), false), { file: join(out, 'lesson.md') });
    assert.throws(() => writeLesson(out, 'demo', 'other', false), (e: Error) => e instanceof DeckImportError && /already exists: not overwriting it \(add --force/.test(e.message));
    assert.equal(readFileSync(join(out, 'lesson.md'), 'utf8'), LESSON('demo'));
    writeLesson(out, 'demo', 'replaced', true);
    assert.equal(readFileSync(join(out, 'lesson.md'), 'utf8'), 'replaced');
  });

  test('the folder must be named after the id', () => {
    assert.throws(() => writeLesson(join(scratch, 'x', 'other'), 'demo', LESSON('demo'), false), /must end in \/demo/);
    assert.equal(existsSync(join(scratch, 'x')), false);
  });

  test("adds the lesson to its lessons root's course.yaml (the lint wants every lesson listed), once", () => {
    const root = join(scratch, 'course');
    mkdirSync(root);
    writeFileSync(join(root, 'course.yaml'), '# the order\nlessons:\n  - first\n');
    const result = writeLesson(join(root, 'imported'), 'imported', LESSON('imported'), false);
    assert.equal(result.addedToCourse, join(root, 'course.yaml'));
    assert.deepEqual(readCourseOrder(root), { ids: ['first', 'imported'] });
    writeLesson(join(root, 'imported'), 'imported', LESSON('imported'), true);
    assert.deepEqual(readCourseOrder(root), { ids: ['first', 'imported'] });
  });

  test('a course.yaml it cannot append to safely is left as it was, and said so', () => {
    const root = join(scratch, 'odd-course');
    mkdirSync(root);
    const text = 'lessons: [first]\n';
    writeFileSync(join(root, 'course.yaml'), text);
    const result = writeLesson(join(root, 'imported'), 'imported', LESSON('imported'), false);
    assert.equal(result.courseNotUpdated, join(root, 'course.yaml'));
    assert.equal(readFileSync(join(root, 'course.yaml'), 'utf8'), text);
  });
});
