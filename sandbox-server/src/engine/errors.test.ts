import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConflictError, EngineUnavailableError, ignoreNotFound, isNotFound, mapDockerError, NotFoundError, NotModifiedError, SandboxImageMissingError, SandboxNotFoundError } from './errors';

/** What docker-modem rejects with: the status, and the engine's JSON message. */
const dockerError = (statusCode: number, message: string) => Object.assign(new Error(`(HTTP code ${statusCode}) - ${message}`), { statusCode, json: { message } });

describe('mapDockerError: the one mapping of Docker failures to typed errors', () => {
  test('404s by what is missing', () => {
    const container = mapDockerError(dockerError(404, 'No such container: abc'), 'inspect sandbox abc');
    assert.ok(container instanceof SandboxNotFoundError);
    assert.equal(container.message, 'inspect sandbox abc: No such container: abc');
    assert.ok(mapDockerError(dockerError(404, 'No such image: drydock/sandbox:x'), 'create') instanceof SandboxImageMissingError);
    for (const message of ['get v1: no such volume', 'network drydock-sb-x not found', 'No such exec instance: 12']) {
      const mapped = mapDockerError(dockerError(404, message), 'remove');
      assert.ok(mapped instanceof NotFoundError && !(mapped instanceof SandboxNotFoundError), message);
    }
  });

  test('conflicts, already-done, an absent engine; anything else unchanged; typed errors pass through', () => {
    assert.ok(mapDockerError(dockerError(409, 'container is not running'), 'exec') instanceof ConflictError);
    assert.ok(mapDockerError(dockerError(403, 'network has active endpoints'), 'remove network') instanceof ConflictError);
    assert.ok(mapDockerError(dockerError(304, ''), 'start') instanceof NotModifiedError);
    assert.ok(mapDockerError(Object.assign(new Error('connect ENOENT'), { code: 'ENOENT' }), 'list sandboxes') instanceof EngineUnavailableError);
    const other = dockerError(500, 'boom');
    assert.equal(mapDockerError(other, 'x'), other);
    const typed = new SandboxNotFoundError('gone');
    assert.equal(mapDockerError(typed, 'again'), typed);
  });
});

describe('ignoreNotFound', () => {
  test('undefined for what is missing, the value otherwise, every other failure mapped and thrown', async () => {
    assert.equal(await ignoreNotFound(Promise.reject(dockerError(404, 'no such volume')), 'remove volume v'), undefined);
    assert.equal(await ignoreNotFound(Promise.resolve(7), 'x'), 7);
    await assert.rejects(ignoreNotFound(Promise.reject(dockerError(409, 'in use')), 'remove volume v'), (e) => e instanceof ConflictError && /remove volume v: in use/.test(e.message));
    assert.equal(isNotFound(new SandboxImageMissingError('x')), true);
  });
});
