import type { ServerControl } from '../../../protocol';

/** What a session needs from one connected browser; the WebSocket adapter implements it. */
export interface TerminalClient {
  sendOutput(data: Buffer): void;
  sendControl(message: ServerControl): void;
  close(code: number, reason: string): void;
}
