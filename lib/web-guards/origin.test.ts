import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAllowedOrigin } from './origin';

describe('isAllowedOrigin', () => {
  const at = (origin: string | undefined, host = 'drydock.example:3000') => ({ headers: { origin, host } });

  test('the page’s own origin (any scheme) is allowed; another host or port is not', () => {
    assert.equal(isAllowedOrigin(at('http://drydock.example:3000')), true);
    assert.equal(isAllowedOrigin(at('https://drydock.example:3000')), true);
    assert.equal(isAllowedOrigin(at('http://drydock.example:3001')), false);
    assert.equal(isAllowedOrigin(at('http://evil.example')), false);
    assert.equal(isAllowedOrigin(at('http://drydock.example')), false, 'the port is part of the host');
  });

  test('no Origin, a malformed one and the opaque "null" are refused', () => {
    assert.equal(isAllowedOrigin(at(undefined)), false);
    assert.equal(isAllowedOrigin(at('')), false);
    assert.equal(isAllowedOrigin(at('null')), false);
    assert.equal(isAllowedOrigin(at('not a url')), false);
  });

  test('extra origins are matched exactly', () => {
    const extra = new Set(['https://lessons.example']);
    assert.equal(isAllowedOrigin(at('https://lessons.example'), extra), true);
    assert.equal(isAllowedOrigin(at('http://lessons.example'), extra), false);
    assert.equal(isAllowedOrigin(at('https://lessons.example:443/'), extra), false);
  });
});
