import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import { cleanupServer, requireDocker, startReadySandbox, testConfig, testDriver, waitFor } from '../../../test/support';
import type { DockerDriver } from './docker';

/** Everything a connection says until it ends. */
function readAll(stream: Duplex): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

/** One HTTP/1.0 GET over a raw connection: the whole answer, head and body. */
async function get(driver: DockerDriver, id: string, port: number, path: string): Promise<{ head: string; body: Buffer }> {
  const connection = await driver.openPort(id, port);
  const answer = readAll(connection);
  connection.write(`GET ${path} HTTP/1.0\r\nHost: localhost\r\n\r\n`);
  const raw = await answer;
  connection.destroy();
  const split = raw.indexOf('\r\n\r\n');
  return { head: raw.subarray(0, split).toString('latin1'), body: raw.subarray(split + 4) };
}

/** A port inside a sandbox reached through the Docker API (the web preview's path), against the real engine. */
describe('openPort and listeningPorts (real engine)', () => {
  const config = testConfig();
  let docker: Docker;
  let driver: DockerDriver;
  let sandboxId: string;

  before(async () => {
    docker = await requireDocker();
    driver = testDriver(config);
    sandboxId = await startReadySandbox(driver, config, 'learner-port', 'port');
  });
  after(async () => {
    const left = await cleanupServer(docker, config.serverId);
    assert.deepEqual(left, { containers: 0, networks: 0, volumes: 0 });
  });

  test('a server the learner starts in the sandbox is listed and answers byte for byte', async () => {
    const start = await driver.exec(
      sandboxId,
      ['sh', '-c', 'mkdir -p /tmp/www && head -c 1048576 /dev/urandom > /tmp/www/blob && sha256sum /tmp/www/blob && busybox httpd -p 8080 -h /tmp/www'],
      { timeoutMs: 10_000 },
    );
    assert.equal(start.exitCode, 0, start.stderr);
    const expected = start.stdout.split(' ')[0];
    await waitFor('port 8080 in the list', async () => (await driver.listeningPorts(sandboxId)).includes(8080), 10_000, 100);
    const { head, body } = await get(driver, sandboxId, 8080, '/blob');
    assert.match(head, /^HTTP\/1\.[01] 200/);
    assert.equal(body.length, 1048576);
    assert.equal(createHash('sha256').update(body).digest('hex'), expected, 'binary content passes unchanged (no TTY in the way)');
  });

  test('a port nothing listens on ends at once, and the relay says why', async () => {
    const connection = await driver.openPort(sandboxId, 9);
    const said = await readAll(connection);
    assert.equal(said.length, 0);
    assert.match((connection as Duplex & { relayError: string }).relayError, /refused/i);
  });

  test('a port published by an inner `docker run -p` is reached the same way', async () => {
    await waitFor('the inner engine and its busybox image', async () => (await driver.exec(sandboxId, ['docker', 'image', 'inspect', 'busybox'], { timeoutMs: 10_000 })).exitCode === 0, 60_000, 500);
    const run = await driver.exec(
      sandboxId,
      ['sh', '-c', 'mkdir -p /root/site && echo inner-hello > /root/site/index.html && docker run -d --name web -p 9090:80 -v /root/site:/www:ro busybox httpd -f -p 80 -h /www'],
      { timeoutMs: 60_000 },
    );
    assert.equal(run.exitCode, 0, run.stderr);
    await waitFor('port 9090 in the list', async () => (await driver.listeningPorts(sandboxId)).includes(9090), 20_000, 200);
    await waitFor('the inner web server answering', async () => /inner-hello/.test((await get(driver, sandboxId, 9090, '/')).body.toString()), 20_000, 300);
  });

  test('a hung-up connection leaves no relay process in the sandbox', async () => {
    const relays = async () => (await driver.exec(sandboxId, ['sh', '-c', "ps -eo args | grep -c '^/usr/bin/busybox nc 127[.]0[.]0[.]1 ' || true"], { timeoutMs: 5_000 })).stdout.trim();
    // A listener of its own that never answers, so the relay stays until hung up.
    await driver.exec(sandboxId, ['sh', '-c', '(sleep 600 | busybox nc -l -p 7070 >/dev/null) & sleep 0.3'], { timeoutMs: 5_000 });
    const connection = await driver.openPort(sandboxId, 7070);
    connection.write('hello');
    await waitFor('the relay running', async () => (await relays()) === '1', 5_000, 100);
    connection.destroy();
    await waitFor('no relay left', async () => (await relays()) === '0', 10_000, 200);
  });
});
