import type { WebSocket } from 'ws';
import {
  CloseCode,
  MAIN_SHELL,
  FrameType,
  ProtocolError,
  decodeClientFrame,
  encodeOutput,
  encodeServerControl,
  type ServerControl,
  type TerminalSize,
} from '../../../protocol';
import { DisposableStore, toDisposable } from '../../../lib/lifecycle/disposable';
import type { Logger } from '../../../lib/logging/logger';
import { ENGINE_LOST_MESSAGE, type SandboxSession } from '../terminal/sandbox-session';
import { DISK_FULL_MESSAGE, DiskFullError, EngineUnavailableError } from '../engine/errors';
import { AdmissionRefusedError, type SessionManager } from '../sessions/session-manager';
import type { TerminalClient } from '../terminal/terminal-client';
import { LeftTheLineError } from '../sessions/waiting-line';
import { ShellLimitError, ShellNotFoundError } from '../terminal/shell-set';

/** Frames that arrive while the sandbox is still starting are held, up to this many. */
const MAX_EARLY_FRAMES = 256;

/**
 * A viewer is not paced by flow control (it must not slow the learner down),
 * so one that cannot keep up is closed once this much is waiting in its socket.
 */
const VIEWER_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/** A learner's own socket (types, resizes, paces output) or a read-only viewer of it. */
export type SocketRole = 'learner' | 'viewer';

export interface TerminalSocketContext {
  learnerId: string;
  profile: string;
  manager: SessionManager;
  log: Logger;
  role: SocketRole;
  /** The client's address (ClientAddresses.of), which admission counts a new sandbox against. */
  address: string;
  /** The shell this socket shows (MAIN_SHELL: the sandbox's own terminal; a viewer always watches that one). */
  shell?: number;
}

/** Where a socket's keystrokes, sizes and acks go: the sandbox's own terminal or one of its extra shells. */
interface ShellTarget {
  input(data: Uint8Array): void;
  resize(size: TerminalSize): void;
  ack(bytes: number): void;
}

/**
 * Serves one browser WebSocket: decodes its frames and forwards them to the
 * learner's session; sends output and control frames back. A malformed frame
 * closes this socket only (CloseCode.PROTOCOL with the reason); the sandbox and
 * every other socket carry on.
 */
