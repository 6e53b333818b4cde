import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';

/** Small HTTP helpers shared by the JSON API and the classroom routes. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
}

/**
 * Answers a failed request: an HttpError with its status and message (the
 * client's mistake, said precisely); anything else as a 500 whose details go
 * to the server log only.
 */
export function sendError(res: ServerResponse, error: unknown, log: { error(message: string): void }, what: string): void {
  if (error instanceof HttpError) {
    sendJson(res, error.status, { error: error.message }, error.headers);
    return;
  }
  log.error(`${what}: ${(error as Error).stack ?? String(error)}`);
  sendJson(res, 500, { error: 'internal error; the server log has the details' });
}

/**
 * Starts a Server-Sent Events response; the browser reconnects `retryMs`
 * after the stream drops.
 */
export function openEventStream(res: ServerResponse, retryMs: number): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no', // nginx: do not buffer the stream
  });
  res.write(`retry: ${retryMs}\n\n`);
}

export function redirect(res: ServerResponse, location: string, headers: Record<string, string | string[]> = {}, status = 303): void {
  res.writeHead(status, { location, 'cache-control': 'no-store', ...headers }).end();
}

export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, `request body over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses a JSON body against a schema; a bad body is a 400 whose message names the field and what is wrong. */
export async function readJsonAs<T extends z.ZodType>(req: IncomingMessage, schema: T, maxBytes = 4096): Promise<z.output<T>> {
  let raw: unknown;
  try {
    raw = JSON.parse((await readBody(req, maxBytes)) || 'null');
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, 'request body is not valid JSON');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new HttpError(400, describeIssue(parsed.error.issues[0]));
  return parsed.data;
}

function describeIssue(issue: z.ZodError['issues'][number] | undefined): string {
  if (!issue) return 'invalid request';
  const field = issue.path.map(String).join('.');
  return field ? `${field}: ${issue.message}` : issue.message;
}

/** The request path, decoded and with repeated slashes collapsed, for deciding which routes guard it. */
export function normalizedPath(url: string | undefined): string {
  const raw = (url ?? '/').split('?')[0]!.split('#')[0]!;
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // malformed escapes: judge the raw path
  }
  return decoded.replace(/\/{2,}/g, '/').replace(/\/+$/, '') || '/';
}
