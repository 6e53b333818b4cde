import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, test } from 'node:test';
import { AllowedHosts, nameOfHostHeader } from './allowed-hosts';

describe('AllowedHosts', () => {
  test('by default: loopback names, the machine name and its own addresses; nothing else', () => {
    const hosts = AllowedHosts.fromEnv({}, '0.0.0.0');
    for (const host of ['localhost:3000', 'LOCALHOST', '127.0.0.1:3000', '[::1]:3000', `${hostname()}:3000`]) {
      assert.deepEqual(hosts.check(host), { ok: true }, host);
    }
    const rebound = hosts.check('attacker.example:3000');
    assert.equal(rebound.ok, false);
    assert.equal(!rebound.ok && rebound.status, 421);
    assert.match(!rebound.ok ? rebound.message : '', /does not answer to the host name "attacker\.example"\. If it is yours, add the name to DRYDOCK_ALLOWED_HOSTS/);
    assert.equal(hosts.check('0.0.0.0:3000').ok, false, 'the wildcard bind address is no host name');
  });

  test('a specific HOST is allowed by default', () => {
    assert.deepEqual(AllowedHosts.fromEnv({}, 'drydock.lan').check('drydock.lan:3000'), { ok: true });
    assert.equal(AllowedHosts.fromEnv({}, '0.0.0.0').check('drydock.lan:3000').ok, false);
  });

  test('DRYDOCK_ALLOWED_HOSTS replaces the default; case, port and a trailing dot do not matter', () => {
    const hosts = AllowedHosts.fromEnv({ DRYDOCK_ALLOWED_HOSTS: ' Drydock.Example.org , localhost ' }, '0.0.0.0');
    for (const host of ['drydock.example.org', 'DRYDOCK.example.org:443', 'drydock.example.org.', 'localhost:3000']) assert.deepEqual(hosts.check(host), { ok: true }, host);
    for (const host of ['127.0.0.1:3000', 'evil.drydock.example.org', 'drydock.example.org.evil.example']) assert.equal(hosts.check(host).ok, false, host);
    assert.deepEqual(hosts.list(), ['drydock.example.org', 'localhost']);
  });

  test('a missing or malformed Host is a 400; tricks that a URL parser would accept are refused', () => {
    const hosts = new AllowedHosts(['localhost']);
    for (const host of [undefined, '', 'localhost:3000:1', 'evil.example@localhost', 'localhost/x', 'local host', 'localhost:port', 'http://localhost']) {
      const verdict = hosts.check(host);
      assert.equal(!verdict.ok && verdict.status, 400, String(host));
    }
  });

  test('a bad entry in DRYDOCK_ALLOWED_HOSTS stops the start with its name', () => {
    assert.throws(() => AllowedHosts.fromEnv({ DRYDOCK_ALLOWED_HOSTS: 'ok.example,https://drydock.example.org' }, '0.0.0.0'), /DRYDOCK_ALLOWED_HOSTS: "https:\/\/drydock\.example\.org" is not a host name/);
  });

  test('host names of Host headers', () => {
    assert.equal(nameOfHostHeader('[::1]:3000'), '[::1]');
    assert.equal(nameOfHostHeader('Example.ORG.'), 'example.org');
    assert.equal(nameOfHostHeader('a'.repeat(300)), null);
  });
});
