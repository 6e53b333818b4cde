import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { LEARNER_COOKIE, learnerCookieHeader, newLearnerId, readCookie, signLearnerCookie, verifyLearnerCookie } from './learner-identity';

const secret = Buffer.alloc(32, 7);
const otherSecret = Buffer.alloc(32, 8);

/** Replaces the character at `i` with a different base64url character. */
function flipChar(s: string, i: number): string {
  const c = s[i] === 'A' ? 'B' : 'A';
  return s.slice(0, i) + c + s.slice(i + 1);
}

describe('learner ids and signed cookies', () => {
  test('newLearnerId is 22 base64url characters and random', () => {
    const a = newLearnerId();
    const b = newLearnerId();
    assert.match(a, /^[A-Za-z0-9_-]{22}$/);
    assert.notEqual(a, b);
  });

  test('sign then verify returns the learner id', () => {
    const id = newLearnerId();
    const cookie = signLearnerCookie(secret, id);
    assert.match(cookie, /^v1\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    assert.equal(verifyLearnerCookie(secret, cookie), id);
  });

  test('signing is deterministic for one secret and differs between secrets', () => {
    const id = newLearnerId();
    assert.equal(signLearnerCookie(secret, id), signLearnerCookie(secret, id));
    assert.notEqual(signLearnerCookie(secret, id), signLearnerCookie(otherSecret, id));
  });

  test('a tampered id is refused', () => {
    const id = newLearnerId();
    const [version, , signature] = signLearnerCookie(secret, id).split('.');
    const otherId = flipChar(id, 5);
    assert.equal(verifyLearnerCookie(secret, `${version}.${otherId}.${signature}`), null);
  });

  test('someone else’s signature on my id is refused', () => {
    const mine = newLearnerId();
    const theirs = newLearnerId();
    const theirSignature = signLearnerCookie(secret, theirs).split('.')[2];
    assert.equal(verifyLearnerCookie(secret, `v1.${mine}.${theirSignature}`), null);
  });

  test('a tampered signature is refused', () => {
    const cookie = signLearnerCookie(secret, newLearnerId());
    assert.equal(verifyLearnerCookie(secret, flipChar(cookie, cookie.length - 3)), null);
    assert.equal(verifyLearnerCookie(secret, cookie.slice(0, -1)), null, 'truncated signature');
    assert.equal(verifyLearnerCookie(secret, `${cookie}A`), null, 'lengthened signature');
  });

  test('a cookie signed with another secret is refused', () => {
    const cookie = signLearnerCookie(otherSecret, newLearnerId());
    assert.equal(verifyLearnerCookie(secret, cookie), null);
    assert.equal(verifyLearnerCookie(randomBytes(32), cookie), null);
  });

  test('a wrong version is refused', () => {
    const cookie = signLearnerCookie(secret, newLearnerId());
    assert.equal(verifyLearnerCookie(secret, cookie.replace(/^v1\./, 'v2.')), null);
    assert.equal(verifyLearnerCookie(secret, cookie.replace(/^v1\./, '')), null, 'no version at all');
  });

  test('extra dots are refused', () => {
    const cookie = signLearnerCookie(secret, newLearnerId());
    assert.equal(verifyLearnerCookie(secret, `${cookie}.`), null);
    assert.equal(verifyLearnerCookie(secret, `${cookie}.extra`), null);
    assert.equal(verifyLearnerCookie(secret, `v1..${cookie.slice(3)}`), null);
  });

  test('an id that is not 22 base64url characters is refused even when correctly signed', () => {
    for (const id of ['short', 'x'.repeat(23), 'has space in it 123456', 'a+b/c='.padEnd(22, 'z')]) {
      assert.equal(verifyLearnerCookie(secret, signLearnerCookie(secret, id)), null, JSON.stringify(id));
    }
  });

  test('empty and undefined are refused', () => {
    assert.equal(verifyLearnerCookie(secret, ''), null);
    assert.equal(verifyLearnerCookie(secret, undefined), null);
    assert.equal(verifyLearnerCookie(secret, '..'), null);
    assert.equal(verifyLearnerCookie(secret, 'v1'), null);
  });
});

describe('readCookie', () => {
  test('finds one cookie among several', () => {
    const header = `theme=dark; ${LEARNER_COOKIE}=v1.abc.def; other=1`;
    assert.equal(readCookie(header, LEARNER_COOKIE), 'v1.abc.def');
    assert.equal(readCookie(header, 'theme'), 'dark');
    assert.equal(readCookie(header, 'other'), '1');
  });

  test('tolerates spaces around names and values', () => {
    assert.equal(readCookie('  a = 1 ;b=2;   c=3  ', 'a'), '1');
    assert.equal(readCookie('  a = 1 ;b=2;   c=3  ', 'b'), '2');
    assert.equal(readCookie('  a = 1 ;b=2;   c=3  ', 'c'), '3');
  });

  test('decodes URL-encoding', () => {
    assert.equal(readCookie('name=hello%20w%C3%B6rld%3B%3D', 'name'), 'hello wörld;=');
  });

  test('keeps "=" inside the value', () => {
    assert.equal(readCookie('token=a=b=c', 'token'), 'a=b=c');
  });

  test('does not match a name that is only a prefix or suffix of another', () => {
    assert.equal(readCookie(`x${LEARNER_COOKIE}=1; ${LEARNER_COOKIE}x=2`, LEARNER_COOKIE), undefined);
  });

  test('missing cookie, missing header, empty header', () => {
    assert.equal(readCookie('a=1; b=2', 'c'), undefined);
    assert.equal(readCookie(undefined, 'a'), undefined);
    assert.equal(readCookie('', 'a'), undefined);
    assert.equal(readCookie('=orphan; a', 'a'), undefined);
  });

  test('an empty value is the empty string', () => {
    assert.equal(readCookie('a=; b=2', 'a'), '');
  });

  test('malformed percent-encoding does not throw (any client controls this header)', () => {
    // readCookie runs on every page request and every terminal upgrade; a throw
    // there is an unhandled exception in the HTTP server's request listener.
    for (const bad of ['%', '%E0%A4%A', 'abc%zz']) {
      let value: string | undefined;
      assert.doesNotThrow(() => {
        value = readCookie(`${LEARNER_COOKIE}=${bad}`, LEARNER_COOKIE);
      }, `value ${JSON.stringify(bad)}`);
      assert.equal(verifyLearnerCookie(secret, value), null);
    }
  });
});

describe('learnerCookieHeader', () => {
  test('has the name, value, HttpOnly, SameSite=Lax, Path=/ and a long Max-Age; no Secure unless asked', () => {
    const header = learnerCookieHeader('v1.abc.def', false);
    const parts = header.split('; ');
    assert.equal(parts[0], `${LEARNER_COOKIE}=v1.abc.def`);
    assert.ok(parts.includes('HttpOnly'));
    assert.ok(parts.includes('SameSite=Lax'));
    assert.ok(parts.includes('Path=/'));
    assert.ok(!parts.includes('Secure'));
    assert.ok(parts.includes(`Max-Age=${60 * 60 * 24 * 365}`));
  });

  test('adds Secure when asked', () => {
    const parts = learnerCookieHeader('v1.abc.def', true).split('; ');
    assert.ok(parts.includes('Secure'));
    assert.ok(parts.includes('HttpOnly'));
    assert.ok(parts.includes('SameSite=Lax'));
  });

  test('a signed cookie survives the Set-Cookie → Cookie round trip', () => {
    const id = newLearnerId();
    const header = learnerCookieHeader(signLearnerCookie(secret, id), true);
    const cookiePair = header.split(';')[0];
    assert.equal(verifyLearnerCookie(secret, readCookie(`a=b; ${cookiePair}`, LEARNER_COOKIE)), id);
  });
});
