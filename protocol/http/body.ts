import type { z } from '../zod';

/** Reading a body with its schema, the same way on both sides. */

export type BodyResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** One zod issue said precisely: the field's path, then what is wrong ("rows.0.status: Invalid option: …"). */
export function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid body';
  const field = issue.path.map(String).join('.');
  return field ? `${field}: ${issue.message}` : issue.message;
}

/** A body (already JSON-parsed) as its schema's output, or the first thing wrong with it. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): BodyResult<z.output<S>> {
  const parsed = schema.safeParse(body);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: describeIssue(parsed.error.issues[0]) };
}
