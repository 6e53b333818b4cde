import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { loadSandboxServerConfig } from '../config/config';
import { FakeDriver } from '../../test/fake-driver';
import { dockerConfigFor, htpasswdLine, installRegistryLogin, isRegistryNamespace, registryNamespace, registryPassword } from './registry-auth';

/** distribution's grammar for one component of a repository path. */
const COMPONENT = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const none = new Set<string>();

describe('registryNamespace: a class member’s namespace from their display name', () => {
  test('plain names become lower-case words joined by dashes', () => {
    assert.equal(registryNamespace('alice', none), 'alice');
    assert.equal(registryNamespace('Alice', none), 'alice');
    assert.equal(registryNamespace('  Ada   Lovelace ', none), 'ada-lovelace');
    assert.equal(registryNamespace("Zoë O'Brien", none), 'zoe-o-brien');
    assert.equal(registryNamespace('José Núñez', none), 'jose-nunez');
    assert.equal(registryNamespace('R2-D2', none), 'r2-d2');
    assert.equal(registryNamespace('ＡＬＩＣＥ', none), 'alice', 'full-width letters fold to ASCII');
  });

  test('path tricks and markup leave only their letters', () => {
    assert.equal(registryNamespace('../alice', none), 'alice');
    assert.equal(registryNamespace('alice/../bob', none), 'alice-bob');
    assert.equal(registryNamespace('alice%2fapp', none), 'alice-2fapp');
    assert.equal(registryNamespace('<script>alert(1)</script>', none), 'script-alert-1-script');
    assert.equal(registryNamespace('bob:secret', none), 'bob-secret', 'no colon: it would end an HTTP Basic user name');
  });

  test('a name with nothing usable is "learner"', () => {
    for (const name of ['', '   ', '🐳🐳', '李雷', '---', '\u202e']) assert.equal(registryNamespace(name, none), 'learner', JSON.stringify(name));
  });

  test('a name a classmate has gets -2, -3, …; case does not make two names differ', () => {
    assert.equal(registryNamespace('Alice', new Set(['alice'])), 'alice-2');
    assert.equal(registryNamespace('ALICE', new Set(['alice', 'alice-2'])), 'alice-3');
    assert.equal(registryNamespace('', new Set(['learner'])), 'learner-2');
    // A learner who calls themselves "alice-2" cannot take the suffix a later Alice would need without shifting it.
    assert.equal(registryNamespace('alice', new Set(['alice', 'alice-2'])), 'alice-3');
  });

  test('reserved names are never given', () => {
    assert.equal(registryNamespace('library', none), 'library-2');
    assert.equal(registryNamespace('Drydock', none), 'drydock-2');
    assert.equal(isRegistryNamespace('library'), false);
  });

  test('long names are cut at 30 characters, suffix included, and never end in a dash', () => {
    const long = 'Maximiliana Alexandrina Montgomery-Smythe';
    const first = registryNamespace(long, none);
    assert.equal(first, 'maximiliana-alexandrina-montgo');
    assert.equal(first.length, 30);
    const second = registryNamespace(long, new Set([first]));
    assert.equal(second, 'maximiliana-alexandrina-mont-2');
    assert.equal(registryNamespace('abcdefghijklmnopqrstuvwxyzabc-d', none), 'abcdefghijklmnopqrstuvwxyzabc', 'the cut falls just after a dash');
  });

  test('any input gives a valid, unique, unreserved path component', () => {
    const taken = new Set<string>();
    const alphabet = ['a', 'Z', '0', '-', '_', '.', '/', '%', ' ', 'é', '🐳', ':', '\\', '\n', '..'];
    for (let i = 0; i < 2000; i++) {
      const bytes = randomBytes(1 + (i % 40));
      const name = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
      const ns = registryNamespace(name, taken);
      assert.match(ns, COMPONENT, JSON.stringify(name));
      assert.ok(ns.length <= 30 && isRegistryNamespace(ns) && !taken.has(ns), `${JSON.stringify(name)} → ${ns}`);
      taken.add(ns);
    }
  });
});

