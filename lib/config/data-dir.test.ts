import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openDataDir, PRIVATE_DATA_FILES } from './data-dir';

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('openDataDir', () => {
  const root = mkdtempSync(join(tmpdir(), 'drydock-data-dir-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  test('a new folder is 0700 and its generated secrets 0600', () => {
    const data = openDataDir(join(root, 'fresh'));
    assert.equal(mode(data.path), 0o700);
    assert.equal(mode(join(data.path, 'cookie-secret')), 0o600);
    assert.equal(mode(join(data.path, 'server-id')), 0o600);
  });

  test('an existing folder left readable (older install, a copy) is closed again, with every secret file in it', () => {
    const path = join(root, 'loose');
    mkdirSync(path, { mode: 0o755 });
    chmodSync(path, 0o755);
    writeFileSync(join(path, 'cookie-secret'), `${'ab'.repeat(32)}\n`, { mode: 0o644 });
    for (const name of ['instructor-secret.hash', 'drydock.db', 'drydock.db-wal']) writeFileSync(join(path, name), 'x', { mode: 0o644 });
    const data = openDataDir(path);
    assert.equal(mode(path), 0o700);
    for (const name of ['cookie-secret', 'server-id', 'instructor-secret.hash', 'drydock.db', 'drydock.db-wal']) {
      assert.ok(PRIVATE_DATA_FILES.includes(name));
      assert.equal(mode(join(path, name)), 0o600, name);
    }
    assert.equal(data.cookieSecret.toString('hex'), 'ab'.repeat(32), 'the existing secret is kept');
  });
});
