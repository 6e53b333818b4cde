import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { WebSocket } from 'ws';
import { silentLogger } from '../../lib/logging/logger';
import { ClientAddresses } from '../../lib/web-guards/client-address';
import type { DockerDriver } from '../../sandbox-server/src/engine/docker/docker';
import { cleanupServer, requireDocker, startReadySandbox, testConfig, testDriver, waitFor } from '../../sandbox-server/test/support';
import { previewLabel, signPass } from './preview-pass';
import { previewOriginsFromEnv } from './preview-origin';
import { PREVIEW_COOKIE, PreviewProxy } from './preview-proxy';

/**
 * A WebSocket server in bash for busybox `nc -ll -e`: the handshake (the
 * accept key from sha1sum and base64), one text frame "hello-ws", then it
 * reads until the client hangs up. The sandbox has no other WebSocket server.
 */
const WS_SERVER = `#!/bin/bash
key=
read -r _request
while IFS= read -r line; do
  line=\${line%$'\\r'}
  [ -z "$line" ] && break
  case "\${line,,}" in sec-websocket-key:*) key=\${line#*: } ;; esac
done
hex=$(printf '%s' "\${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11" | sha1sum | cut -d' ' -f1 | sed 's/../\\\\x&/g')
accept=$(printf "$hex" | base64)
printf 'HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: %s\\r\\n\\r\\n' "$accept"
printf '\\x81\\x08hello-ws'
cat >/dev/null
`;

/** The web preview end to end on the real (hardened) engine: the proxy, the exec relay, a learner's servers. */
describe('web preview through a real sandbox', () => {
  const config = testConfig();
  const secret = Buffer.alloc(32, 3);
  let docker: Docker;
  let driver: DockerDriver;
  let sandboxId: string;
  let front: Server;
  let frontPort = 0;

  /** The preview host of a port, and a cookie that opens it (as the ticket exchange would give). */
  const access = (port: number) => {
    const label = previewLabel(secret, sandboxId, port);
    const cookie = signPass(secret, 'cookie', { label, learnerId: 'learner-preview', profile: 'dind', port, expiresAt: Date.now() + 600_000 });
    return { host: `${label}.preview.localhost:${frontPort}`, cookie: `${PREVIEW_COOKIE}=${cookie}` };
  };

  before(async () => {
    docker = await requireDocker();
    driver = testDriver(config);
    sandboxId = await startReadySandbox(driver, config, 'learner-preview', 'preview');
    const proxy = new PreviewProxy({
      secret,
      origins: previewOriginsFromEnv({}),
      clients: new ClientAddresses(),
      log: silentLogger,
      sandboxes: { sandboxIdOf: () => sandboxId, openPort: (id, port) => driver.openPort(id, port) },
    });
    front = createServer((req, res) => proxy.request(req, res));
    front.on('upgrade', (req, socket, head) => proxy.upgrade(req, socket, head));
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    frontPort = (front.address() as AddressInfo).port;
  });
  after(async () => {
    front?.closeAllConnections();
    await new Promise((r) => front?.close(r));
    const left = await cleanupServer(docker, config.serverId);
    assert.deepEqual(left, { containers: 0, networks: 0, volumes: 0 });
  });

  test('a page and a POST body pass both ways through the exec relay', async () => {
    const started = await driver.exec(
      sandboxId,
      ['sh', '-c', 'mkdir -p /root/www/cgi-bin && echo page-from-sandbox > /root/www/index.html && printf "#!/bin/sh\\necho Content-Type: text/plain\\necho\\ncat\\n" > /root/www/cgi-bin/echo && chmod +x /root/www/cgi-bin/echo && busybox httpd -p 8080 -h /root/www'],
      { timeoutMs: 10_000 },
    );
    assert.equal(started.exitCode, 0, started.stderr);
    await waitFor('httpd listening', async () => (await driver.listeningPorts(sandboxId)).includes(8080), 10_000, 100);
    const { host, cookie } = access(8080);
    const get = await fetchVia(frontPort, { host, cookie, path: '/' });
    assert.equal(get.status, 200, `GET answered: ${get.body}`);
    assert.equal(get.body, 'page-from-sandbox\n');
    const body = 'x'.repeat(100_000);
    const post = await fetchVia(frontPort, { host, cookie, path: '/cgi-bin/echo', method: 'POST', body });
    assert.equal(post.status, 200, `POST answered: ${post.body}`);
    assert.equal(post.body.length, body.length, 'a 100 kB request body arrives whole and comes back');
  });

  test('a WebSocket opens through the relay, and the server’s first frame arrives', async () => {
    await driver.exec(sandboxId, ['sh', '-c', 'cat > /root/ws.sh && chmod +x /root/ws.sh && (busybox nc -ll -p 8765 -e /root/ws.sh >/dev/null 2>&1 &)'], { stdin: WS_SERVER, timeoutMs: 10_000 });
    await waitFor('the WebSocket server listening', async () => (await driver.listeningPorts(sandboxId)).includes(8765), 10_000, 100);
    const { host, cookie } = access(8765);
    const ws = new WebSocket(`ws://127.0.0.1:${frontPort}/socket`, { headers: { host, cookie } });
    const first = await new Promise<string>((resolve, reject) => {
      ws.once('message', (data) => resolve(String(data)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`the upgrade was answered ${res.statusCode}`)));
      setTimeout(() => reject(new Error('no frame in 20 s')), 20_000);
    });
    assert.equal(first, 'hello-ws');
    ws.terminate();
  });
});

function fetchVia(port: number, options: { host: string; cookie: string; path: string; method?: string; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: options.path, method: options.method ?? 'GET', headers: { host: options.host, cookie: options.cookie } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
