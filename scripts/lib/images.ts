import { spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * Runs scripts/images/ensure-images.sh (base image bootstrap + sandbox image
 * build), streaming its progress, and returns the sandbox image tag it built.
 */
export function ensureImages(root: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(root, 'scripts', 'images', 'ensure-images.sh')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let image: string | undefined;
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^DRYDOCK_SANDBOX_IMAGE=(\S+)$/.exec(line.trim());
        if (m) image = m[1];
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /^DRYDOCK_SANDBOX_IMAGE=(\S+)$/.exec(partial.trim());
      if (m) image = m[1];
      if (code !== 0) reject(new Error(`preparing the sandbox image failed (exit ${code}); see the output above`));
      else if (!image) reject(new Error('ensure-images.sh did not report the sandbox image tag'));
      else resolve(image);
    });
  });
}
