/**
 * The instructor API's live-help routes, called from the dashboard. Every
 * call is a same-origin fetch (the server checks Origin on non-GET requests)
 * and resolves to a result, never a rejection: the dashboard shows `error`
 * as it is (the server's own words when it gave any).
 */

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: string };

export type ExportFormat = 'csv' | 'json';

export interface EndedClass {
  removedSandboxes: number;
  exports: Record<ExportFormat, string>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The `{error}` of a 4xx/5xx answer, else a sentence about the status. */
export function errorOf(status: number, body: unknown): string {
  if (isRecord(body) && typeof body.error === 'string' && body.error.trim()) return body.error;
  return `the server answered ${status}`;
}

/**
 * One request; `read` turns the 2xx body into the value, or null when it is
 * not what the contract says (then the call fails rather than show nonsense).
 */
export async function callApi<T>(url: string, init: RequestInit, read: (body: unknown) => T | null): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(url, { cache: 'no-store', ...init });
  } catch {
    return { ok: false, error: 'the server did not answer; check the connection' };
  }
  const text = await response.text().catch(() => '');
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) return { ok: false, error: errorOf(response.status, body) };
  const value = read(body);
  return value === null ? { ok: false, error: `unexpected answer from ${new URL(url, 'http://x').pathname}` } : { ok: true, value };
}

const json = (method: string, body?: unknown): RequestInit => ({
  method,
  headers: body === undefined ? undefined : { 'content-type': 'application/json' },
  body: body === undefined ? undefined : JSON.stringify(body),
});

const classPath = (classId: string) => `/api/instructor/classes/${encodeURIComponent(classId)}`;
const learnerPath = (classId: string, learnerId: string) => `${classPath(classId)}/learners/${encodeURIComponent(learnerId)}`;

export function resetSandbox(classId: string, learnerId: string): Promise<ApiResult<true>> {
  return callApi(`${learnerPath(classId, learnerId)}/reset`, json('POST'), () => true);
}

export const EXTEND_MINUTES = { min: 5, max: 240, default: 30 } as const;

/** Resolves to the sandbox's new expiry (epoch ms). */
export function extendSandbox(classId: string, learnerId: string, minutes: number): Promise<ApiResult<number>> {
  return callApi(`${learnerPath(classId, learnerId)}/extend`, json('POST', { minutes }), (body) =>
    isRecord(body) && typeof body.expiresAt === 'number' ? body.expiresAt : null,
  );
}

export const MESSAGE_MAX = 500;

/** To one learner, or (without learnerId) to everyone; resolves to how many learners had a page open to see it. */
export function sendMessage(classId: string, text: string, learnerId?: string): Promise<ApiResult<number>> {
  return callApi(`${classPath(classId)}/messages`, json('POST', learnerId ? { text, learnerId } : { text }), (body) =>
    isRecord(body) && typeof body.delivered === 'number' ? body.delivered : null,
  );
}

export function endClass(classId: string): Promise<ApiResult<EndedClass>> {
  return callApi(`${classPath(classId)}/end`, json('POST'), (body) => {
    if (!isRecord(body) || typeof body.removedSandboxes !== 'number' || !isRecord(body.exports)) return null;
    const { csv, json: jsonUrl } = body.exports;
    return typeof csv === 'string' && typeof jsonUrl === 'string' ? { removedSandboxes: body.removedSandboxes, exports: { csv, json: jsonUrl } } : null;
  });
}

export function exportUrl(classId: string, format: ExportFormat): string {
  return `${classPath(classId)}/export?format=${format}`;
}

export function runtimeUrl(classId: string): string {
  return `${classPath(classId)}/runtime`;
}

/** Whole minutes within the extend range, or null (the dialog says why). */
export function parseMinutes(input: string): number | null {
  if (!/^\s*\d+\s*$/.test(input)) return null;
  const minutes = Number(input);
  return minutes >= EXTEND_MINUTES.min && minutes <= EXTEND_MINUTES.max ? minutes : null;
}
