import { z } from '../zod';

/** A TCP port a web preview can open (1–65535). */
export const PreviewPortSchema = z.number().int().min(1).max(65_535);

/**
 * GET /api/sandbox/ports (the learner's own sandbox) and
 * GET /api/instructor/classes/:class/learners/:learner/ports: what listens in
 * the sandbox now, and where each opens.
 */
export const PortsResponseSchema = z.object({
  /** Whether there is a sandbox to look in (it starts when the terminal opens). */
  sandbox: z.boolean(),
  /** Ports something listens on, ascending; each opens at `openPath(port)` on the platform. */
  ports: z.array(PreviewPortSchema).max(1_000),
  /** Set when this server offers no preview to this browser, with why (DRYDOCK_PREVIEW_ORIGIN). */
  unavailable: z.string().max(500).optional(),
});
export type PortsResponse = z.infer<typeof PortsResponseSchema>;

/** Where the learner's browser goes to open the preview of a port (a redirect to the preview's own origin). */
export function previewOpenPath(port: number): string {
  return `/preview/${port}`;
}
