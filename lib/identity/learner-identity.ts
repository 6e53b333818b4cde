import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies } from 'hono/utils/cookie';

/**
 * Anonymous learner identity: a random id in an httpOnly cookie, signed with
 * the server's secret so that a learner cannot pick someone else's id (and so
 * reach their sandbox) by editing the cookie.
 */
export const LEARNER_COOKIE = 'drydock_learner';
const VERSION = 'v1';
const ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export function newLearnerId(): string {
  return randomBytes(16).toString('base64url');
}

function sign(secret: Buffer, learnerId: string): string {
  return createHmac('sha256', secret).update(`${VERSION}.${learnerId}`).digest('base64url');
}

export function signLearnerCookie(secret: Buffer, learnerId: string): string {
  return `${VERSION}.${learnerId}.${sign(secret, learnerId)}`;
}

/** The learner id in a cookie value, or null if it is malformed or its signature does not match. */
export function verifyLearnerCookie(secret: Buffer, value: string | undefined): string | null {
  if (!value) return null;
  const [version, learnerId, signature, ...rest] = value.split('.');
  if (version !== VERSION || !learnerId || !signature || rest.length > 0 || !ID_PATTERN.test(learnerId)) return null;
  const expected = Buffer.from(sign(secret, learnerId));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? learnerId : null;
}

/**
 * Reads one cookie from a Cookie header, with hono's cookie parser (the HTTP
 * routes use the same parser through hono's getCookie; the WebSocket upgrade,
 * which has no router, calls this). The header is client-controlled:
 * malformed percent-encoding is decoded as far as it goes, never thrown.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  return header ? parseCookies(header, name)[name] : undefined;
}

export function learnerCookieHeader(value: string, secure: boolean): string {
  const maxAge = 60 * 60 * 24 * 365;
  return `${LEARNER_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
}
