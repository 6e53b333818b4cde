import { parseBody } from '../../protocol/http/body';
import type { z } from '../../protocol/zod';

/**
 * One Server-Sent Event (its name and data line) read with the stream's
 * schema from protocol/http (a union of `{ event, data }`). An event that is
 * not the contract's is dropped with a warning that says what is wrong,
 * rather than acted on.
 */
export function readServerEvent<S extends z.ZodType<{ event: string; data: unknown }>>(schema: S, event: string, data: string): z.output<S> | null {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    console.warn(`drydock: dropped a "${event}" event whose data is not JSON`);
    return null;
  }
  const parsed = parseBody(schema, { event, data: body });
  if (parsed.ok) return parsed.value;
  console.warn(`drydock: dropped a "${event}" event: ${parsed.error}`);
  return null;
}
