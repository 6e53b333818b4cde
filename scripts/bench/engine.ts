/**
 * Imported first by the bench: gets the default tier's engine (and images)
 * exactly as `npm start` does and points DOCKER_HOST at it, before any module
 * makes a Docker client.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareSandboxEngine } from '../lib/sandbox-engine';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const engine = await prepareSandboxEngine(root, (m) => process.stderr.write(`[bench] ${m}\n`));
process.env.DRYDOCK_SANDBOX_IMAGE ||= engine.images.sandbox;
process.env.DRYDOCK_REGISTRY_IMAGE ||= engine.images.registry;
