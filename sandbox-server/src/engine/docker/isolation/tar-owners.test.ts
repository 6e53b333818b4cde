import assert from 'node:assert/strict';
import { test } from 'node:test';
import tar from 'tar-stream';
import type { Readable } from 'node:stream';
import { unmapOwners } from './tar-owners';

async function owners(stream: Readable): Promise<[string, number | undefined, number | undefined, string | undefined][]> {
  const extract = tar.extract();
  const seen: [string, number | undefined, number | undefined, string | undefined][] = [];
  extract.on('entry', (header, body, next) => {
    const pax = (header as { pax?: Record<string, string> }).pax;
    seen.push([header.name, header.uid, header.gid, pax?.uid]);
    body.resume();
    body.on('end', next);
  });
  await new Promise((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
    stream.pipe(extract);
  });
  return seen;
}

test('owners in the remapped range move back, in the header and in PAX records; others stay', async () => {
  const pack = tar.pack();
  // As an engine writes them: an id too large for ustar goes into a PAX record.
  pack.entry({ name: './', type: 'directory', uid: 0, gid: 0, pax: { uid: '1073741824', gid: '1073741824' } } as tar.Headers);
  pack.entry({ name: './bin/busybox', uid: 0, gid: 0, pax: { uid: String(1073741824 + 65534), gid: String(1073741824 + 65534) } } as tar.Headers, 'x');
  pack.entry({ name: './small', uid: 1234, gid: 1234 }, 'z');
  pack.entry({ name: './outside', uid: 1000, gid: 1000 }, 'y');
  pack.finalize();
  const result = await owners(unmapOwners(pack, { uid: 1073741824, gid: 1073741824 }));
  assert.deepEqual(result, [
    ['./', 0, 0, '0'],
    ['./bin/busybox', 65534, 65534, '65534'],
    ['./small', 1234, 1234, undefined],
    ['./outside', 1000, 1000, undefined],
  ]);
});
