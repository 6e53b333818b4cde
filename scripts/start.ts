/**
 * `npm start`: checks the engine, prepares images and the web build (each
 * only when needed), then serves pages and terminals on one port.
 *   PORT (3000)  HOST (0.0.0.0)  DRYDOCK_DATA_DIR (./data)   --dev for hot reload
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPlatform } from '../platform/platform';
import { ensureNextBuild } from './lib/build-next';
import { isEntryPoint, parseCommandLine } from './lib/cli';
import { EngineSetupError, prepareSandboxEngine } from './lib/sandbox-engine';

const USAGE = `
usage: npm start            serve the production build (built first when the sources changed)
       npm run dev          the same with --dev

  --dev        Next.js in development mode (hot reload, no production build)
  -h, --help   this text

environment: PORT (3000)  HOST (0.0.0.0)  DRYDOCK_DATA_DIR (./data)
`;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (m: string) => console.log(`[drydock] ${m}`);

async function main(): Promise<void> {
  const { values } = parseCommandLine(USAGE, { options: { dev: { type: 'boolean', default: false } } });
  const dev = values.dev;
  let engine;
  try {
    engine = await prepareSandboxEngine(root, log);
  } catch (error) {
    if (!(error instanceof EngineSetupError)) throw error;
    console.error(`[drydock] ${error.message.split('\n').join('\n[drydock] ')}`);
    process.exit(2);
  }
  process.env.DRYDOCK_SANDBOX_IMAGE ||= engine.images.sandbox;
  process.env.DRYDOCK_REGISTRY_IMAGE ||= engine.images.registry; // class registry mirrors
  if (!dev) ensureNextBuild(root, log);

  const platform = await startPlatform({
    port: Number(process.env.PORT ?? 3000),
    host: process.env.HOST ?? '0.0.0.0',
    dev,
    projectDir: root,
  });
  log(`ready: ${platform.url}  (sandbox image ${process.env.DRYDOCK_SANDBOX_IMAGE}, data in ${platform.data.path})`);
  log(engine.announcement);

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      log('stopping; sandboxes keep running and are reattached at the next start');
      platform.close().then(
        () => process.exit(0),
        (error: Error) => {
          console.error(`[drydock] stopping: ${error.message}`);
          process.exit(1);
        },
      );
    });
  }
}

if (isEntryPoint(import.meta.url)) {
  main().catch((error: Error) => {
    console.error(`[drydock] ${error.message}`);
    process.exit(1);
  });
}
