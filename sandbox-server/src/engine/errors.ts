/**
 * Typed errors for what can go wrong at the container backend. A backend
 * maps its own failures to these once (mapDockerError for Docker), so
 * sessions, classes, grading and the HTTP layer test a class, never a status
 * code of one backend.
 */
export class EngineUnavailableError extends Error {
  override readonly name: string = 'EngineUnavailableError';
}

/** What was asked about does not exist (a sandbox, a volume, a network, an exec, an image). */
export class NotFoundError extends Error {
  override readonly name: string = 'NotFoundError';
}
export class SandboxNotFoundError extends NotFoundError {
  override readonly name: string = 'SandboxNotFoundError';
}
export class SandboxImageMissingError extends NotFoundError {
  override readonly name: string = 'SandboxImageMissingError';
}

/** The backend refuses in the current state: the name is taken, the network still has members, the container is not running. */
export class ConflictError extends Error {
  override readonly name: string = 'ConflictError';
}

/**
 * The host's disk is (nearly) full: the backend starts no new sandbox, so the
 * ones already running keep the room that is left. `message` is for the
 * operator (where, how much); learners are told DISK_FULL_MESSAGE.
 */
export class DiskFullError extends Error {
  override readonly name: string = 'DiskFullError';
}
export const DISK_FULL_MESSAGE =
  "This server's disk is nearly full, so it cannot start a new sandbox now. Sandboxes already running keep working. Please try again later.";

/**
 * The sandbox's own Docker engine cannot be used: it does not answer, or is
 * not the one Drydock started. `reason` is what was found, `hint` what the
 * learner does about it; the message is both, so whoever gives its own
 * advice (the grader) can show the reason alone.
 */
export class InnerEngineError extends Error {
  override readonly name: string = 'InnerEngineError';
  constructor(
    readonly reason: string,
    readonly hint: string,
  ) {
    super(`${reason}; ${hint}`);
  }
}

/** Asked for what is so already (Docker's 304: start a running container). */
export class NotModifiedError extends Error {
  override readonly name: string = 'NotModifiedError';
}

export const isNotFound = (error: unknown): boolean => error instanceof NotFoundError;
export const isConflict = (error: unknown): boolean => error instanceof ConflictError;
export const isNotModified = (error: unknown): boolean => error instanceof NotModifiedError;

interface DockerLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
  json?: { message?: string } | null;
}

/** What the engine said, without docker-modem's "(HTTP code 404) no such container - " prefix when it sent a JSON message. */
export function dockerErrorText(error: unknown): string {
  const e = (error ?? {}) as DockerLikeError;
  return e.json?.message ?? e.message ?? String(error);
}

const TYPED = [EngineUnavailableError, NotFoundError, ConflictError, NotModifiedError, DiskFullError];

/**
 * The one mapping of a dockerode/docker-modem failure to the typed errors
 * above; anything else comes back unchanged. Errors already typed pass
 * through, so code may map on every layer without double wrapping.
 */
export function mapDockerError(error: unknown, context: string): Error {
  if (TYPED.some((type) => error instanceof type)) return error as Error;
  const e = (error ?? {}) as DockerLikeError;
  const detail = dockerErrorText(error);
  // EPIPE and ECONNRESET: a kept-alive connection to an engine that restarted meanwhile (the next request opens a new one).
  if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'EACCES' || e.code === 'EPIPE' || e.code === 'ECONNRESET') {
    return new EngineUnavailableError(`Docker Engine is not reachable (${e.code}) while trying to ${context}`, { cause: error });
  }
  // The engine's own disk filled up before Drydock's reserve noticed (another program wrote to it).
  if (/no space left on device/i.test(detail)) return new DiskFullError(`${context}: ${detail}`, { cause: error });
  switch (e.statusCode) {
    case 304:
      return new NotModifiedError(`${context}: ${detail || 'already so'}`, { cause: error });
    case 404:
      if (/no such image/i.test(detail)) return new SandboxImageMissingError(`${context}: ${detail}`, { cause: error });
      // A container is what a sandbox is; a missing volume, network or exec is just missing.
      if (/no such (volume|network|exec)|network .* not found/i.test(detail)) return new NotFoundError(`${context}: ${detail}`, { cause: error });
      return new SandboxNotFoundError(`${context}: ${detail}`, { cause: error });
    // 403 is what older engines answer for a network that still has endpoints.
    case 403:
    case 409:
      return new ConflictError(`${context}: ${detail}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(`${context}: ${detail}`);
}

/**
 * The promise's value, or undefined when what it asks about does not exist
 * (removing what is gone already, reading what may be missing). Every other
 * failure is mapped and thrown.
 */
export async function ignoreNotFound<T>(promise: Promise<T>, context: string): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    const mapped = mapDockerError(error, context);
    if (isNotFound(mapped)) return undefined;
    throw mapped;
  }
}
