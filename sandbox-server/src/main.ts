/**
 * The sandbox-server on its own (no pages): `npm run sandbox-server`.
 * It must share DRYDOCK_DATA_DIR (the cookie secret) with the web app, and the
 * web app's origin must be listed in DRYDOCK_ALLOWED_ORIGINS.
 */
import { createServer } from 'node:http';
import { openDataDir } from '../../lib/config/data-dir';
import { AllowedHosts } from '../../lib/web-guards/allowed-hosts';
import { createSiteGuard } from '../../lib/web-guards/site-guard';
import { consoleLogger } from '../../lib/logging/logger';
import { startSandboxService } from './sandbox-service';

const port = Number(process.env.DRYDOCK_SANDBOX_PORT ?? 3001);
const host = process.env.HOST ?? '127.0.0.1';

// The same Host allow-list as the platform: without it a rebound name (Host = Origin = attacker.example) passes the Origin check.
const guard = createSiteGuard({ hosts: AllowedHosts.fromEnv(process.env, host), log: consoleLogger });
const service = await startSandboxService(openDataDir());
const server = createServer((req, res) => {
  if (!guard.request(req, res)) return;
  if (req.url === '/healthz') {
    // Nothing internal for anonymous callers (how many sandboxes run is the platform's business).
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
    return;
  }
  res.writeHead(404).end('not found\n');
});
server.on('upgrade', (req, socket, head) => {
  if (!guard.upgrade(req, socket)) return;
  if (!service.handleUpgrade(req, socket, head)) socket.destroy();
});
server.listen(port, host, () => console.log(`[sandbox] listening on ws://${host}:${port}/ws/terminal`));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    service.close();
    server.close(() => process.exit(0));
  });
}
