import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { SandboxDriver } from '../engine/driver';

/**
 * Logins to a class's writable registry (drydock-registry:5000). Each class
 * member has one: the user name is also their namespace, the only place the
 * registry's gate (sandbox-server/images/registry/gate.conf) lets them push
 * to; any member may pull from any namespace.
 *
 *  - the namespace comes from the display name, made unique in the class,
 *    and is kept from then on (the store records it; see registryNamespace);
 *  - the password is derived from a server secret, so the platform can
 *    write the gate's users file again after a restart without storing
 *    passwords (registryPassword);
 *  - the gate keeps salted SHA-1 hashes ({SSHA}, which nginx reads); the
 *    passwords are 256 random-looking bits, so the hash's speed does not
 *    matter, and the file never leaves the registry container;
 *  - the sandbox gets its own login only, in /root/.docker/config.json
 *    (installRegistryLogin), where the docker CLI finds it.
 */
export interface RegistryLogin {
  /** host:port of the writable registry, e.g. drydock-registry:5000 */
  host: string;
  /** The login and the namespace it may push to. */
  username: string;
  password: string;
}

/**
 * A member's login, and the gate learning it: the sandbox can be given the
 * login while the gate is still being told (neither waits for the other).
 */
export interface RegistryAdmission {
  login: RegistryLogin;
  /** Resolves once the class registry's gate lets the login in. */
  admitted: Promise<void>;
}

/** One path component of a Docker repository name (distribution's reference grammar). */
const COMPONENT = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** Long enough for "firstname-lastname", short enough to type. */
const MAX_NAMESPACE = 30;
/**
 * Names that would mislead: library/… reads as an official image, and
 * drydock/… as the platform's own.
 */
const RESERVED = new Set(['library', 'drydock']);

export function isRegistryNamespace(name: string): boolean {
  return name.length <= MAX_NAMESPACE && COMPONENT.test(name) && !RESERVED.has(name);
}

/**
 * A namespace for a class member, from their display name: lower-case ASCII
 * letters and digits joined by single dashes ("Zoë O'Brien" → "zoe-o-brien"),
 * "learner" when nothing is left, and "-2", "-3"… when a classmate has it
 * already (display names collide and may contain anything). Always a valid
 * repository path component, never one in `taken`, never reserved.
 */
export function registryNamespace(displayName: string, taken: ReadonlySet<string>): string {
  const base = slug(displayName) || 'learner';
  const free = (name: string): boolean => !taken.has(name) && !RESERVED.has(name);
  if (free(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const name = trimDashes(base.slice(0, MAX_NAMESPACE - suffix.length)) + suffix;
    if (free(name)) return name;
  }
}

function slug(text: string): string {
  const ascii = text
    .normalize('NFKD')
    // Accents come apart from their letters under NFKD; drop them.
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-');
  return trimDashes(trimDashes(ascii).slice(0, MAX_NAMESPACE));
}

const trimDashes = (s: string): string => s.replace(/^-+|-+$/g, '');

/**
 * The member's password for their class's registry: an HMAC of the class and
 * learner under a server secret, so it is the same after a restart and
 * differs per class. base64url: no ':' (HTTP Basic's separator), no newline.
 */
export function registryPassword(secret: Buffer, classId: string, learnerId: string): string {
  return createHmac('sha256', secret).update(`drydock class registry password\0${classId}\0${learnerId}`).digest('base64url');
}

/** One line of the gate's users file: `<user>:{SSHA}base64(sha1(password ‖ salt) ‖ salt)`, as nginx checks it. */
export function htpasswdLine(login: Pick<RegistryLogin, 'username' | 'password'>, salt: Buffer = randomBytes(8)): string {
  if (!isRegistryNamespace(login.username)) throw new Error(`"${login.username}" is not a registry namespace`);
  if (!login.password || /[\s:]/.test(login.password)) throw new Error(`the registry password of ${login.username} is empty or has a separator in it`);
  const digest = createHash('sha1').update(login.password).update(salt).digest();
  return `${login.username}:{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

/** The docker CLI's config.json entry for this login (merged into what the file already has). */
export function dockerConfigFor(login: RegistryLogin): { auths: Record<string, { auth: string }> } {
  return { auths: { [login.host]: { auth: Buffer.from(`${login.username}:${login.password}`).toString('base64') } } };
}

/** Where the sandbox keeps its login and, for the shell's hint, where it may push. */
export const DOCKER_CONFIG = '/root/.docker/config.json';
export const PUSH_HINT_FILE = '/root/.docker/drydock-registry';

/**
 * Merges the login into the sandbox's docker config (a learner's own
 * `docker login`s stay) and writes the push hint. The login comes on stdin,
 * so it is on no command line. umask 077: the file is the learner's only.
 */
const INSTALL_SCRIPT = `set -e
umask 077
mkdir -p /root/.docker
cd /root/.docker
cat > .drydock-login.json
if [ -s config.json ] && jq -s '.[0] * .[1]' config.json .drydock-login.json > config.json.new 2>/dev/null; then :; else cp .drydock-login.json config.json.new; fi
mv -f config.json.new config.json
rm -f .drydock-login.json
printf '%s\\n' "$1" > ${PUSH_HINT_FILE}`;

/**
 * Gives a sandbox its learner's login: run when the sandbox becomes theirs
 * (created for them, or a warm one claimed), never before, so a warm sandbox
 * holds no one's login. Through exec as root in the sandbox, like any file
 * the learner could write there themselves.
 */
export async function installRegistryLogin(driver: Pick<SandboxDriver, 'exec'>, sandboxId: string, login: RegistryLogin): Promise<void> {
  const result = await driver.exec(sandboxId, ['sh', '-c', INSTALL_SCRIPT, 'drydock-login', `${login.host}/${login.username}`], {
    stdin: JSON.stringify(dockerConfigFor(login)),
    timeoutMs: 15_000,
  });
  if (result.exitCode !== 0) {
    throw new Error(`writing the registry login into sandbox ${sandboxId.slice(0, 12)} failed (${result.timedOut ? 'timed out' : `exit ${result.exitCode}`}): ${result.stderr.trim().slice(0, 200)}`);
  }
}
