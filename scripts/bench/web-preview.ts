import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../../lib/logging/logger';
import { ClientAddresses } from '../../lib/web-guards/client-address';
import { previewLabel, signPass } from '../../platform/preview/preview-pass';
import { previewOriginsFromEnv } from '../../platform/preview/preview-origin';
import { PREVIEW_COOKIE, PreviewProxy } from '../../platform/preview/preview-proxy';
import type { DockerDriver } from '../../sandbox-server/src/engine/docker/docker';
import { summarize, type Summary } from './stats';

export interface WebPreviewLatency {
  /** GET of a small page through the preview proxy (cookie check, exec relay, HTTP both ways), as a browser tab asks. */
  proxied: Summary;
  /** The same GET by `curl` in the sandbox, one exec: what a learner without a preview does. */
  curlInSandbox: Summary;
  /** One bare `docker exec true` in the same sandbox. */
  bareExec: Summary;
}

/** One GET to the front server with the preview host and its cookie; resolves when the body has arrived. */
function get(port: number, host: string, cookie: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host, cookie } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`preview answered ${res.statusCode}: ${body.slice(0, 200)}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The web preview's cost per request: busybox httpd in a ready sandbox,
 * asked through the preview proxy (in this process, on the real engine) and
 * by curl in the sandbox, beside a bare exec, interleaved.
 */
export async function measureWebPreview(driver: DockerDriver, sandboxId: string, samples: number): Promise<WebPreviewLatency> {
  const secret = Buffer.alloc(32, 1);
  const started = await driver.exec(sandboxId, ['sh', '-c', 'mkdir -p /root/bench-www && echo bench-page > /root/bench-www/index.html && busybox httpd -p 8088 -h /root/bench-www'], { timeoutMs: 10_000 });
  if (started.exitCode !== 0) throw new Error(`bench web server did not start: ${started.stderr}`);
  const proxy = new PreviewProxy({
    secret,
    origins: previewOriginsFromEnv({}),
    clients: new ClientAddresses(),
    log: silentLogger,
    sandboxes: { sandboxIdOf: () => sandboxId, openPort: (id, port) => driver.openPort(id, port) },
    connectionsPerPreview: 1_000,
  });
  const front: Server = createServer((req, res) => proxy.request(req, res));
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  try {
    const port = (front.address() as AddressInfo).port;
    const label = previewLabel(secret, sandboxId, 8088);
    const host = `${label}.preview.localhost:${port}`;
    const cookie = `${PREVIEW_COOKIE}=${signPass(secret, 'cookie', { label, learnerId: 'bench', profile: 'dind', port: 8088, expiresAt: Date.now() + 3_600_000 })}`;
    const runs = { proxied: [] as number[], curl: [] as number[], bare: [] as number[] };
    for (let i = 0; i < samples + 2; i++) {
      const warm = i < 2;
      let t = performance.now();
      if (!(await get(port, host, cookie)).includes('bench-page')) throw new Error('the preview served something else');
      if (!warm) runs.proxied.push(performance.now() - t);
      t = performance.now();
      await driver.exec(sandboxId, ['curl', '-fsS', 'http://127.0.0.1:8088/'], { timeoutMs: 10_000 });
      if (!warm) runs.curl.push(performance.now() - t);
      t = performance.now();
      await driver.exec(sandboxId, ['true'], { timeoutMs: 10_000 });
      if (!warm) runs.bare.push(performance.now() - t);
      // The proxy's request budget is per preview and per second; keep under it so no sample is a 429.
      await new Promise((r) => setTimeout(r, 60));
    }
    return { proxied: summarize(runs.proxied), curlInSandbox: summarize(runs.curl), bareExec: summarize(runs.bare) };
  } finally {
    front.closeAllConnections();
    await new Promise((r) => front.close(r));
  }
}
