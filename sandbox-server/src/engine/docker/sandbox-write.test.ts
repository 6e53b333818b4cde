import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import tar from 'tar-stream';
import { oneFileTar } from './sandbox-write';

describe('the one-file tar a save puts into the sandbox', () => {
  test('one regular file, owned by root (0:0), with the mode and content given', async () => {
    const content = Buffer.from('FROM busybox\n');
    const archive = await oneFileTar('Dockerfile', content, 0o755);
    const entries: { header: tar.Headers; body: string }[] = [];
    const extract = tar.extract();
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => (entries.push({ header, body: Buffer.concat(chunks).toString() }), next()));
    });
    await new Promise((resolve, reject) => {
      extract.on('finish', resolve).on('error', reject);
      Readable.from([archive]).pipe(extract);
    });
    assert.equal(entries.length, 1);
    const [{ header, body }] = entries as [{ header: tar.Headers; body: string }];
    assert.equal(header.name, 'Dockerfile');
    assert.equal(header.type, 'file');
    assert.equal(header.mode, 0o755);
    assert.equal(header.uid, 0);
    assert.equal(header.gid, 0);
    assert.equal(header.size, content.length);
    assert.equal(body, 'FROM busybox\n');
  });

  test('an empty file is a valid archive too', async () => {
    const archive = await oneFileTar('empty', Buffer.alloc(0), 0o644);
    assert.equal(archive.length % 512, 0);
    assert.ok(archive.length >= 1536, 'a header and the two zero blocks that end a tar');
  });
});
