import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The credentials of a web preview, signed with the server's secret.
 *
 * A preview is one port of one sandbox, served at its own host name
 * (preview-origin.ts). That name's label is an HMAC of the sandbox id and
 * the port: unguessable, the same every time the same preview is opened
 * (a bookmark keeps working while the sandbox lives), and dead once the
 * sandbox is replaced (reset, expiry).
 *
 * Knowing the host name is not enough to open it. The platform, which knows
 * who asks (the learner's cookie, or the instructor's), hands out a *ticket*:
 * a pass valid for a minute, carried in the redirect to the preview host. The
 * preview host trades it for a *cookie* of its own (host-only, HttpOnly),
 * which every later request carries. Both are the same signed record with a
 * different purpose and lifetime; neither names a container.
 */
export interface PreviewPass {
  /** The preview host's label: previewLabel(sandboxId, port). */
  label: string;
  /** Whose sandbox it is (not necessarily who looks: an instructor may). */
  learnerId: string;
  profile: string;
  port: number;
  /** Epoch ms after which the pass is refused. */
  expiresAt: number;
}

export type PassPurpose = 'ticket' | 'cookie';

/** How long a ticket may take from the platform's redirect to the preview host. */
export const TICKET_LIFETIME_MS = 60_000;
/** How long a preview host remembers its visitor; the sandbox usually ends first (4 h at most by default). */
export const COOKIE_LIFETIME_MS = 12 * 60 * 60_000;

const VERSION = 'p1';
const LABEL = /^[0-9a-f]{32}$/;
const LEARNER = /^[A-Za-z0-9_-]{1,64}$/;
const PROFILE = /^[a-z0-9-]{1,32}$/;

/** The host label of one port of one sandbox: 128 bits of HMAC, lowercase hex (a valid DNS label). */
export function previewLabel(secret: Buffer, sandboxId: string, port: number): string {
  return createHmac('sha256', secret).update(`${VERSION}.label.${sandboxId}.${port}`).digest('hex').slice(0, 32);
}

function signature(secret: Buffer, purpose: PassPurpose, body: string): string {
  return createHmac('sha256', secret).update(`${VERSION}.${purpose}.${body}`).digest('base64url');
}

export function signPass(secret: Buffer, purpose: PassPurpose, pass: PreviewPass): string {
  const body = [pass.label, pass.learnerId, pass.profile, pass.port, pass.expiresAt].join('.');
  return `${VERSION}.${body}.${signature(secret, purpose, body)}`;
}

/** The pass in a ticket or cookie value, or null if it is malformed, forged, for another purpose, or expired. */
export function verifyPass(secret: Buffer, purpose: PassPurpose, value: string | undefined, now = Date.now()): PreviewPass | null {
  if (!value || value.length > 300) return null;
  const parts = value.split('.');
  if (parts.length !== 7 || parts[0] !== VERSION) return null;
  const [, label, learnerId, profile, portText, expiresText, given] = parts as [string, string, string, string, string, string, string];
  if (!LABEL.test(label) || !LEARNER.test(learnerId) || !PROFILE.test(profile) || !/^\d{1,5}$/.test(portText) || !/^\d{1,15}$/.test(expiresText)) return null;
  const expected = Buffer.from(signature(secret, purpose, parts.slice(1, 6).join('.')));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  const pass = { label, learnerId, profile, port: Number(portText), expiresAt: Number(expiresText) };
  return pass.expiresAt > now ? pass : null;
}
