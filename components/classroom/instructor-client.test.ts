import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { sentToast } from './action-outcomes';
import { deleteEnvironment, endClass, environmentExportUrl, extendSandbox, listEnvironments, parseMinutes, resetSandbox, sendMessage } from './instructor-client';

const realFetch = globalThis.fetch;
const realWarn = console.warn;
beforeEach(() => {
  console.warn = () => undefined; // the unexpected answers below are warned about
});
afterEach(() => {
  globalThis.fetch = realFetch;
  console.warn = realWarn;
});

/** fetch answering `status` with `body`, recording what was asked. */
function fakeFetch(status: number, body: unknown): { calls: { url: string; init: RequestInit }[] } {
  const record = { calls: [] as { url: string; init: RequestInit }[] };
  globalThis.fetch = (async (url: string, init: RequestInit) => {
    record.calls.push({ url, init });
    return new Response(body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body), { status });
  }) as typeof fetch;
  return record;
}

describe('instructor client', () => {
  test('extend posts the minutes as JSON to the learner path and returns the new expiry', async () => {
    const asked = fakeFetch(200, { expiresAt: 1234 });
    assert.deepEqual(await extendSandbox('c1', 'l 1', 30), { ok: true, value: 1234 });
    assert.equal(asked.calls[0]?.url, '/api/instructor/classes/c1/learners/l%201/extend');
    assert.equal(asked.calls[0]?.init.method, 'POST');
    assert.equal(asked.calls[0]?.init.body, '{"minutes":30}');
  });

  test('a message to everyone has no learnerId; to one learner it does', async () => {
    const asked = fakeFetch(200, { delivered: 2 });
    await sendMessage('c1', 'hello');
    await sendMessage('c1', 'psst', 'l1');
    assert.deepEqual(
      asked.calls.map((c) => JSON.parse(String(c.init.body))),
      [{ text: 'hello' }, { text: 'psst', learnerId: 'l1' }],
    );
  });

  test('errors are the server’s own words; a broken answer or no answer is said so', async () => {
    fakeFetch(404, { error: 'learner l1 has no sandbox' });
    assert.deepEqual(await extendSandbox('c1', 'l1', 30), { ok: false, reason: 'refused', status: 404, error: 'learner l1 has no sandbox' });
    fakeFetch(502, '<html>bad gateway</html>');
    assert.deepEqual(await sendMessage('c1', 'x'), { ok: false, reason: 'refused', status: 502, error: 'the server answered 502' });
    fakeFetch(200, { removed: 3 });
    assert.deepEqual(await endClass('c1'), {
      ok: false,
      reason: 'unexpected',
      status: 200,
      error: 'unexpected answer from /api/instructor/classes/c1/end: removedSandboxes: Invalid input: expected number, received undefined',
    });
    globalThis.fetch = (async () => {
      throw new TypeError('network');
    }) as typeof fetch;
    assert.deepEqual(await resetSandbox('c1', 'l1'), { ok: false, reason: 'no-answer', status: null, error: 'the server did not answer; check the connection' });
  });

  test('reset is done when the server says ok', async () => {
    const asked = fakeFetch(200, { ok: true });
    assert.deepEqual(await resetSandbox('c1', 'l1'), { ok: true, value: true });
    assert.equal(asked.calls[0]?.url, '/api/instructor/classes/c1/learners/l1/reset');
    fakeFetch(200, {});
    assert.equal((await resetSandbox('c1', 'l1')).ok, false);
  });

  test('end class returns the removed count and the export links', async () => {
    fakeFetch(200, { removedSandboxes: 2, exports: { csv: '/a.csv', json: '/a.json' } });
    assert.deepEqual(await endClass('c1'), { ok: true, value: { removedSandboxes: 2, exports: { csv: '/a.csv', json: '/a.json' } } });
  });

  test('environments: listed with their schema; one is named encoded in the delete and export paths', async () => {
    const listing = { environments: [{ environment: 'dind:swarm@2', state: 'parked', since: 1000 }], keepMs: 604_800_000 };
    const asked = fakeFetch(200, listing);
    assert.deepEqual(await listEnvironments('c1', 'l1'), { ok: true, value: listing });
    assert.equal(asked.calls[0]?.url, '/api/instructor/classes/c1/learners/l1/environments');
    fakeFetch(200, { environments: [{ environment: 'bad name', state: 'running', since: 1 }], keepMs: 1 });
    assert.equal((await listEnvironments('c1', 'l1')).ok, false, 'an environment that is not one is refused');

    const deleted = fakeFetch(204, undefined);
    assert.deepEqual(await deleteEnvironment('c1', 'l1', 'dind:swarm@2'), { ok: true, value: undefined });
    assert.equal(deleted.calls[0]?.url, '/api/instructor/classes/c1/learners/l1/environments/dind%3Aswarm%402');
    assert.equal(deleted.calls[0]?.init.method, 'DELETE');
    fakeFetch(404, { error: 'this learner has no such environment' });
    assert.deepEqual(await deleteEnvironment('c1', 'l1', 'dind'), { ok: false, reason: 'refused', status: 404, error: 'this learner has no such environment' });

    assert.equal(environmentExportUrl('c1', 'l 1', 'dind:networking'), '/api/instructor/classes/c1/learners/l%201/environments/dind%3Anetworking/export');
  });

  test('parseMinutes: whole minutes within the bounds the server accepts', () => {
    assert.equal(parseMinutes('30'), 30);
    assert.equal(parseMinutes(' 240 '), 240);
    for (const bad of ['', '4', '241', '30.5', '-5', 'abc', '1e2']) assert.equal(parseMinutes(bad), null, bad);
  });

  test('sentToast says who a message reached, and warns when nobody had a page open', () => {
    assert.deepEqual(sentToast(1, { displayName: 'Ada' }), { tone: 'ok', title: 'Sent', detail: 'to Ada' });
    assert.deepEqual(sentToast(3, null), { tone: 'ok', title: 'Sent', detail: 'to everyone: 3 learners with a page open' });
    assert.deepEqual(sentToast(1, null).detail, 'to everyone: 1 learner with a page open');
    assert.equal(sentToast(0, { displayName: 'Ada' }).tone, 'warn');
  });
});
