import { createHash, createHmac, randomBytes, randomInt, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { JOIN_CODE_ALPHABET } from '../../lib/store/classes';

/**
 * Instructor access: one shared secret per installation. It comes from
 * DRYDOCK_INSTRUCTOR_SECRET, or is generated at the first start and then only
 * its scrypt hash is kept in the data folder (the secret itself is printed
 * once and never stored). Signing in sets a signed, httpOnly, expiring cookie.
 */
export const INSTRUCTOR_COOKIE = 'drydock_instructor';
/** The sign-in page (GET) and form (POST), and signing out (POST only). */
export const INSTRUCTOR_SIGN_IN_PATH = '/instructor/login';
export const INSTRUCTOR_SIGN_OUT_PATH = '/instructor/logout';
export const INSTRUCTOR_SECRET_FILE = 'instructor-secret.hash';
const SESSION_MS = 12 * 60 * 60_000;
const COOKIE_VERSION = 'i1';
const SCRYPT_KEYLEN = 32;
/** Environment variables (a plain record, so tests need not build a whole NodeJS.ProcessEnv). */
export type Env = Readonly<Record<string, string | undefined>>;
const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

export interface InstructorAccess {
  /** Where the secret came from: the environment, or the hash file (generated now or at an earlier start). */
  source: 'env' | 'file';
  /** The secret, only on the start that generated it, so that it is printed exactly once. */
  generatedSecret: string | null;
  checkSecret(candidate: string): Promise<boolean>;
  /** A fresh cookie value, valid for 12 hours. */
  signCookie(now?: number): string;
  /** True for a cookie this installation signed for the current secret and that has not expired. */
  verifyCookie(value: string | undefined, now?: number): boolean;
}

/**
 * A generated secret: 20 characters in groups of four, e.g. K7PM-2QXR-…,
 * each drawn uniformly (crypto randomInt) from the 32-character join-code
 * alphabet: 20 × log2(32) = 100 bits. Sign-in is also bounded to about 20
 * verifications a second in all (one scrypt at a time, instructor-api.ts), so
 * guessing takes 2^99 / 20 s on average: about 10^21 years.
 */
function generateSecret(): string {
  const chars = Array.from({ length: 20 }, () => JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)]);
  return [0, 4, 8, 12, 16].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/** Generated secrets are compared ignoring case, spaces and dashes (they get read off a screen and retyped). */
const canonicalGenerated = (s: string): string => s.toUpperCase().replace(/[\s-]/g, '');

interface SecretHash {
  salt: Buffer;
  hash: Buffer;
  /** The stored line; its digest ties cookies to this secret, so a new secret signs everyone out. */
  record: string;
}

function hashSecret(secret: string): SecretHash {
  const salt = randomBytes(16);
  const hash = scryptSync(secret, salt, SCRYPT_KEYLEN);
  return { salt, hash, record: `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}` };
}

