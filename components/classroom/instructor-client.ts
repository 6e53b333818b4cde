/**
 * The instructor API's live-help routes, called from the dashboard. Every
 * call is a same-origin fetch (the server checks Origin on non-GET requests)
 * read with its schema from protocol/http, and resolves to a result, never a
 * rejection: the dashboard shows `error` as it is (the server's own words
 * when it gave any).
 */
import { EndedClassSchema, type EndedClass, type ExportFormat } from '../../protocol/http/classroom';
import {
  ExtendRequestSchema,
  ExtendResponseSchema,
  MessageResponseSchema,
  ResetResponseSchema,
  type ExtendRequest,
  type MessageRequest,
} from '../../protocol/http/instructor';
import { LearnerEnvironmentsSchema, type LearnerEnvironments } from '../../protocol/http/environments';
import { fetchJson, fetchNoContent, jsonBody, type ApiResult } from '../http/fetch-json';

const classPath = (classId: string) => `/api/instructor/classes/${encodeURIComponent(classId)}`;
const learnerPath = (classId: string, learnerId: string) => `${classPath(classId)}/learners/${encodeURIComponent(learnerId)}`;

export async function resetSandbox(classId: string, learnerId: string): Promise<ApiResult<true>> {
  const result = await fetchJson(`${learnerPath(classId, learnerId)}/reset`, ResetResponseSchema, { method: 'POST' });
  return result.ok ? { ok: true, value: true } : result;
}

/** One environment of a learner (`dind:networking` has a colon, `dind:swarm@2` an at sign: both encoded). */
const environmentPath = (classId: string, learnerId: string, environment: string) => `${learnerPath(classId, learnerId)}/environments/${encodeURIComponent(environment)}`;

/** The learner's environments, running and parked, and how long parked ones are kept. */
export function listEnvironments(classId: string, learnerId: string): Promise<ApiResult<LearnerEnvironments>> {
  return fetchJson(`${learnerPath(classId, learnerId)}/environments`, LearnerEnvironmentsSchema);
}

/** Removes the environment (every machine of a lab), running or parked. */
export function deleteEnvironment(classId: string, learnerId: string, environment: string): Promise<ApiResult<void>> {
  return fetchNoContent(environmentPath(classId, learnerId, environment), { method: 'DELETE' });
}

/** Where the environment's /root downloads as a .tar.gz (a plain link: the browser saves it under the server's file name). */
export function environmentExportUrl(classId: string, learnerId: string, environment: string): string {
  return `${environmentPath(classId, learnerId, environment)}/export`;
}

/** Resolves to the sandbox's new expiry (epoch ms). */
export async function extendSandbox(classId: string, learnerId: string, minutes: number): Promise<ApiResult<number>> {
  const result = await fetchJson(`${learnerPath(classId, learnerId)}/extend`, ExtendResponseSchema, jsonBody('POST', { minutes } satisfies ExtendRequest));
  return result.ok ? { ok: true, value: result.value.expiresAt } : result;
}

/** To one learner, or (without learnerId) to everyone; resolves to how many learners had a page open to see it. */
export async function sendMessage(classId: string, text: string, learnerId?: string): Promise<ApiResult<number>> {
  const body: MessageRequest = learnerId ? { text, learnerId } : { text };
  const result = await fetchJson(`${classPath(classId)}/messages`, MessageResponseSchema, jsonBody('POST', body));
  return result.ok ? { ok: true, value: result.value.delivered } : result;
}

export function endClass(classId: string): Promise<ApiResult<EndedClass>> {
  return fetchJson(`${classPath(classId)}/end`, EndedClassSchema, { method: 'POST' });
}

export function exportUrl(classId: string, format: ExportFormat): string {
  return `${classPath(classId)}/export?format=${format}`;
}

export function runtimeUrl(classId: string): string {
  return `${classPath(classId)}/runtime`;
}

/** Whole minutes within the extend range the server accepts (ExtendRequestSchema), or null (the dialog says why). */
export function parseMinutes(input: string): number | null {
  if (!/^\s*\d+\s*$/.test(input)) return null;
  const minutes = ExtendRequestSchema.shape.minutes.safeParse(Number(input));
  return minutes.success ? minutes.data : null;
}
