/**
 * What the bench (parent) and the Drydock server under test (platform-child.ts)
 * say over the IPC channel that child_process.fork opens. One request at a
 * time; each reply names the request it answers.
 */

/** Parent → server. */
export type ServerRequest =
  /** Removes the learner's sandbox (as a reset does). */
  | { op: 'remove'; learnerId: string }
  /** The server process's CPU time so far. */
  | { op: 'cpu' }
  /** The server process's resident memory, bytes (after a full garbage collection when node runs with --expose-gc). */
  | { op: 'rss' }
  /** The self-paced warm pool: what it aims for and what waits. */
  | { op: 'self-paced-warm' }
  /** Removes every sandbox, closes the platform, then exits. */
  | { op: 'shutdown' };

/** Server → parent. */
export type ServerMessage =
  | { type: 'ready'; url: string; serverId: string }
  | {
      type: 'done';
      op: ServerRequest['op'];
      cpu?: { user: number; system: number };
      rss?: number;
      /** With rss: what of it V8 holds (heapUsed) and what Buffers and other off-heap objects hold (external), bytes. */
      heap?: { used: number; external: number };
      selfPacedWarm?: { target: number; waiting: number };
    }
  | { type: 'failed'; op: ServerRequest['op']; error: string };

export function isServerMessage(value: unknown): value is ServerMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'ready' || type === 'done' || type === 'failed';
}
