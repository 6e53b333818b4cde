import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { DisposableStore, disposableInterval, toDisposable } from '../../../lib/lifecycle/disposable';
import { RateLimiter } from '../../../lib/web-guards/rate-limiter';
import { CloseCode, MAIN_SHELL, encodeServerControl, parseEnvironment, parseShellParam } from '../../../protocol';
import { addressGroup } from '../../../lib/web-guards/address-group';
import { ClientAddresses } from '../../../lib/web-guards/client-address';
import { isAllowedOrigin } from '../../../lib/web-guards/origin';
import type { SandboxServerConfig } from '../config/config';
import type { Logger } from '../../../lib/logging/logger';
import type { SessionManager } from '../sessions/session-manager';
import { serveTerminalSocket } from './terminal-socket';

export const TERMINAL_PATH = '/ws/terminal';
/** Read-only view of a learner's terminal: `/ws/watch?learner=<id>` (instructors only). */
export const WATCH_PATH = '/ws/watch';
const LEARNER_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

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
   * How many machines the named environment has (its lesson's `machines`),
   * or undefined when no lesson declares it: such a socket is refused, so a
   * learner cannot make up environments to hold more sandboxes. Without this
   * option (the standalone sandbox server) any well-formed name is accepted.
   */
  environmentMachines?(name: string): number | undefined;
  /**
   * Extra origins allowed to open sockets besides the page's own
   * (scheme://host[:port] exactly). [DRYDOCK_ALLOWED_ORIGINS]
   */
  allowedOrigins?: ReadonlySet<string>;
  /**
   * Who a request comes from, for the join rate limit and the per-address
   * sandbox cap. default ClientAddresses.fromEnv(process.env)
   */
  clientAddresses?: ClientAddresses;
}

interface AliveSocket extends WebSocket {
  isAlive?: boolean;
}

function reject(socket: Duplex, status: number, reason: string, headers = ''): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n${headers}Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
  socket.destroy();
}

/**
 * The terminal WebSocket endpoint. Authentication and the Origin check happen
 * in the HTTP upgrade, before any WebSocket exists; ws options are set
 * explicitly (maxPayload small, no compression) rather than left to defaults.
 */
export function createTerminalUpgrade(options: TerminalUpgradeOptions) {
  const { config, log } = options;
  const addresses = options.clientAddresses ?? ClientAddresses.fromEnv(process.env);
  const { joinsPerMinute, socketsPerLearner } = config.admission;
  // Every upgrade costs a handshake and a cookie check, and may open a sandbox: a burst of one minute's joins, then that rate.
  const joins = new RateLimiter(joinsPerMinute, joinsPerMinute / 60);
  /** Open terminal sockets per learner (viewers are not counted: they are the instructor's). */
  const openSockets = new Map<string, number>();
  const wss = new WebSocketServer({
    noServer: true,
    // ws default is 100 MiB; a terminal never needs more than a paste's worth.
    maxPayload: config.maxPayloadBytes,
    // ws default is off for servers; kept off explicitly: compression costs CPU per keystroke and opens CRIME-style leaks.
    perMessageDeflate: false,
    clientTracking: true,
  });

  /** What close() releases, newest first: the heartbeat, then every socket, then the server. */
  const resources = new DisposableStore();
  resources.add(
    toDisposable(() => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    }),
  );
  resources.add(
    disposableInterval(
      () => {
        for (const ws of wss.clients as Set<AliveSocket>) {
          if (ws.isAlive === false) {
            ws.terminate();
            continue;
          }
          ws.isAlive = false;
          ws.ping();
        }
      },
      config.heartbeatMs,
      { unref: true },
    ),
  );

  /** Returns false when the request is not for the terminal endpoint (so another handler may take it). */
  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== TERMINAL_PATH && url.pathname !== WATCH_PATH) return false;
    socket.on('error', () => socket.destroy());
    const address = addressGroup(addresses.of(req));
    const wait = joins.take(address);
    if (wait > 0) {
      log.warn(`refused terminal socket from ${address}: over ${joinsPerMinute} joins a minute`);
      reject(socket, 429, `Too Many Requests: too many terminal connections from your address; try again in ${wait} s`, `Retry-After: ${wait}\r\n`);
      return true;
    }
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
    // ?env= names the environment (protocol/environment.ts); ?profile= is its older name.
    const profile = url.searchParams.get('env') ?? url.searchParams.get('profile') ?? 'dind';
    const environment = parseEnvironment(profile);
    if (!environment || !options.profiles.has(environment.profile)) {
      reject(socket, 400, `Bad Request: unknown sandbox environment "${profile.slice(0, 60)}" (write <profile>[:<name>[@<machine>]], e.g. dind:networking)`);
      return true;
    }
    if (environment.name && options.environmentMachines) {
      const machines = options.environmentMachines(environment.name);
      if (machines === undefined || (environment.machine ?? 1) > machines) {
        reject(socket, 400, `Bad Request: no lesson has the environment "${profile.slice(0, 60)}"`);
        return true;
      }
    }
    // Which of the sandbox's shells this socket shows (absent: its own terminal); a viewer watches that one only.
    const shell = role === 'learner' ? parseShellParam(url.searchParams.get('shell')) : MAIN_SHELL;
    if (shell === null) {
      reject(socket, 400, `Bad Request: shell must be a terminal's number (1 to 9999), got "${(url.searchParams.get('shell') ?? '').slice(0, 20)}"`);
      return true;
    }
    wss.handleUpgrade(req, socket, head, (ws: AliveSocket) => {
      ws.isAlive = true;
      // Listeners on the socket itself live and go with it: nothing to release.
      ws.on('pong', () => (ws.isAlive = true));
      ws.on('error', (error) => log.warn(`socket error: ${error.message}`));
      if (role === 'learner' && !countSocket(ws, learnerId)) return;
      // Every socket counts, whichever shell it shows: a browser tab shows one shell at a time, so tabs cost no more sockets.
      serveTerminalSocket(ws, { learnerId, profile, manager: options.manager, log, role, address, shell });
    });
    return true;
  }

  /**
   * Counts a learner's open socket until it closes; false (and the socket
   * closed with the reason, which a browser can read where it cannot read an
   * HTTP refusal) when they already have socketsPerLearner open.
   */
  function countSocket(ws: WebSocket, learnerId: string): boolean {
    const open = openSockets.get(learnerId) ?? 0;
    if (open >= socketsPerLearner) {
      const message = `You already have ${open} terminals open, the most one learner may have at once. Close a tab you no longer use, then press Reconnect.`;
      ws.send(encodeServerControl({ type: 'error', code: 'socket-limit', message }));
      ws.close(CloseCode.LIMIT, `too many terminals open (${open}); close one`);
      return false;
    }
    openSockets.set(learnerId, open + 1);
    ws.once('close', () => {
      const left = (openSockets.get(learnerId) ?? 1) - 1;
      if (left > 0) openSockets.set(learnerId, left);
      else openSockets.delete(learnerId);
    });
    return true;
  }

  /** Stops the heartbeat, drops every socket and closes the server (sandboxes are the session manager's). */
  function close(): void {
    resources.dispose();
  }

  return { handleUpgrade, close, wss };
}
