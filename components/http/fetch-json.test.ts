import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ExtendResponseSchema } from '../../protocol/http/instructor';
import { errorOf, fetchJson, fetchNoContent, jsonBody } from './fetch-json';

const realFetch = globalThis.fetch;
const realWarn = console.warn;
let warnings: string[] = [];
beforeEach(() => {
  warnings = [];
  console.warn = (message: string) => void warnings.push(message);
});
afterEach(() => {
  globalThis.fetch = realFetch;
  console.warn = realWarn;
});

/** fetch answering `status` with `body` (an object as JSON, a string as it is), recording what was asked. */
function answer(status: number, body?: unknown): { url: string; init: RequestInit }[] {
  const calls: { url: string; init: RequestInit }[] = [];
  globalThis.fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body), { status });
  }) as typeof fetch;
  return calls;
}

describe('fetchJson', () => {
  test('a 2xx body that is the contract’s is the value; every request skips the cache', async () => {
    const calls = answer(200, { expiresAt: 1234 });
    assert.deepEqual(await fetchJson('/api/x', ExtendResponseSchema, jsonBody('POST', { minutes: 30 })), { ok: true, value: { expiresAt: 1234 } });
    assert.equal(calls[0]?.init.cache, 'no-store');
    assert.equal(calls[0]?.init.method, 'POST');
    assert.equal(calls[0]?.init.body, '{"minutes":30}');
    assert.deepEqual(calls[0]?.init.headers, { 'content-type': 'application/json' });
  });

  test('a 2xx body that is not the contract’s fails, naming the path and the field', async () => {
    answer(200, { expiresAt: 'soon' });
    const expected = 'unexpected answer from /api/instructor/classes/c1/end: expiresAt: Invalid input: expected number, received string';
    assert.deepEqual(await fetchJson('/api/instructor/classes/c1/end?x=1', ExtendResponseSchema), { ok: false, reason: 'unexpected', status: 200, error: expected });
    assert.deepEqual(warnings, [`drydock: ${expected}`]);
  });

  test('a refusal is the server’s own words, or the status when it gave none', async () => {
    answer(409, { error: 'you have no sandbox yet' });
    assert.deepEqual(await fetchJson('/x', ExtendResponseSchema), { ok: false, reason: 'refused', status: 409, error: 'you have no sandbox yet' });
    answer(502, '<html>bad gateway</html>');
    assert.deepEqual(await fetchJson('/x', ExtendResponseSchema), { ok: false, reason: 'refused', status: 502, error: 'the server answered 502' });
  });

  test('no answer at all is said so', async () => {
    globalThis.fetch = (async () => {
      throw new TypeError('network');
    }) as typeof fetch;
    assert.deepEqual(await fetchJson('/x', ExtendResponseSchema), { ok: false, reason: 'no-answer', status: null, error: 'the server did not answer; check the connection' });
    assert.deepEqual(await fetchNoContent('/x'), { ok: false, reason: 'no-answer', status: null, error: 'the server did not answer; check the connection' });
  });

  test('fetchNoContent: any 2xx is success, a refusal has the server’s words', async () => {
    answer(204);
    assert.deepEqual(await fetchNoContent('/x', { method: 'PUT' }), { ok: true, value: undefined });
    answer(400, { error: 'lesson x is not part of this class' });
    assert.deepEqual(await fetchNoContent('/x', { method: 'PUT' }), { ok: false, reason: 'refused', status: 400, error: 'lesson x is not part of this class' });
  });

  test('errorOf', () => {
    assert.equal(errorOf(400, { error: 'minutes: at most 240 minutes' }), 'minutes: at most 240 minutes');
    assert.equal(errorOf(400, { error: '  ' }), 'the server answered 400');
    assert.equal(errorOf(500, null), 'the server answered 500');
    assert.equal(errorOf(500, { message: 'x' }), 'the server answered 500');
  });
});