function parseRecord(record: string, path: string): SecretHash {
  const [kind, salt, hash, ...rest] = record.split('$');
  if (kind !== 'scrypt' || !salt || !hash || rest.length > 0) {
    throw new Error(`${path} is corrupt: delete it and restart to generate a new instructor secret (or set DRYDOCK_INSTRUCTOR_SECRET)`);
  }
  return { salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url'), record };
}

/** The least an operator-set secret must have: at sign-in's bounded rate (≤ 20 a second) 2^79 guesses take about 10^15 years. */
export const MIN_SECRET_LENGTH = 16;
export const MIN_SECRET_BITS = 80;

/**
 * Why an operator-set secret is too weak, or null. The estimate is length ×
 * log2(the alphabet its character classes span: lower, upper, digits,
 * ASCII punctuation and space, anything else), counting at most twice the
 * number of distinct characters (so `aaaa…` is not strong for being long).
 * It is a floor that catches short and repetitive secrets; it cannot see that
 * a phrase is made of dictionary words, so the README recommends a random one.
 */
export function secretStrengthProblem(secret: string): string | null {
  const chars = [...secret];
  if (chars.length < MIN_SECRET_LENGTH) {
    return `is ${chars.length} characters long; it needs at least ${MIN_SECRET_LENGTH} (and about ${MIN_SECRET_BITS} bits): use a random one, e.g. openssl rand -base64 24, or unset it for a generated one`;
  }
  const classes: [RegExp, number][] = [
    [/[a-z]/, 26],
    [/[A-Z]/, 26],
    [/[0-9]/, 10],
    [/[ -/:-@[-`{-~]/, 33],
    [/[^\x20-\x7e]/, 100],
  ];
  const alphabet = classes.reduce((n, [pattern, size]) => (pattern.test(secret) ? n + size : n), 0);
  const counted = Math.min(chars.length, 2 * new Set(chars).size);
  const bits = Math.floor(counted * Math.log2(alphabet));
  if (bits < MIN_SECRET_BITS) {
    return `has about ${bits} bits of entropy (${counted} characters counted from an alphabet of ${alphabet}); it needs ${MIN_SECRET_BITS}: use a random one, e.g. openssl rand -base64 24, or unset it for a generated one`;
  }
  return null;
}

export function openInstructorAccess(dataPath: string, cookieSecret: Buffer, env: Env = process.env): InstructorAccess {
  const fromEnv = env.DRYDOCK_INSTRUCTOR_SECRET?.trim();
  const path = join(dataPath, INSTRUCTOR_SECRET_FILE);
  let stored: SecretHash;
  let generatedSecret: string | null = null;
  let canonical: (s: string) => string = (s) => s.trim();
  if (fromEnv) {
    const problem = secretStrengthProblem(fromEnv);
    // Refused at start rather than accepted: a weak secret is the one thing the sign-in limits cannot make up for.
    if (problem) throw new Error(`DRYDOCK_INSTRUCTOR_SECRET ${problem}`);
    stored = hashSecret(fromEnv); // in memory only: the same constant-time check as a stored secret
  } else if (existsSync(path)) {
    stored = parseRecord(readFileSync(path, 'utf8').trim(), path);
    canonical = canonicalGenerated;
  } else {
    generatedSecret = generateSecret();
    stored = hashSecret(canonicalGenerated(generatedSecret));
    // wx: two servers starting on one data folder cannot both generate (the second fails loudly).
    writeFileSync(path, `${stored.record}\n`, { mode: 0o600, flag: 'wx' });
    canonical = canonicalGenerated;
  }
  const fingerprint = createHash('sha256').update(stored.record).digest('base64url');
  const sign = (expires: string): Buffer => createHmac('sha256', cookieSecret).update(`drydock-instructor.${COOKIE_VERSION}.${expires}.${fingerprint}`).digest();

  return {
    source: fromEnv ? 'env' : 'file',
    generatedSecret,
    async checkSecret(candidate) {
      if (candidate.length === 0 || candidate.length > 512) return false;
      const hash = await scryptAsync(canonical(candidate), stored.salt, SCRYPT_KEYLEN);
      return timingSafeEqual(hash, stored.hash);
    },
    signCookie(now = Date.now()) {
      const expires = (now + SESSION_MS).toString(36);
      return `${COOKIE_VERSION}.${expires}.${sign(expires).toString('base64url')}`;
    },
    verifyCookie(value, now = Date.now()) {
      if (!value) return false;
      const [version, expires, signature, ...rest] = value.split('.');
      if (version !== COOKIE_VERSION || !expires || !signature || rest.length > 0 || !/^[0-9a-z]{1,12}$/.test(expires)) return false;
      const given = Buffer.from(signature, 'base64url');
      const expected = sign(expires);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
      return parseInt(expires, 36) > now;
    },
  };
}

export function instructorCookieHeader(value: string, secure: boolean): string {
  return `${INSTRUCTOR_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_MS / 1000}${secure ? '; Secure' : ''}`;
}

export function clearInstructorCookieHeader(secure: boolean): string {
  return `${INSTRUCTOR_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? '; Secure' : ''}`;
}

/** Prints a newly generated instructor secret, once: it is stored only as a hash. */
export function announceGeneratedSecret(access: InstructorAccess, url: string, dataPath: string, print: (line: string) => void = (line) => console.log(line)): void {
  if (!access.generatedSecret) return;
  print(`[drydock] instructor secret (shown only this once; keep it): ${access.generatedSecret}`);
  print(`[drydock] instructors sign in at ${url}${INSTRUCTOR_SIGN_IN_PATH}  (lost it? delete ${dataPath}/${INSTRUCTOR_SECRET_FILE} and restart)`);
}
