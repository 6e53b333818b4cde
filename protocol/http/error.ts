import { z } from '../zod';

/**
 * The body of every failed JSON answer of the platform's HTTP API (4xx/5xx,
 * from any /api/ route): the client's mistake said precisely, or "internal
 * error" for a 500 whose details stay in the server log.
 */
export const ErrorBodySchema = z.object({ error: z.string() });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
