import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SandboxServerConfig } from './config';
import type { Logger } from './logger';
import type { SessionManager } from './session-manager';
import { serveTerminalSocket } from './terminal-socket';

export const TERMINAL_PATH = '/ws/terminal';
/** Read-only view of a learner's terminal: `/ws/watch?learner=<id>` (instructors only). */
export const WATCH_PATH = '/ws/watch';
const LEARNER_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const PROFILE_PATTERN = /^[a-z0-9-]{1,32}$/;

export interface TerminalUpgradeOptions {
  manager: SessionManager;
  config: SandboxServerConfig;
  log: Logger;
  /** The learner id for this request (from its signed cookie), or null. */
  authenticate(req: IncomingMessage): string | null;
  /**
   * True when the request carries instructor rights (the platform checks its
   * instructor cookie); without this option nobody may watch.
   */
  authorizeWatch?(req: IncomingMessage): boolean;
  /** Sandbox profiles a socket may ask for. */
  profiles: ReadonlySet<string>;
  /**
   * Extra origins allowed to open sockets besides the page's own
   * (scheme://host[:port] exactly). [DRYDOCK_ALLOWED_ORIGINS]
   */
  allowedOrigins?: ReadonlySet<string>;
}

interface AliveSocket extends WebSocket {
  isAlive?: boolean;
}

function reject(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
  socket.destroy();
}

/** Same-origin check: the Origin header must name the host the request was sent to, or an allowed origin. */
export function isAllowedOrigin(req: IncomingMessage, extra: ReadonlySet<string> = new Set()): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  if (extra.has(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * The terminal WebSocket endpoint. Authentication and the Origin check happen
 * in the HTTP upgrade, before any WebSocket exists; ws options are set
 * explicitly (maxPayload small, no compression) rather than left to defaults.
 */
export function createTerminalUpgrade(options: TerminalUpgradeOptions) {
  const { config, log } = options;
  const wss = new WebSocketServer({
    noServer: true,
    // ws default is 100 MiB; a terminal never needs more than a paste's worth.
    maxPayload: config.maxPayloadBytes,
    // ws default is off for servers; kept off explicitly: compression costs CPU per keystroke and opens CRIME-style leaks.
    perMessageDeflate: false,
    clientTracking: true,
  });

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients as Set<AliveSocket>) {
      if (ws.isAlive === false) {
        ws.terminate();
        continue;
      }
      ws.isAlive = false;
      ws.ping();
    }
  }, config.heartbeatMs);
  heartbeat.unref();

  /** Returns false when the request is not for the terminal endpoint (so another handler may take it). */
  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== TERMINAL_PATH && url.pathname !== WATCH_PATH) return false;
    socket.on('error', () => socket.destroy());
    if (!isAllowedOrigin(req, options.allowedOrigins)) {
      log.warn(`refused terminal socket from origin ${req.headers.origin ?? '(none)'}`);
      reject(socket, 403, 'Forbidden: origin not allowed');
      return true;
    }
    const role = url.pathname === WATCH_PATH ? 'viewer' : 'learner';
    let learnerId: string | null;
    if (role === 'viewer') {
      // A learner's cookie never opens a view of anyone's terminal, their own included.
      if (!options.authorizeWatch?.(req)) {
        reject(socket, 401, 'Unauthorized: watching a terminal needs the instructor login');
        return true;
      }
      learnerId = url.searchParams.get('learner');
      if (!learnerId || !LEARNER_PATTERN.test(learnerId)) {
        reject(socket, 400, 'Bad Request: name the learner to watch (?learner=<id>)');
        return true;
      }
    } else {
      learnerId = options.authenticate(req);
      if (!learnerId) {
        reject(socket, 401, 'Unauthorized: load a lesson page first to get a learner cookie');
        return true;
      }
    }
    const profile = url.searchParams.get('profile') ?? 'dind';
    if (!PROFILE_PATTERN.test(profile) || !options.profiles.has(profile)) {
      reject(socket, 400, `Bad Request: unknown sandbox profile "${profile.slice(0, 40)}"`);
      return true;
    }
    wss.handleUpgrade(req, socket, head, (ws: AliveSocket) => {
      ws.isAlive = true;
      ws.on('pong', () => (ws.isAlive = true));
      ws.on('error', (error) => log.warn(`socket error: ${error.message}`));
      serveTerminalSocket(ws, learnerId, profile, options.manager, log, role);
    });
    return true;
  }

  function close(): void {
    clearInterval(heartbeat);
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  }

  return { handleUpgrade, close, wss };
}
