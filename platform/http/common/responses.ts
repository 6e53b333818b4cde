import type { z } from 'zod';
import type { ContentfulStatusCode, RedirectStatusCode } from 'hono/utils/http-status';
import type { ErrorBody } from '../../../protocol/http';
import type { AppContext } from './context';

/** Every JSON answer: UTF-8, and never stored by a cache (it is one learner's, or it changes). */
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } as const;

/**
 * A JSON answer whose body is typed by the protocol schema the browser parses
 * it with (protocol/http/*): the compiler holds the server to the contract,
 * and the contract tests (contract.test.ts) parse what it really sent.
 */
export function sendJson<S extends z.ZodType>(c: AppContext, _schema: S, body: z.input<S>, status: ContentfulStatusCode = 200, headers: Record<string, string> = {}): Response {
  return c.body(JSON.stringify(body), status, { ...JSON_HEADERS, ...headers });
}

/** A refusal or failure: an ErrorBody. */
export function sendError(c: AppContext, status: ContentfulStatusCode, message: string, headers: Record<string, string> = {}): Response {
  const body: ErrorBody = { error: message };
  return c.body(JSON.stringify(body), status, { ...JSON_HEADERS, ...headers });
}

/** Done, nothing to say (204). */
export function noContent(c: AppContext): Response {
  return c.body(null, 204, { 'cache-control': 'no-store' });
}

export function redirect(c: AppContext, location: string, status: RedirectStatusCode = 303, headers: Record<string, string> = {}): Response {
  return c.body(null, status, { location, 'cache-control': 'no-store', ...headers });
}
