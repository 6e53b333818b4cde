import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { ClientAddresses } from './client-address';

const req = (peer: string, headers: Record<string, string> = {}): IncomingMessage =>
  ({ socket: { remoteAddress: peer }, headers }) as unknown as IncomingMessage;

test('without trusted proxies, X-Forwarded-For is ignored: a client cannot choose the address it is counted as', () => {
  const addresses = new ClientAddresses();
  assert.equal(addresses.of(req('203.0.113.7', { 'x-forwarded-for': '198.51.100.1' })), '203.0.113.7');
  assert.equal(addresses.of(req('::ffff:203.0.113.7')), '203.0.113.7');
  assert.equal(addresses.isHttps(req('203.0.113.7', { 'x-forwarded-proto': 'https' })), false);
});

test('behind a trusted proxy the client is the right-most untrusted hop; forged hops to its left do not count', () => {
  const addresses = new ClientAddresses(['loopback', '10.0.0.2']);
  assert.equal(addresses.of(req('127.0.0.1', { 'x-forwarded-for': '1.1.1.1, 203.0.113.9' })), '203.0.113.9');
  assert.equal(addresses.of(req('127.0.0.1', { 'x-forwarded-for': '1.1.1.1, 203.0.113.9, 10.0.0.2' })), '203.0.113.9');
  assert.equal(addresses.of(req('127.0.0.1')), '127.0.0.1');
  assert.equal(addresses.isHttps(req('127.0.0.1', { 'x-forwarded-proto': 'https' })), true);
});

test('DRYDOCK_TRUSTED_PROXIES names a bad entry precisely', () => {
  assert.throws(() => ClientAddresses.fromEnv({ NODE_ENV: 'test', DRYDOCK_TRUSTED_PROXIES: 'loopback, proxy.example' }), /"proxy\.example" is not an IP address/);
});
