import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseListing } from './sandbox-listing';

describe("a folder listing is parsed strictly from find's output", () => {
  test('types, symlink targets, sizes; folders first', () => {
    const out = ['ff 12 Dockerfile', 'dd 4096 app', 'ld 7 link-to-dir', 'lN 9 dangling', 'pp 0 fifo', 'ff 3 name with\nnewline', ''].join('\0');
    const listing = parseListing(out, 100);
    assert.deepEqual(listing.entries, [
      { name: 'app', type: 'directory', size: 4096 },
      { name: 'link-to-dir', type: 'symlink', target: 'directory', size: 7 },
      { name: 'Dockerfile', type: 'file', size: 12 },
      { name: 'dangling', type: 'symlink', target: 'missing', size: 9 },
      { name: 'fifo', type: 'other', size: 0 },
      { name: 'name with\nnewline', type: 'file', size: 3 },
    ]);
    assert.equal(listing.truncated, false);
  });

  test('garbage a learner could print is dropped, not trusted', () => {
    const out = ['ff 1 ok', 'ff 1 a/b', 'ff x nosize', 'ff 1 ..', 'ff 1 .', `ff 1 ${'n'.repeat(300)}`, 'ff 1234567890123456 huge', 'ff 1 ok', 'hello', ''].join('\0');
    assert.deepEqual(parseListing(out, 100).entries, [{ name: 'ok', type: 'file', size: 1 }]);
  });

  test('at most maxEntries; a record cut short or a cut output says truncated', () => {
    const out = Array.from({ length: 5 }, (_, i) => `ff 1 f${i}`).join('\0') + '\0';
    const listing = parseListing(out, 3);
    assert.equal(listing.entries.length, 3);
    assert.equal(listing.truncated, true);
    assert.equal(parseListing('ff 1 a\0ff 1 b', 10).truncated, true, 'the last record had no NUL: the output was cut');
    assert.equal(parseListing('ff 1 a\0', 10, true).truncated, true);
  });
});
