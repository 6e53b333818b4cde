/**
 * The Drydock server under benchmark, in its own process (as in production,
 * where the browser is not on the server's event loop). Forked by
 * PlatformProcess with Node's IPC channel; DRYDOCK_DATA_DIR points at a
 * throw-away folder, so its server id (and so every sandbox label) is new
 * and unique to this run. The messages: platform-messages.ts.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPlatform, type Platform } from '../../platform/platform';
import type { Logger } from '../../lib/logging/logger';
import { removeEverySandbox } from '../../sandbox-server/test/sandboxes';
import { isEntryPoint } from '../lib/cli';
import type { ServerMessage, ServerRequest } from './platform-messages';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Info lines would interleave with the bench's progress; warnings and errors still show.
const log: Logger = {
  info: () => {},
  warn: (m) => console.error(`[bench:server] ${m}`),
  error: (m) => console.error(`[bench:server] ${m}`),
};

/** Resolves once the message is handed to the channel (so an exit right after does not lose it). */
function send(message: ServerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, undefined, () => resolve());
  });
}

async function main(): Promise<void> {
  let platform: Platform | undefined = undefined; // set once it listens
  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      if (!platform) return;
      const { manager, driver } = platform.sandboxes;
      await removeEverySandbox(manager, driver).catch((e: Error) => log.error(`removing the sandboxes: ${e.message}`));
      await platform.sandboxes.removeOrphans().catch(() => 0);
      await platform.close().catch(() => undefined);
    })();
    return stopping;
  };
  const answer = async (request: ServerRequest): Promise<ServerMessage> => {
    switch (request.op) {
      case 'cpu':
        return { type: 'done', op: 'cpu', cpu: process.cpuUsage() };
      case 'rss': {
        (globalThis as { gc?: () => void }).gc?.();
        const memory = process.memoryUsage();
        return { type: 'done', op: 'rss', rss: memory.rss, heap: { used: memory.heapUsed, external: memory.external } };
      }
      case 'self-paced-warm':
        if (!platform) throw new Error('the platform is not running');
        return { type: 'done', op: 'self-paced-warm', selfPacedWarm: platform.sandboxes.manager.selfPacedWarm('dind') };
      case 'remove':
        if (!platform) throw new Error('the platform is not running');
        await platform.sandboxes.manager.reset(request.learnerId, 'dind');
        return { type: 'done', op: 'remove' };
      case 'shutdown':
        await shutdown();
        return { type: 'done', op: 'shutdown' };
    }
  };

  // The parent owns Ctrl-C: it asks us to shut down (or we notice it is gone).
  process.on('SIGINT', () => {});
  process.on('disconnect', () => void shutdown().finally(() => process.exit(0)));
  process.on('message', (raw: unknown) => {
    const request = raw as ServerRequest;
    answer(request)
      .then(send, (e: Error) => send({ type: 'failed', op: request.op, error: e.message }))
      .finally(() => {
        if (request.op === 'shutdown') process.exit(0);
      });
  });

  platform = await startPlatform({ port: 0, host: '127.0.0.1', projectDir: root, log });
  await send({ type: 'ready', url: platform.url, serverId: platform.data.serverId });
}

if (isEntryPoint(import.meta.url)) {
  main().catch((error: Error) => {
    console.error(`[bench:server] could not start the platform: ${error.message}`);
    process.exit(1);
  });
}
