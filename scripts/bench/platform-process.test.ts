import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { PlatformProcess } from './platform-process';

/**
 * The bench's channel to its server process, against a stand-in server
 * script that speaks platform-messages.ts (no Docker, no platform).
 */
const dir = mkdtempSync(join(tmpdir(), 'bench-ipc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function standIn(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}

const SERVER = standIn(
  'server.mjs',
  `
  const removed = [];
  process.on('message', (m) => {
    if (m.op === 'cpu') process.send({ type: 'done', op: 'cpu', cpu: { user: 3000, system: 1000 } });
    else if (m.op === 'remove' && m.learnerId === 'bad') process.send({ type: 'failed', op: 'remove', error: 'no such learner' });
    else if (m.op === 'remove') setTimeout(() => process.send({ type: 'done', op: 'remove' }), 20);
    else if (m.op === 'shutdown') process.send({ type: 'done', op: 'shutdown' }, () => process.exit(0));
  });
  process.send({ type: 'ready', url: 'http://localhost:1234', serverId: 'stand-in' });
  `,
);

const start = (script: string) => PlatformProcess.start({ root: process.cwd(), env: { ...process.env, DRYDOCK_BENCH_SERVER_NODE_ARGS: '' }, image: 'none', script });

describe('PlatformProcess (the bench server over the IPC channel)', () => {
  test('waits for ready, answers requests one at a time with typed replies, and stops', async () => {
    const server = await start(SERVER);
    assert.equal(server.url, 'http://127.0.0.1:1234');
    assert.equal(server.serverId, 'stand-in');
    // Two at once: the second waits for the first, and each gets its own reply.
    const [, cpu] = await Promise.all([server.remove('ada'), server.cpuMs()]);
    assert.equal(cpu, 4);
    await assert.rejects(server.remove('bad'), /no such learner/);
    const messages: string[] = [];
    await server.stop((m) => messages.push(m));
    assert.equal(messages.length, 0, messages.join('; '));
    await server.stop((m) => messages.push(m)); // twice is fine
  });

  test('a server that exits before it is ready is reported as such', async () => {
    const script = standIn('crash.mjs', 'process.exit(3);');
    await assert.rejects(start(script), /exited \(code 3\) before it was ready/);
  });

  test('a request to a server that died rejects instead of waiting', async () => {
    const script = standIn('dies.mjs', `process.send({ type: 'ready', url: 'http://x', serverId: 's' }); process.on('message', () => process.exit(1));`);
    const server = await start(script);
    await assert.rejects(server.cpuMs(), /did not answer "cpu": the Drydock server exited/);
    await server.stop(() => undefined);
  });
});
