import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import next from 'next';
import { ClientAddresses } from '../lib/web-guards/client-address';
import { startSandboxService, type SandboxService } from '../sandbox-server/src/sandbox-service';
import { consoleLogger, type Logger } from '../lib/logging/logger';
import { AllowedHosts } from '../lib/web-guards/allowed-hosts';
import { createApi } from './http/lesson-api';
import { createClassroomServer } from './http/classroom-routes';
import { ClassRuntime, classRuntimeSettingsFromEnv } from './classroom/class-runtime';
import { INSTRUCTOR_COOKIE } from './classroom/instructor-auth';
import { openDataDir, type DataDir } from '../lib/config/data-dir';
import { LEARNER_COOKIE, learnerCookieHeader, newLearnerId, readCookie, signLearnerCookie, verifyLearnerCookie } from '../lib/identity/learner-identity';
import { Store } from '../lib/store';
import { createSiteGuard } from '../lib/web-guards/site-guard';

/** Header through which the custom server tells Next.js pages who the learner is. Never trusted from the client. */
export const LEARNER_HEADER = 'x-drydock-learner';

export interface PlatformOptions {
  port: number;
  host: string;
  dev?: boolean;
  projectDir: string;
  dataDir?: string;
  log?: Logger;
  env?: NodeJS.ProcessEnv;
}

export interface Platform {
  url: string;
  server: Server;
  sandboxes: SandboxService;
  store: Store;
  data: DataDir;
  close(): Promise<void>;
}

/**
 * Gives every browser a signed learner cookie on its first request, and passes
 * the verified learner id to the pages in a header (any copy of that header
 * sent by the browser is dropped first). Build assets (/_next/static) never
 * set one: they are the same for everyone and cached as such.
 */
function identifyLearner(req: IncomingMessage, res: ServerResponse, data: DataDir, store: Store, clients: ClientAddresses): string {
  delete req.headers[LEARNER_HEADER];
  let learnerId = verifyLearnerCookie(data.cookieSecret, readCookie(req.headers.cookie, LEARNER_COOKIE));
  if (!learnerId) {
    learnerId = newLearnerId();
    if (req.url?.startsWith('/_next/static/')) return learnerId; // throwaway: no page or route sees it
    const value = signLearnerCookie(data.cookieSecret, learnerId);
    res.setHeader('Set-Cookie', learnerCookieHeader(value, clients.isHttps(req)));
    const others = (req.headers.cookie ?? '').split(';').filter((c) => c.trim() && !c.trim().startsWith(`${LEARNER_COOKIE}=`));
    req.headers.cookie = [...others, `${LEARNER_COOKIE}=${value}`].join('; ');
  }
  req.headers[LEARNER_HEADER] = learnerId;
  // Page loads only, not every asset request.
  if (!req.url?.startsWith('/_next/')) store.touchLearner(learnerId);
  return learnerId;
}

/** Pages and the terminal WebSocket on one port. */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const data = openDataDir(options.dataDir);
  const store = new Store(data.databasePath);
  const log = options.log ?? consoleLogger;
  const env = options.env ?? process.env;
  // Read first: a bad DRYDOCK_TRUSTED_PROXIES or DRYDOCK_ALLOWED_HOSTS stops the start before anything runs.
  const clients = ClientAddresses.fromEnv(env); // the one instance: whatever counts clients gets this
  const hosts = AllowedHosts.fromEnv(env, options.host);
  const guard = createSiteGuard({ hosts, log, dev: options.dev });
  // Watching a terminal needs the instructor cookie, which the classroom (created below, it needs the sandboxes) checks.
  const late: { classroom?: ReturnType<typeof createClassroomServer> } = {};
  const sandboxes = await startSandboxService(data, {
    env: options.env,
    log,
    clients,
    authorizeWatch: (req) => late.classroom?.access.verifyCookie(readCookie(req.headers.cookie, INSTRUCTOR_COOKIE)) ?? false,
  });
  const runtime = new ClassRuntime({ store, sandboxes, data, settings: classRuntimeSettingsFromEnv(env), log });
  const classroom = createClassroomServer({ store, data, connection: (id) => sandboxes.manager.connectionState(id), env, log, runtime, clients });
  late.classroom = classroom;
  void runtime.resumeOpenClasses();
  const api = createApi({ store, sandboxes, log, classEvents: classroom.events });
  const app = next({ dev: options.dev ?? false, dir: options.projectDir, hostname: options.host, port: options.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const nextUpgrade = app.getUpgradeHandler();

  const server = createServer((req, res) => {
    // Host allow-list, security headers and the no-cookies-in-shared-caches rule, for every response.
    if (!guard.request(req, res)) return;
    if (req.url === '/healthz') {
      // Anyone may ask whether it is up; how busy it is only an instructor may know.
      const instructor = classroom.access.verifyCookie(readCookie(req.headers.cookie, INSTRUCTOR_COOKIE));
      const body = instructor ? { ok: true, sandboxes: sandboxes.manager.size } : { ok: true };
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
      return;
    }
    const learnerId = identifyLearner(req, res, data, store, clients);
    // Classroom routes first: they guard /instructor pages before Next.js sees them.
    void classroom
      .handle(req, res, learnerId)
      .then((handled) => handled || api.handle(req, res, learnerId))
      .then((handled) => {
        if (!handled) void handle(req, res);
      });
  });
  server.on('upgrade', (req, socket, head) => {
    if (!guard.upgrade(req, socket)) return;
    if (sandboxes.handleUpgrade(req, socket, head)) return;
    if (options.dev) void nextUpgrade(req, socket, head); // hot reload
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  classroom.announce(`http://${shownHost}:${port}`);
  log.info(`answering to host names: ${hosts.list().join(', ')} (DRYDOCK_ALLOWED_HOSTS); forwarded headers trusted from: ${env.DRYDOCK_TRUSTED_PROXIES?.trim() || 'nobody'} (DRYDOCK_TRUSTED_PROXIES)`);

  return {
    url: `http://${shownHost}:${port}`,
    server,
    sandboxes,
    store,
    data,
    close: async () => {
      runtime.close();
      sandboxes.close();
      classroom.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
      store.close();
    },
  };
}
