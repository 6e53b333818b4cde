/** Typed errors for what can go wrong at the container backend. */
export class EngineUnavailableError extends Error {
  override readonly name = 'EngineUnavailableError';
}
export class SandboxNotFoundError extends Error {
  override readonly name = 'SandboxNotFoundError';
}
export class SandboxImageMissingError extends Error {
  override readonly name = 'SandboxImageMissingError';
}

interface DockerLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
  json?: { message?: string } | null;
}

/** Maps a dockerode/docker-modem failure to one of the typed errors above, or returns it unchanged. */
export function mapDockerError(error: unknown, context: string): Error {
  const e = (error ?? {}) as DockerLikeError;
  const detail = e.json?.message ?? e.message ?? String(error);
  if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'EACCES') {
    return new EngineUnavailableError(`Docker Engine is not reachable (${e.code}) while trying to ${context}`);
  }
  if (e.statusCode === 404) {
    if (/no such image/i.test(detail)) return new SandboxImageMissingError(`${context}: ${detail}`);
    return new SandboxNotFoundError(`${context}: ${detail}`);
  }
  return error instanceof Error ? error : new Error(`${context}: ${detail}`);
}
