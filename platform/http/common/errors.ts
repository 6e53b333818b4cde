import type { ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import { describeIssue } from '../../../protocol/http';
import type { Logger } from '../../../lib/logging/logger';
import type { AppEnv } from './context';
import { sendError } from './responses';

/** A refusal the client caused, said precisely: its status, message and any headers (Retry-After, Allow). */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * The router's one error handler (hono's onError): an HttpError with its
 * status and message; a body that fails its schema as a 400 naming the field;
 * hono's own exceptions with theirs; anything else a 500 whose details go to
 * the server log only. Every failure is an ErrorBody (protocol/http/error.ts).
 */
export function handleErrors(log: Logger): ErrorHandler<AppEnv> {
  return (error, c) => {
    if (error instanceof HttpError) return sendError(c, error.status, error.message, error.headers);
    if (error instanceof ZodError) return sendError(c, 400, describeIssue(error.issues[0]));
    if (error instanceof HTTPException && error.status !== 500) return sendError(c, error.status, error.message || 'request refused');
    log.error(`${c.req.method} ${c.req.path}: ${error.stack ?? String(error)}`);
    return sendError(c, 500, 'internal error; the server log has the details');
  };
}
