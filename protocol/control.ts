import { z } from './zod';

/**
 * Control messages travel as JSON inside a CONTROL frame (see frames.ts).
 * Every message has a `type`; unknown types are ignored with a warning so that
 * an older client keeps working against a newer server, while a known type
 * with a malformed body is a protocol error.
 */

export const TerminalSizeSchema = z.object({
  cols: z.number().int().min(2).max(1000),
  rows: z.number().int().min(1).max(500),
});
export type TerminalSize = z.infer<typeof TerminalSizeSchema>;

/**
 * A sandbox has several shells, each a terminal of its own, numbered from 1
 * and never reused within the sandbox's life (a browser still showing a
 * closed shell cannot land in a newer one). Shell 1 is the sandbox's own
 * terminal (its main process); the others are opened by the learner. A
 * socket names its shell in the URL (`/ws/terminal?shell=2`; absent: 1).
 */
export const MAIN_SHELL = 1;
export const MAX_SHELL_NUMBER = 9999;
export const ShellNumberSchema = z.number().int().min(MAIN_SHELL).max(MAX_SHELL_NUMBER);

/** The `shell` query parameter, strictly: absent is the main shell, anything but a plain number in range is null. */
export function parseShellParam(value: string | null): number | null {
  if (value === null) return MAIN_SHELL;
  if (!/^[1-9][0-9]{0,3}$/.test(value)) return null;
  return Number(value);
}

export const ShellEntrySchema = z.object({
  shell: ShellNumberSchema,
  /** Its process ended: the tab says so and can be closed; it never comes back. */
  exited: z.boolean(),
});
export type ShellEntry = z.infer<typeof ShellEntrySchema>;

export const SandboxStateSchema = z.enum(['starting', 'ready', 'restarting', 'expired', 'removed', 'error']);
export type SandboxState = z.infer<typeof SandboxStateSchema>;

/** Server → client. */
export const ServerControlSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('hello'),
    /** Short, non-secret sandbox id shown to the learner (first 12 hex of the container id). */
    sandboxId: z.string(),
    /** True when this socket joined an already-running sandbox. */
    reattached: z.boolean(),
    /** Bytes of earlier output replayed right after this message. */
    replayBytes: z.number().int().nonnegative(),
    /** Epoch milliseconds at which the sandbox is removed whatever happens. */
    expiresAt: z.number().int(),
    /** Minutes of inactivity after which an unattended sandbox is removed. */
    idleTimeoutMinutes: z.number(),
    /** The terminal's current size, when known (a read-only viewer draws at the learner's size). */
    size: TerminalSizeSchema.optional(),
    /**
     * False while the sandbox's own Docker engine is still starting: a status
     * `ready` follows once it answers, and until then the client holds what
     * the learner types (and shows it held). Absent from older servers: ready.
     */
    engineReady: z.boolean().optional(),
    /** The shell this socket shows (see MAIN_SHELL). Absent from older servers: the main shell. */
    shell: ShellNumberSchema.optional(),
    /** This environment was parked and is running again with what it wrote: when it was parked (epoch ms). */
    restoredFrom: z.number().int().optional(),
    /** The learner had a parked environment here that is gone (past the keep window, evicted, or it would not start): this one is fresh. */
    lost: z.enum(['expired', 'evicted', 'unrestorable']).optional(),
  }),
  z.object({
    /** The learner's terminal changed size (sent to read-only viewers). */
    type: z.literal('size'),
    size: TerminalSizeSchema,
  }),
  z.object({
    type: z.literal('status'),
    state: SandboxStateSchema,
    message: z.string(),
  }),
  z.object({
    type: z.literal('error'),
    code: z.string(),
    message: z.string(),
  }),
  z.object({
    /** The sandbox's end moved (an instructor extended it): epoch milliseconds, as in the hello. */
    type: z.literal('expires'),
    expiresAt: z.number().int(),
  }),
  z.object({
    /**
     * How many read-only viewers (an instructor's shadow view) watch this
     * terminal now: sent to the learner's own sockets when it changes, and
     * after the hello when it is not 0, so the learner knows who sees what
     * they type.
     */
    type: z.literal('watched'),
    viewers: z.number().int().nonnegative(),
  }),
  z.object({
    /**
     * The site is full: this socket's learner waits in line for a sandbox.
     * Sent on joining the line and again whenever the place changes; the
     * socket stays open, and a status `starting` follows when a place frees.
     */
    type: z.literal('queue'),
    /** 1 is next. */
    position: z.number().int().positive(),
  }),
  z.object({
    /**
     * The sandbox's open shells, in order, so every browser tab of the
     * learner shows the same terminal tabs. Sent after the hello when there
     * is more than the main shell, and to every socket of the sandbox
     * whenever a shell opens, exits or is closed.
     */
    type: z.literal('shells'),
    shells: z.array(ShellEntrySchema).min(1).max(64),
    /** The most shells the sandbox may have open at once, the main one included. */
    max: z.number().int().positive(),
  }),
  z.object({
    /** Answers this socket's open-shell: the new shell, which the asking tab shows next. */
    type: z.literal('shell-opened'),
    shell: ShellNumberSchema,
  }),
  z.object({
    /** Answers this socket's open-shell when no shell was opened (the cap, or the engine failed); the socket carries on. */
    type: z.literal('shell-refused'),
    message: z.string(),
  }),
]);
export type ServerControl = z.infer<typeof ServerControlSchema>;

/** Client → server. (Resize, input and acks have frames of their own.) */
export const ClientControlSchema = z.discriminatedUnion('type', [
  z.object({
    /** Ask the server to recreate this learner's sandbox from scratch. */
    type: z.literal('reset'),
  }),
  z.object({
    /**
     * Open another shell in this learner's sandbox. Answered on the same
     * socket by shell-opened or shell-refused; then the tab connects a
     * socket to it (…&shell=<n>).
     *
     * A control message, not a `shell=new` socket: the asking socket is
     * already admitted and counted against the learner's sockets, so
     * opening a shell costs no join, a refusal (the cap) does not cost the
     * learner the terminal they asked from, and a shell is only made for a
     * learner who already has a sandbox.
     */
    type: z.literal('open-shell'),
  }),
  z.object({
    /** End one of the sandbox's extra shells and its processes (the main shell cannot be closed; Reset replaces it). */
    type: z.literal('close-shell'),
    shell: ShellNumberSchema,
  }),
]);
export type ClientControl = z.infer<typeof ClientControlSchema>;

/**
 * WebSocket close codes (4000–4999 is the application range). A client should
 * not reconnect automatically after PROTOCOL, EXPIRED, SANDBOX_FAILED or LIMIT closes.
 */
export const CloseCode = {
  /** A frame could not be parsed: unknown framing, bad JSON, bad field. */
  PROTOCOL: 4400,
  /** The sandbox reached its lifetime or idle limit and was removed. */
  EXPIRED: 4410,
  /** The sandbox could not be created or attached. */
  SANDBOX_FAILED: 4500,
  /** The server is shutting down; reconnect later. */
  SHUTDOWN: 4503,
  /** A read-only viewer (shadow view) fell too far behind the output; open it again. */
  VIEWER_BEHIND: 4408,
  /**
   * Refused by a limit: this client address holds all the sandboxes learners
   * outside a class may have, or this learner has too many terminals open.
   * An `error` control message before the close says which, in full.
   */
  LIMIT: 4429,
  /** The shell this socket named does not exist (closed, or gone with an earlier sandbox): show another one. */
  SHELL_GONE: 4404,
} as const;
