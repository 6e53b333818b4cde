import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openDataDir, type DataDir } from '../../lib/config/data-dir';
import { newLearnerId, signLearnerCookie } from '../../lib/identity/learner-identity';
import { announceGeneratedSecret, INSTRUCTOR_SECRET_FILE, openInstructorAccess, secretStrengthProblem } from './instructor-auth';

const root = mkdtempSync(join(tmpdir(), 'drydock-instructor-auth-test-'));
let n = 0;
after(() => rmSync(root, { recursive: true, force: true }));
const freshDataDir = (): DataDir => openDataDir(join(root, `data-${++n}`));
// Operator-set secrets must be strong (checked at start); these are.
const S1 = 'wJ4q-Lr8v-Tz2m-Hk9x';
const S2 = 'pN7c-Xe3b-Qa5u-Yd6w';

describe('instructor secret and cookie', () => {
  test('generated at the first start, printed once, stored only as a 0600 hash; later starts keep it', async () => {
    const data = freshDataDir();
    const first = openInstructorAccess(data.path, data.cookieSecret, {});
    assert.equal(first.source, 'file');
    assert.match(first.generatedSecret ?? '', /^([2-9A-HJ-NP-Z]{4}-){4}[2-9A-HJ-NP-Z]{4}$/);
    const secret = first.generatedSecret!;
    const file = join(data.path, INSTRUCTOR_SECRET_FILE);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const stored = readFileSync(file, 'utf8');
    assert.match(stored, /^scrypt\$[\w-]+\$[\w-]+\n$/);
    assert.ok(!stored.includes(secret) && !stored.includes(secret.replace(/-/g, '')), 'the secret itself is not stored');

    const second = openInstructorAccess(data.path, data.cookieSecret, {});
    assert.equal(second.generatedSecret, null, 'not generated (nor printed) again');
    assert.equal(await second.checkSecret(secret), true);
    assert.equal(await second.checkSecret(` ${secret.toLowerCase().replace(/-/g, ' ')} `), true, 'case, spaces and dashes do not matter');
    assert.equal(await second.checkSecret('WRONG-SECRET'), false);
    assert.equal(await second.checkSecret(''), false);
    // A cookie from the first start is still good after the restart.
    assert.equal(second.verifyCookie(first.signCookie()), true);
  });

  test('DRYDOCK_INSTRUCTOR_SECRET wins, is compared exactly, and nothing is written', async () => {
    const data = freshDataDir();
    const access = openInstructorAccess(data.path, data.cookieSecret, { DRYDOCK_INSTRUCTOR_SECRET: 'correct horse battery staple' });
    assert.equal(access.source, 'env');
    assert.equal(access.generatedSecret, null);
    assert.throws(() => statSync(join(data.path, INSTRUCTOR_SECRET_FILE)), /ENOENT/);
    assert.equal(await access.checkSecret('correct horse battery staple'), true);
    assert.equal(await access.checkSecret('CORRECT HORSE BATTERY STAPLE'), false);
  });

  test('a weak DRYDOCK_INSTRUCTOR_SECRET stops the start, saying why; a generated secret has 100 bits', () => {
    const data = freshDataDir();
    const open = (secret: string) => () => openInstructorAccess(data.path, data.cookieSecret, { DRYDOCK_INSTRUCTOR_SECRET: secret });
    assert.throws(open('hunter2'), /^Error: DRYDOCK_INSTRUCTOR_SECRET is 7 characters long; it needs at least 16 \(and about 80 bits\): use a random one, e\.g\. openssl rand -base64 24, or unset it for a generated one$/);
    assert.throws(open('a'.repeat(40)), /^Error: DRYDOCK_INSTRUCTOR_SECRET has about 9 bits of entropy \(2 characters counted from an alphabet of 26\); it needs 80/);
    assert.throws(open('abcdefghabcdefgh'), /has about 75 bits of entropy \(16 characters counted from an alphabet of 26\)/, 'long enough, but lower case only');
    assert.throws(open('1234567890123456'), /has about 53 bits/);
    assert.throws(() => statSync(join(data.path, INSTRUCTOR_SECRET_FILE)), /ENOENT/, 'nothing written');
    assert.equal(openInstructorAccess(data.path, data.cookieSecret, { DRYDOCK_INSTRUCTOR_SECRET: randomBytes(18).toString('base64') }).source, 'env');
    assert.equal(secretStrengthProblem(S1), null);
    const generated = openInstructorAccess(freshDataDir().path, data.cookieSecret, {}).generatedSecret!;
    assert.equal(secretStrengthProblem(generated), null);
  });

  test('cookies: expire after 12 hours; tampered, foreign, learner cookies and cookies of an old secret are refused', () => {
    const data = freshDataDir();
    const access = openInstructorAccess(data.path, data.cookieSecret, { DRYDOCK_INSTRUCTOR_SECRET: S1 });
    const now = Date.UTC(2026, 0, 1);
    const cookie = access.signCookie(now);
    assert.equal(access.verifyCookie(cookie, now + 11 * 3600_000), true);
    assert.equal(access.verifyCookie(cookie, now + 12 * 3600_000), false, 'expired');
    const [v, expires, sig] = cookie.split('.') as [string, string, string];
    assert.equal(access.verifyCookie(`${v}.${(parseInt(expires, 36) + 1e9).toString(36)}.${sig}`, now), false, 'a later expiry is not signed');
    assert.equal(access.verifyCookie(`${v}.${expires}.${sig.slice(0, -2)}AA`, now), false);
    assert.equal(access.verifyCookie(undefined, now), false);
    assert.equal(access.verifyCookie(signLearnerCookie(data.cookieSecret, newLearnerId()), now), false, 'a learner cookie is not an instructor cookie');
    const otherInstall = openInstructorAccess(data.path, randomBytes(32), { DRYDOCK_INSTRUCTOR_SECRET: S1 });
    assert.equal(otherInstall.verifyCookie(cookie, now), false, 'signed with another cookie secret');
    const newSecret = openInstructorAccess(data.path, data.cookieSecret, { DRYDOCK_INSTRUCTOR_SECRET: S2 });
    assert.equal(newSecret.verifyCookie(cookie, now), false, 'a new secret signs everyone out');
  });

  test('a generated secret is printed once, with where to sign in; a secret from the environment never', () => {
    const data = freshDataDir();
    const lines: string[] = [];
    announceGeneratedSecret(openInstructorAccess(data.path, data.cookieSecret, {}), 'http://localhost:3000', data.path, (line) => lines.push(line));
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^\[drydock\] instructor secret \(shown only this once; keep it\): ([2-9A-HJ-NP-Z]{4}-){4}[2-9A-HJ-NP-Z]{4}$/);
    assert.equal(lines[1], `[drydock] instructors sign in at http://localhost:3000/instructor/login  (lost it? delete ${data.path}/${INSTRUCTOR_SECRET_FILE} and restart)`);
    announceGeneratedSecret(openInstructorAccess(data.path, data.cookieSecret, {}), 'http://localhost:3000', data.path, (line) => lines.push(line));
    announceGeneratedSecret(openInstructorAccess(data.path, data.cookieSecret, { DRYDOCK_INSTRUCTOR_SECRET: S1 }), 'http://localhost:3000', data.path, (line) => lines.push(line));
    assert.equal(lines.length, 2, 'not again at the next start, nor for an operator-set secret');
  });
});
