import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { parseBody } from '../../../protocol/http';
import type { AppContext, AppEnv } from '../common/context';
import { HttpError } from '../common/errors';

/**
 * How large a request body each route accepts, in bytes: each is a few times
 * the largest body the pages send. One table, so the limits are read in one
 * place; a route names its entry with `limitBody`.
 */
export const BODY_LIMITS = {
  /** The sign-in form: the secret (at most 512) and where to go next (at most 512), URL-encoded. */
  signIn: 2048,
  newClass: 4096,
  follow: 512,
  message: 2048,
  extend: 256,
  join: 1024,
  position: 1024,
  hint: 256,
  /** A file the editor saves: at most 1 MiB of UTF-8 (checked after parsing), as a JSON string (escapes make it longer). */
  sandboxFile: 3 * 1024 * 1024,
} as const;

/**
 * hono's bodyLimit (Content-Length checked before anything is read; a chunked
 * body counted as it arrives) with the platform's refusal: 413 and an ErrorBody.
 */
export function limitBody(route: keyof typeof BODY_LIMITS): MiddlewareHandler<AppEnv> {
  const maxBytes = BODY_LIMITS[route];
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new HttpError(413, `request body over ${maxBytes} bytes`);
    },
  });
  return async (c, next) => {
    // hono's bodyLimit hands a chunked body on as `new Request(c.req.raw, …)`. node-server's request is a
    // lightweight stand-in that the global Request cannot copy (the globals stay Node's own: Next.js runs in
    // this process), so the route gets a real Request first.
    const raw = c.req.raw;
    c.req.raw = new Request(raw.url, { method: raw.method, headers: raw.headers, body: raw.body, signal: raw.signal, duplex: 'half' } as RequestInit);
    return limit(c, next);
  };
}

/** The JSON body as its schema's output; a bad body is a 400 whose message names the field and what is wrong. */
export async function readJson<S extends z.ZodType>(c: AppContext, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  let raw: unknown;
  try {
    raw = JSON.parse(text || 'null');
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
  const parsed = parseBody(schema, raw);
  if (!parsed.ok) throw new HttpError(400, parsed.error);
  return parsed.value;
}