describe('registry passwords and the gate’s users file', () => {
  const secret = Buffer.alloc(32, 7);

  test('a password is stable per class and learner, differs otherwise, and fits HTTP Basic', () => {
    const p = registryPassword(secret, 'class-1', 'learner-a');
    assert.equal(registryPassword(secret, 'class-1', 'learner-a'), p, 'the same after a restart');
    assert.notEqual(registryPassword(secret, 'class-2', 'learner-a'), p);
    assert.notEqual(registryPassword(secret, 'class-1', 'learner-b'), p);
    assert.notEqual(registryPassword(Buffer.alloc(32, 8), 'class-1', 'learner-a'), p);
    // The separator between class and learner is not ambiguous.
    assert.notEqual(registryPassword(secret, 'class-1x', 'y'), registryPassword(secret, 'class-1', 'xy'));
    assert.match(p, /^[A-Za-z0-9_-]{43}$/);
  });

  test('an htpasswd line is {SSHA}: base64 of sha1(password ‖ salt) followed by the salt', () => {
    const salt = Buffer.from('0123456789abcdef', 'hex');
    const line = htpasswdLine({ username: 'alice', password: 'pw' }, salt);
    const [user, hash] = line.split(':');
    assert.equal(user, 'alice');
    const raw = Buffer.from(hash!.replace('{SSHA}', ''), 'base64');
    assert.deepEqual(raw.subarray(20), salt);
    assert.deepEqual(raw.subarray(0, 20), createHash('sha1').update('pw').update(salt).digest());
    // What drydock-registry-users accepts.
    assert.match(line, /^[a-z0-9]+([._-][a-z0-9]+)*:\{SSHA\}[A-Za-z0-9+/]+={0,2}$/);
    assert.notEqual(htpasswdLine({ username: 'alice', password: 'pw' }), htpasswdLine({ username: 'alice', password: 'pw' }), 'a fresh salt each time');
  });

  test('a line that could break the file or name another namespace is refused', () => {
    assert.throws(() => htpasswdLine({ username: 'Alice', password: 'pw' }), /not a registry namespace/);
    assert.throws(() => htpasswdLine({ username: 'alice\nbob', password: 'pw' }), /not a registry namespace/);
    assert.throws(() => htpasswdLine({ username: 'alice:x', password: 'pw' }), /not a registry namespace/);
    assert.throws(() => htpasswdLine({ username: 'library', password: 'pw' }), /not a registry namespace/);
    assert.throws(() => htpasswdLine({ username: 'alice', password: '' }), /empty or has a separator/);
    assert.throws(() => htpasswdLine({ username: 'alice', password: 'a\nbob:{SSHA}x' }), /empty or has a separator/);
  });
});

describe('installRegistryLogin: the learner’s login into their sandbox', () => {
  const login = { host: 'drydock-registry:5000', username: 'alice', password: 'pw-alice' };
  const { limits } = loadSandboxServerConfig('test', { NODE_ENV: 'test' });
  const spec = (sessionId: string) => ({ learnerId: 'a', profile: 'dind', sessionId, expiresAt: Date.now() + 60_000, limits });

  test('the docker config entry is HTTP Basic for the registry host', () => {
    assert.deepEqual(dockerConfigFor(login), { auths: { 'drydock-registry:5000': { auth: Buffer.from('alice:pw-alice').toString('base64') } } });
  });

  test('it is written by one exec, the login on stdin (on no command line), the push hint as an argument', async () => {
    const driver = new FakeDriver();
    const info = await driver.create(spec('s1'));
    await installRegistryLogin(driver, info.id, login);
    assert.equal(driver.execs.length, 1);
    const { cmd, options } = driver.execs[0]!;
    assert.deepEqual(cmd.slice(0, 2), ['sh', '-c']);
    assert.equal(cmd.at(-1), 'drydock-registry:5000/alice');
    assert.ok(!cmd.join(' ').includes('pw-alice'), 'the password is not an argument');
    assert.deepEqual(JSON.parse(options.stdin!), dockerConfigFor(login));
    assert.match(cmd[2]!, /umask 077/);
  });

  test('a failed write is an error naming the sandbox', async () => {
    const driver = new FakeDriver({ execResult: { exitCode: 1, stderr: 'read-only file system' } });
    const info = await driver.create(spec('s2'));
    await assert.rejects(installRegistryLogin(driver, info.id, login), /writing the registry login into sandbox .* failed \(exit 1\): read-only file system/);
  });
});