export function serveTerminalSocket(ws: WebSocket, context: TerminalSocketContext): void {
  const { learnerId, profile, manager, log, role, address } = context;
  const shellNumber = role === 'viewer' ? MAIN_SHELL : (context.shell ?? MAIN_SHELL);
  let session: SandboxSession | undefined;
  let target: ShellTarget | undefined;
  let closed = false;
  let early: Buffer[] = [];
  /** Set once the server told this socket its place in line (the site is full). */
  let inLine = false;
  /**
   * What this socket holds, released when it closes: its place in line, its
   * seat in the session. A seat taken after the close is released at once.
   */
  const held = new DisposableStore();
  const left = new AbortController();
  held.add(toDisposable(() => left.abort()));
  /** The socket holds `s` from now until it closes. */
  const join = (s: SandboxSession): void => {
    session = s;
    target = { input: (data) => s.input(data), resize: (size) => void s.resize(size), ack: (bytes) => s.ack(client, bytes) };
    held.add(toDisposable(() => (role === 'viewer' ? s.removeViewer(client) : manager.disconnect(s, client))));
  };

  const client: TerminalClient = {
    sendOutput: (data) => {
      if (ws.readyState !== ws.OPEN) return;
      if (role === 'viewer' && ws.bufferedAmount > VIEWER_MAX_BUFFERED_BYTES) {
        client.close(CloseCode.VIEWER_BEHIND, 'the view fell behind the output; open it again');
        return;
      }
      ws.send(encodeOutput(data));
    },
    sendControl: (message: ServerControl) => {
      if (message.type === 'queue' && !inLine) {
        inLine = true;
        // Keystrokes sent before the wait began would reach a shell minutes later: only the latest size is kept.
        early = early.filter((f) => f[0] === FrameType.RESIZE).slice(-1);
      }
      if (ws.readyState === ws.OPEN) ws.send(encodeServerControl(message));
    },
    close: (code, reason) => {
      closed = true;
      ws.close(code, reason);
    },
  };

  const failProtocol = (message: string): void => {
    log.warn(`protocol error from learner ${learnerId.slice(0, 8)}: ${message}`);
    client.sendControl({ type: 'error', code: 'protocol', message });
    client.close(CloseCode.PROTOCOL, message.slice(0, 120));
  };

  const handle = (raw: Buffer): void => {
    if (!session || !target || closed) return;
    let frame;
    try {
      frame = decodeClientFrame(raw);
    } catch (error) {
      if (error instanceof ProtocolError) return failProtocol(error.message);
      throw error;
    }
    // A viewer only watches: its keystrokes, sizes and resets are not the learner's.
    if (role === 'viewer') return;
    switch (frame.type) {
      case 'input':
        target.input(frame.data);
        break;
      case 'resize':
        target.resize(frame.size);
        break;
      case 'ack':
        target.ack(frame.bytes);
        break;
      case 'control':
        switch (frame.message.type) {
          case 'reset':
            void manager.reset(learnerId, profile).catch((e: Error) => log.error(`reset: ${e.message}`));
            break;
          case 'open-shell':
            openShell(session);
            break;
          case 'close-shell':
            // The main shell is the sandbox's own process: Reset replaces it, nothing closes it.
            if (frame.message.shell !== MAIN_SHELL) session.shells.close(frame.message.shell);
            break;
        }
        break;
      case 'unknown-control':
        log.warn(`ignoring unknown control message "${frame.controlType}"`);
        break;
    }
  };

  /** Answers this socket's open-shell: the new shell's number, or why there is none (the socket carries on either way). */
  const openShell = (s: SandboxSession): void => {
    s.shells.open().then(
      (shell) => client.sendControl({ type: 'shell-opened', shell }),
      (error: Error) => {
        if (!(error instanceof ShellLimitError)) log.warn(`learner ${learnerId.slice(0, 8)}: a new shell failed: ${error.message}`);
        const message = error instanceof ShellLimitError ? error.message : `A new terminal could not be opened: ${error.message}`;
        client.sendControl({ type: 'shell-refused', message });
      },
    );
  };

  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) return failProtocol('text frames are not part of the protocol; send binary frames');
    if (session) return handle(data);
    if (inLine) {
      // Waiting in line may take minutes: what is typed meanwhile goes nowhere, the latest size is kept.
      if (data[0] === FrameType.RESIZE) early = [data];
      return;
    }
    if (early.length >= MAX_EARLY_FRAMES) return failProtocol('too many frames before the sandbox was ready');
    early.push(data);
  });

  ws.on('close', () => {
    closed = true;
    held.dispose();
  });

  if (role === 'viewer') {
    manager
      .watch(learnerId, profile, client)
      .then((s) => {
        if (!s) return client.close(CloseCode.SANDBOX_FAILED, 'this learner has no sandbox yet');
        join(s);
      })
      .catch((error: Error) => client.close(CloseCode.SANDBOX_FAILED, `cannot watch: ${error.message}`.slice(0, 120)));
    return;
  }

  if (shellNumber !== MAIN_SHELL) {
    // An extra shell of a sandbox the learner has now: nothing to admit or start, it is there or it is not.
    try {
      const { session: s, shell } = manager.connectShell(learnerId, profile, shellNumber, client);
      session = s;
      target = { input: (data) => s.shellInput(shell, data), resize: (size) => void shell.resize(size), ack: (bytes) => shell.ack(client, bytes) };
      held.add(toDisposable(() => s.removeShellClient(shell, client)));
      for (const frame of early.splice(0)) handle(frame);
    } catch (error) {
      if (!(error instanceof ShellNotFoundError)) throw error;
      client.close(CloseCode.SHELL_GONE, error.message.slice(0, 120));
    }
    return;
  }

  if (manager.engineState === 'away') {
    // Anything asked of a hung engine would hang too: say why, and let the browser try again (it reconnects after SHUTDOWN).
    client.sendControl({ type: 'status', state: 'restarting', message: ENGINE_LOST_MESSAGE });
    client.close(CloseCode.SHUTDOWN, 'the Docker engine is not answering; retrying');
    return;
  }
  client.sendControl({ type: 'status', state: 'starting', message: 'Connecting to your sandbox…' });
  manager
    .connect(learnerId, profile, client, { address, signal: left.signal })
    .then((s) => {
      join(s);
      for (const frame of early.splice(0)) handle(frame);
    })
    .catch((error: Error) => {
      if (error instanceof AdmissionRefusedError) {
        client.sendControl({ type: 'error', code: error.code, message: error.message });
        client.close(CloseCode.LIMIT, 'too many sandboxes from this address');
        return;
      }
      if (error instanceof DiskFullError) {
        // Refused, not queued: space comes back when the operator frees it, not when someone leaves.
        log.warn(`learner ${learnerId.slice(0, 8)}: ${error.message}`);
        client.sendControl({ type: 'error', code: 'disk-full', message: DISK_FULL_MESSAGE });
        client.close(CloseCode.LIMIT, "the server's disk is nearly full");
        return;
      }
      if (error instanceof LeftTheLineError) {
        // The socket closed (nothing to say), or the server is stopping (the browser reconnects).
        if (!closed) client.close(CloseCode.SHUTDOWN, error.message.slice(0, 120));
        return;
      }
      if (error instanceof EngineUnavailableError) {
        // Nothing is lost and nothing is wrong with the sandbox: say so, and let the browser try again (it reconnects after SHUTDOWN).
        log.warn(`learner ${learnerId.slice(0, 8)}: the engine is not answering (${error.message})`);
        client.sendControl({ type: 'status', state: 'restarting', message: ENGINE_LOST_MESSAGE });
        client.close(CloseCode.SHUTDOWN, 'the Docker engine is not answering; retrying');
        return;
      }
      log.error(`sandbox for learner ${learnerId.slice(0, 8)} failed: ${error.message}`);
      client.sendControl({ type: 'error', code: 'sandbox-failed', message: `Your sandbox could not be started: ${error.message}` });
      client.close(CloseCode.SANDBOX_FAILED, 'sandbox could not be started');
    });
}
