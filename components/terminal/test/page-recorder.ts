import type { ServerControl } from '../../../protocol';
import type { ConnectionEvents, ConnectionState } from '../terminal-connection';

/** What the connection told the page, and the `done` callbacks of output not yet rendered. */
export function pageRecorder() {
  const seen = {
    states: [] as [ConnectionState, string][],
    output: [] as string[],
    pendingRender: [] as (() => void)[],
    replays: 0,
    hellos: [] as Extract<ServerControl, { type: 'hello' }>[],
    /** What the page showed as held input, each time it changed. */
    held: [] as string[],
  };
  const events: ConnectionEvents = {
    output(data, done) {
      seen.output.push(new TextDecoder().decode(data));
      seen.pendingRender.push(done);
    },
    replayStarting: () => void seen.replays++,
    state: (state, message) => void seen.states.push([state, message]),
    hello: (message) => void seen.hellos.push(message),
    held: (text) => void seen.held.push(text),
  };
  /** The terminal renders everything it was given. */
  const renderAll = (): void => {
    for (const done of seen.pendingRender.splice(0)) done();
  };
  return { seen, events, renderAll };
}

export const hello = (replayBytes = 0): Extract<ServerControl, { type: 'hello' }> => ({ type: 'hello', sandboxId: 'abc123def456', reattached: replayBytes > 0, replayBytes, expiresAt: 1, idleTimeoutMinutes: 30 });
export const lastState = (states: [ConnectionState, string][]): [ConnectionState, string] | undefined => states.at(-1);
