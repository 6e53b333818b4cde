import type { IncomingMessage } from 'node:http';
import { LEARNER_COOKIE, readCookie, verifyLearnerCookie } from '../../lib/identity/learner-identity';
import type { DataDir } from '../../lib/config/data-dir';
import { ClientAddresses } from '../../lib/web-guards/client-address';
import { loadSandboxServerConfig, type SandboxServerConfig } from './config/config';
import type { ClassRegistryBackend } from './engine/class-registry-backend';
import { dockerBackend } from './engine/docker/docker-backend';
import type { SandboxDriver } from './engine/driver';
import { consoleLogger, type Logger } from '../../lib/logging/logger';
import { SessionManager } from './sessions/session-manager';
import { createTerminalUpgrade } from './websocket/upgrade';

/** Sandbox profiles this server offers (lessons name one in their manifest). */
export const PROFILES: ReadonlySet<string> = new Set(['dind']);

export interface SandboxService {
  config: SandboxServerConfig;
  /** The backend's sandboxes (the seam: Docker today). */
  driver: SandboxDriver;
  /** What class registries run on (registry/class-registry.ts drives it). */
  classRegistries: ClassRegistryBackend;
  manager: SessionManager;
  handleUpgrade: ReturnType<typeof createTerminalUpgrade>['handleUpgrade'];
  /** Who is asking (DRYDOCK_TRUSTED_PROXIES): the one instance of the server, for anything counted per client. */
  clients: ClientAddresses;
  /** Removes what sandboxes of this server left behind them (a crash between create and remove); how many networks went. */
  removeOrphans(): Promise<number>;
  /** Detaches from all sandboxes (they keep running for the next start). */
  close(): void;
}

/**
 * Wires the sandbox side together: checks the engine, adopts sandboxes an
 * earlier run left, and returns the WebSocket upgrade handler. Used both by
 * the all-in-one platform server and by the standalone sandbox-server.
 */
export async function startSandboxService(
  data: DataDir,
  options: {
    env?: NodeJS.ProcessEnv;
    log?: Logger;
    config?: Partial<SandboxServerConfig>;
    /** Instructor rights for read-only terminal views (/ws/watch); nobody may watch without it. */
    authorizeWatch?: (req: IncomingMessage) => boolean;
    /** The platform's ClientAddresses; made from the environment when not given. */
    clients?: ClientAddresses;
    /** How many machines a named environment has, undefined for one no lesson declares (TerminalUpgradeOptions.environmentMachines). */
    environmentMachines?: (name: string) => number | undefined;
  } = {},
): Promise<SandboxService> {
  const env = options.env ?? process.env;
  const log = options.log ?? consoleLogger;
  const clients = options.clients ?? ClientAddresses.fromEnv(env);
  const config = { ...loadSandboxServerConfig(data.serverId, env), ...options.config };
  const backend = dockerBackend({ image: config.image, serverId: config.serverId, isolatedNetwork: config.isolatedNetwork, subnets: config.sandboxSubnets });
  const { driver } = backend;
  await backend.ping();
  const { maxSandboxes, maxSandboxesReason, perAddress, socketsPerLearner, joinsPerMinute } = config.admission;
  log.info(
    `capacity: ${maxSandboxes} sandboxes (${maxSandboxesReason}); ${perAddress} per address for learners outside a class; ` +
      `${socketsPerLearner} terminals per learner; ${joinsPerMinute} socket joins a minute per address`,
  );
  const manager = new SessionManager(driver, config, log);
  if (options.environmentMachines) manager.setEnvironmentMachines(options.environmentMachines);
  await manager.reconcile();
  await backend.removeOrphans();
  manager.startSweeping();
  manager.startSelfPacedWarming(PROFILES);
  manager.watchEngine(() => backend.ping());

  const allowedOrigins = new Set((env.DRYDOCK_ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean));
  const terminal = createTerminalUpgrade({
    manager,
    config,
    log,
    profiles: PROFILES,
    environmentMachines: options.environmentMachines,
    allowedOrigins,
    authenticate: (req: IncomingMessage) => verifyLearnerCookie(data.cookieSecret, readCookie(req.headers.cookie, LEARNER_COOKIE)),
    authorizeWatch: options.authorizeWatch,
    clientAddresses: clients,
  });

  return {
    config,
    driver,
    classRegistries: backend.classRegistries,
    manager,
    handleUpgrade: terminal.handleUpgrade,
    clients,
    removeOrphans: () => backend.removeOrphans(),
    close: () => {
      terminal.close();
      manager.shutdown();
    },
  };
}
