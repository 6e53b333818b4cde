/**
 * The Drydock server under benchmark, in its own process (as in production,
 * where the browser is not on the server's event loop). Forked by run.ts with
 * an IPC channel; DRYDOCK_DATA_DIR points at a throw-away folder, so its
 * server id (and so every sandbox label) is new and unique to this run.
 *
 * Messages in:  { id, op: 'remove', learnerId } | { id, op: 'cpu' } | { id, op: 'shutdown' }
 * Messages out: { op: 'ready', url, serverId } | { id, ok, value?, error? }
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPlatform, type Platform } from '../../platform/platform';
import type { Logger } from '../../lib/logging/logger';
import { removeEverySandbox } from '../../sandbox-server/test/sandboxes';

type Request = { id: number; op: 'remove'; learnerId: string } | { id: number; op: 'cpu' } | { id: number; op: 'shutdown' };

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Info lines would interleave with the bench's progress; warnings and errors still show.
const log: Logger = {
  info: () => {},
  warn: (m) => console.error(`[bench:server] ${m}`),
  error: (m) => console.error(`[bench:server] ${m}`),
};

let platform: Platform | undefined;
let stopping: Promise<void> | undefined;

function send(message: object): void {
  process.send?.(message);
}

function shutdown(): Promise<void> {
  stopping ??= (async () => {
    if (!platform) return;
    const { manager, driver } = platform.sandboxes;
    await removeEverySandbox(manager, driver).catch((e: Error) => log.error(`removing the sandboxes: ${e.message}`));
    await platform.sandboxes.removeOrphans().catch(() => 0);
    await platform.close().catch(() => undefined);
  })();
  return stopping;
}

async function main(): Promise<void> {
  // The parent owns Ctrl-C: it asks us to shut down (or we notice it is gone).
  process.on('SIGINT', () => {});
  process.on('disconnect', () => void shutdown().finally(() => process.exit(0)));
  process.on('message', (raw: unknown) => {
    const msg = raw as Request;
    const reply = (p: Promise<unknown>) =>
      p.then(
        (value) => send({ id: msg.id, ok: true, value }),
        (e: Error) => send({ id: msg.id, ok: false, error: e.message }),
      );
    if (msg.op === 'cpu') void reply(Promise.resolve(process.cpuUsage()));
    else if (msg.op === 'remove') void reply(platform!.sandboxes.manager.reset(msg.learnerId, 'dind'));
    else if (msg.op === 'shutdown') void reply(shutdown()).then(() => process.exit(0));
  });

  platform = await startPlatform({ port: 0, host: '127.0.0.1', projectDir: root, log });
  send({ op: 'ready', url: platform.url, serverId: platform.data.serverId });
}

main().catch((error: Error) => {
  console.error(`[bench:server] could not start the platform: ${error.message}`);
  process.exit(1);
});
