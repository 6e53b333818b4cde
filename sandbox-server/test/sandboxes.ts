import type { ExecOptions, ExecResult, SandboxDriver } from '../src/engine/driver';
import type { SessionManager } from '../src/sessions/session-manager';
import type { TerminalClient } from '../src/terminal/terminal-client';

/**
 * Test-side operations on a server's sandboxes that production never needs,
 * kept here rather than as methods of SessionManager.
 */

/** Detaches the manager from everything (shutdown) and removes every sandbox its driver lists. */
export async function removeEverySandbox(manager: SessionManager, driver: SandboxDriver): Promise<void> {
  manager.shutdown();
  for (const info of await driver.list()) await driver.remove(info.id);
}

/**
 * Runs a command in the learner's sandbox from outside their shell, as
 * grading does (the sandbox id from the manager, the exec from the driver),
 * opening the sandbox first if they have none, as a terminal connect would.
 */
export async function execInSandbox(
  sandboxes: { manager: SessionManager; driver: SandboxDriver },
  learnerId: string,
  profile: string,
  cmd: string[],
  options: ExecOptions,
): Promise<ExecResult> {
  const { manager, driver } = sandboxes;
  if (!manager.sandboxIdOf(learnerId, profile)) {
    const nobody: TerminalClient = { sendOutput: () => undefined, sendControl: () => undefined, close: () => undefined };
    manager.disconnect(await manager.connect(learnerId, profile, nobody), nobody);
  }
  const id = manager.sandboxIdOf(learnerId, profile);
  if (!id) throw new Error(`learner ${learnerId.slice(0, 8)} has no ${profile} sandbox to run ${cmd.join(' ')} in`);
  return driver.exec(id, cmd, options);
}
