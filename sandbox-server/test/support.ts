import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import Docker from 'dockerode';
import { loadSandboxServerConfig, type SandboxServerConfig } from '../src/config';
import { DockerDriver } from '../src/drivers/docker';
import { Label } from '../src/drivers/labels';
import type { ServerControl } from '../../protocol';
import type { TerminalClient } from '../src/terminal-client';

/** Fails the test run loudly when no engine answers: these tests never skip. */
export async function requireDocker(): Promise<Docker> {
  const docker = new Docker();
  try {
    await docker.ping();
  } catch (error) {
    throw new Error(`This test needs a running Docker Engine and none answers (${(error as Error).message}). Start one: sudo dockerd &`);
  }
  return docker;
}

export function sandboxImage(): string {
  return process.env.DRYDOCK_SANDBOX_IMAGE ?? 'drydock/sandbox:latest';
}

/** A config with a server id of its own, so tests never touch real sandboxes or each other's. */
export function testConfig(overrides: Partial<SandboxServerConfig> = {}): SandboxServerConfig {
  const base = loadSandboxServerConfig(`test-${randomBytes(4).toString('hex')}`, { NODE_ENV: 'test', DRYDOCK_SANDBOX_IMAGE: sandboxImage() });
  return { ...base, ...overrides, limits: { ...base.limits, ...overrides.limits } };
}

export function testDriver(config: SandboxServerConfig): DockerDriver {
  return new DockerDriver({ image: config.image, serverId: config.serverId, isolatedNetwork: config.isolatedNetwork });
}

/** Removes every container, network and volume labelled with this server id; returns what is left (should be zeros). */
export async function cleanupServer(docker: Docker, serverId: string): Promise<{ containers: number; networks: number }> {
  const filter = { label: [`${Label.server}=${serverId}`] };
  for (const c of await docker.listContainers({ all: true, filters: filter })) {
    await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
  }
  for (const n of await docker.listNetworks({ filters: filter })) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  return {
    containers: (await docker.listContainers({ all: true, filters: filter })).length,
    networks: (await docker.listNetworks({ filters: filter })).length,
  };
}

const ANSI = /\x1b\[[0-9;?]*[a-zA-Z]|\x1b\][^\x07]*\x07/g;
export const stripAnsi = (s: string): string => s.replace(ANSI, '');

/** A TerminalClient that records what the session sends it. */
export class RecordingClient implements TerminalClient {
  output = '';
  controls: ServerControl[] = [];
  closed: { code: number; reason: string } | null = null;
  sendOutput(data: Buffer): void {
    this.output += data.toString('utf8');
  }
  sendControl(message: ServerControl): void {
    this.controls.push(message);
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
  text(): string {
    return stripAnsi(this.output);
  }
}

export async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 20_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Collects a raw terminal stream's output. */
export function collect(stream: Duplex): { text(): string } {
  let out = '';
  stream.on('data', (c: Buffer) => (out += c.toString('utf8')));
  return { text: () => stripAnsi(out) };
}

/** The sandbox prompt, after the inner engine is ready. */
export const PROMPT = /root@sandbox:~# $/m;
