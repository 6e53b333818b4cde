import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SaveFileRequestSchema, sandboxPathProblem } from './sandbox-files';

describe('sandbox paths the editor accepts', () => {
  test('absolute and normalized paths pass', () => {
    for (const ok of ['/', '/root', '/root/app/Dockerfile', '/root/.bashrc', '/root/a b', '/root/..hidden']) assert.equal(sandboxPathProblem(ok), null, ok);
  });
  test('anything else is refused, saying why', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['root/x', /absolute/],
      ['/root/../etc/shadow', /normalized/],
      ['/root/./x', /normalized/],
      ['/root//x', /empty segment/],
      ['/root/', /end with/],
      ['/root/a\u0000b', /control/],
      ['/root/a\nb', /control/],
      [`/${'a'.repeat(1100)}`, /longer than 1024/],
      [`/${'a'.repeat(256)}`, /segment is longer/],
    ];
    for (const [path, why] of cases) assert.match(sandboxPathProblem(path) ?? 'accepted', why, JSON.stringify(path));
  });
  test('a save of more than 1 MiB of UTF-8 is refused (bytes, not characters)', () => {
    assert.equal(SaveFileRequestSchema.safeParse({ path: '/root/x', content: 'a'.repeat(1024 * 1024) }).success, true);
    assert.equal(SaveFileRequestSchema.safeParse({ path: '/root/x', content: 'é'.repeat(512 * 1024 + 1) }).success, false);
  });
});
