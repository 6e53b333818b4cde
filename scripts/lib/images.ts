import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The image tags scripts/images/ensure-images.sh built or found. */
export interface DrydockImages {
  /** drydock/sandbox:<hash> (DRYDOCK_SANDBOX_IMAGE) */
  sandbox: string;
  /** drydock/registry:<hash>, the class registry mirror (DRYDOCK_REGISTRY_IMAGE) */
  registry: string;
}

const LINE = /^(DRYDOCK_SANDBOX_IMAGE|DRYDOCK_REGISTRY_IMAGE)=(\S+)$/;

/**
 * Runs scripts/images/ensure-images.sh (base image bootstrap, sandbox and
 * class registry image builds), streaming its progress, and returns the tags
 * it reported on its last lines.
 */
export function ensureAllImages(root: string, env: NodeJS.ProcessEnv = process.env): Promise<DrydockImages> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(root, 'scripts', 'images', 'ensure-images.sh')], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const found: Record<string, string> = {};
    let partial = '';
    const take = (line: string): void => {
      const m = LINE.exec(line.trim());
      if (m?.[1] && m[2]) found[m[1]] = m[2];
    };
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      lines.forEach(take);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      take(partial);
      const sandbox = found.DRYDOCK_SANDBOX_IMAGE;
      const registry = found.DRYDOCK_REGISTRY_IMAGE;
      if (code !== 0) reject(new Error(`preparing the images failed (exit ${code}); see the output above`));
      else if (!sandbox || !registry) reject(new Error('ensure-images.sh did not report the sandbox and registry image tags'));
      else resolve({ sandbox, registry });
    });
  });
}

/** The sandbox image tag only (what the platform needs to start). */
export async function ensureImages(root: string): Promise<string> {
  return (await ensureAllImages(root)).sandbox;
}
