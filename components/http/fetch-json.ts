import { parseBody } from '../../protocol/http/body';
import { ErrorBodySchema } from '../../protocol/http/error';
import type { z } from '../../protocol/zod';

/**
 * The browser's one way to call the platform's JSON API: a same-origin
 * fetch whose answer is read with the body's schema from protocol/http, so
 * what the components get is what the contract says, or a failure that says
 * why. Never rejects.
 */

/** Why a call failed: no answer at all, a 4xx/5xx, or a 2xx whose body is not the contract's. */
export type FailureReason = 'no-answer' | 'refused' | 'unexpected';

export type ApiFailure = { ok: false; reason: FailureReason; status: number | null; error: string };
export type ApiResult<T> = { ok: true; value: T } | ApiFailure;

/** The `{error}` of a 4xx/5xx answer (the server's own words), else a sentence about the status. */
export function errorOf(status: number, body: unknown): string {
  const parsed = ErrorBodySchema.safeParse(body);
  return parsed.success && parsed.data.error.trim() ? parsed.data.error : `the server answered ${status}`;
}

const NO_ANSWER = 'the server did not answer; check the connection';

async function request(url: string, init: RequestInit | undefined): Promise<{ ok: true; response: Response; body: unknown } | ApiFailure> {
  let response: Response;
  try {
    response = await fetch(url, { cache: 'no-store', ...init });
  } catch {
    return { ok: false, reason: 'no-answer', status: null, error: NO_ANSWER };
  }
  const text = await response.text().catch(() => '');
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null; // a proxy's HTML error page, say: the status speaks for it
    }
  }
  return { ok: true, response, body };
}

/** One request; a 2xx body is parsed with `schema` ("unexpected answer from /path: field: what is wrong" if it does not match). */
export async function fetchJson<S extends z.ZodType>(url: string, schema: S, init?: RequestInit): Promise<ApiResult<z.output<S>>> {
  const answer = await request(url, init);
  if (!answer.ok) return answer;
  const { response, body } = answer;
  if (!response.ok) return { ok: false, reason: 'refused', status: response.status, error: errorOf(response.status, body) };
  const parsed = parseBody(schema, body);
  if (parsed.ok) return parsed;
  const error = `unexpected answer from ${new URL(url, 'http://x').pathname}: ${parsed.error}`;
  console.warn(`drydock: ${error}`);
  return { ok: false, reason: 'unexpected', status: response.status, error };
}

/** One request whose success has no body to read (204 and the like). */
export async function fetchNoContent(url: string, init?: RequestInit): Promise<ApiResult<void>> {
  const answer = await request(url, init);
  if (!answer.ok) return answer;
  const { response, body } = answer;
  return response.ok ? { ok: true, value: undefined } : { ok: false, reason: 'refused', status: response.status, error: errorOf(response.status, body) };
}

/** A request with a JSON body (type it with `satisfies` and the request's type from protocol/http: the server parses it with that schema). */
export function jsonBody(method: string, body: unknown): RequestInit {
  return { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
