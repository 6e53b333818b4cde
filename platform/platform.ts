import { createServer, type Server } from 'node:http';
import next from 'next';
import { ClientAddresses } from '../lib/web-guards/client-address';
import { lessons } from '../lib/lesson-format/lesson-library';
import { startSandboxService, type SandboxService } from '../sandbox-server/src/sandbox-service';
import { gradeExercise } from '../sandbox-server/src/grading/grader';
import { consoleLogger, type Logger } from '../lib/logging/logger';
import { AllowedHosts } from '../lib/web-guards/allowed-hosts';
import { createHttpApp, nodeListener } from './http/app';
import { ClassRuntime, classRuntimeSettingsFromEnv } from './classroom/class-runtime';
import { ClassEvents } from './classroom/class-events';
import { classroomSettingsFromEnv, createClassroom, publishClassroom } from './classroom/class-services';
import { announceGeneratedSecret, INSTRUCTOR_COOKIE, openInstructorAccess, type InstructorAccess } from './classroom/instructor-auth';
import { openDataDir, type DataDir } from '../lib/config/data-dir';
import { readCookie } from '../lib/identity/learner-identity';
import { Store } from '../lib/store';
import { createSiteGuard } from '../lib/web-guards/site-guard';
import { PreviewProxy } from './preview/preview-proxy';
import { previewOriginsFromEnv } from './preview/preview-origin';

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

/** Pages, the JSON API and the terminal WebSocket on one port: the composition root. */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const data = openDataDir(options.dataDir);
  const store = new Store(data.databasePath);
  const log = options.log ?? consoleLogger;
  const env = options.env ?? process.env;
  // Read first: a bad DRYDOCK_TRUSTED_PROXIES or DRYDOCK_ALLOWED_HOSTS stops the start before anything runs.
  const clients = ClientAddresses.fromEnv(env); // the one instance: whatever counts clients gets this
  const hosts = AllowedHosts.fromEnv(env, options.host);
  const guard = createSiteGuard({ hosts, log, dev: options.dev });
  const previewOrigins = previewOriginsFromEnv(env);
  // Watching a terminal needs the instructor cookie. Instructor access is opened only once the sandboxes
  // are up: a generated secret is written at once but printed after the server listens, and a start that
  // fails in between (no engine) must not leave a secret nobody saw.
  let access: InstructorAccess | undefined = undefined;
  const sandboxes = await startSandboxService(data, {
    env: options.env,
    log,
    clients,
    authorizeWatch: (req) => access?.verifyCookie(readCookie(req.headers.cookie, INSTRUCTOR_COOKIE)) ?? false,
    // An environment is named after the lesson that starts it: only those may be asked for.
    environmentMachines: (name) => {
      const found = lessons().environmentOf(name);
      return found?.startedBy === name ? found.machines : undefined;
    },
  });
  const runtime = new ClassRuntime({ store, sandboxes, data, settings: classRuntimeSettingsFromEnv(env), log });
  access = openInstructorAccess(data.path, data.cookieSecret, env);
  const events = new ClassEvents((error) => log.error(`class event listener: ${error.stack ?? error.message}`));
  const classroom = createClassroom({ store, events, connection: (id) => sandboxes.manager.connectionState(id), settings: classroomSettingsFromEnv(env) });
  publishClassroom(classroom);
  runtime.resumeOpenClasses().catch((error: Error) => log.error(`resuming open classes: ${error.stack ?? error.message}`));

  /** The learner's sandbox of an environment: what grading, the preview and the editor each look up. */
  const sandboxIdOf = (learnerId: string, environment: string) => sandboxes.manager.sandboxIdOf(learnerId, environment);
  const preview = new PreviewProxy({
    secret: data.cookieSecret,
    origins: previewOrigins,
    clients,
    log,
    sandboxes: { sandboxIdOf, openPort: (id, port) => sandboxes.driver.openPort(id, port) },
  });

  const pages = next({ dev: options.dev ?? false, dir: options.projectDir, hostname: options.host, port: options.port });
  await pages.prepare();
  const nextUpgrade = pages.getUpgradeHandler();
  const http = createHttpApp({
    cookieSecret: data.cookieSecret,
    store,
    clients,
    log,
    classroom,
    access,
    runtime,
    grading: {
      sandboxIdOf,
      grade: (machines, exercise) => gradeExercise(sandboxes.driver, machines, exercise),
    },
    preview: {
      sandboxIdOf,
      listeningPorts: (id) => sandboxes.driver.listeningPorts(id),
      offeredAt: (host) => preview.offeredAt(host),
      entryUrl: (target, host) => preview.entryUrl(target, host),
    },
    sandboxFiles: {
      sandboxIdOf,
      driver: sandboxes.driver,
    },
    sandboxCount: () => sandboxes.manager.size,
    engineState: () => sandboxes.manager.engineState,
    pages: pages.getRequestHandler(),
  });

  // A preview host is answered by the preview alone, before the platform's guard and router: nothing of the platform is served there.
  const platformListener = nodeListener(http.router, { guard, log });
  const server = createServer((req, res) => (preview.handles(req) ? preview.request(req, res) : platformListener(req, res)));
  server.on('upgrade', (req, socket, head) => {
    if (preview.handles(req)) return preview.upgrade(req, socket, head);
    if (!guard.upgrade(req, socket)) return;
    if (sandboxes.handleUpgrade(req, socket, head)) return;
    if (options.dev) {
      // hot reload
      nextUpgrade(req, socket, head).catch((error: Error) => {
        log.warn(`dev upgrade: ${error.message}`);
        socket.destroy();
      });
    } else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  announceGeneratedSecret(access, `http://${shownHost}:${port}`, data.path);
  log.info(previewOrigins.describe());
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
      http.dispose();
      publishClassroom(undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pages.close();
      store.close();
    },
  };
}
