import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs a host command (mkfs, mount, umount); a failure says which command and what it printed. */
export async function hostCommand(file: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(file, args, { timeout: 60_000 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${file} ${args.join(' ')} failed: ${(e.stderr || e.message).trim()}`);
  }
}
