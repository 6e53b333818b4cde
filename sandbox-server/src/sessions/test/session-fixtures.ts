import assert from 'node:assert/strict';
import type { ServerControl } from '../../../../protocol';
import { silentLogger } from '../../../../lib/logging/logger';
import { loadSandboxServerConfig, type SandboxServerConfig } from '../../config/config';
import { FakeDriver } from '../../../test/fake-driver';
import type { TerminalClient } from '../../terminal/terminal-client';
import { SessionManager } from '../session-manager';

/** What the SessionManager unit tests share: a recording client, a small config, managers over the fake driver. */

export type ClientEvent = { kind: 'output'; data: string } | { kind: 'control'; message: ServerControl } | { kind: 'close'; code: number; reason: string };

/** A browser stand-in that records everything the session sends it, in order. */
export class RecordingClient implements TerminalClient {
  readonly events: ClientEvent[] = [];

  sendOutput(data: Buffer): void {
    this.events.push({ kind: 'output', data: data.toString() });
  }

  sendControl(message: ServerControl): void {
    this.events.push({ kind: 'control', message });
  }

  close(code: number, reason: string): void {
    this.events.push({ kind: 'close', code, reason });
  }

  get output(): string {
    return this.events.map((e) => (e.kind === 'output' ? e.data : '')).join('');
  }

  get outputBytes(): number {
    return Buffer.byteLength(this.output);
  }

  get controls(): ServerControl[] {
    return this.events.flatMap((e) => (e.kind === 'control' ? [e.message] : []));
  }

  get statuses(): string[] {
    return this.controls.flatMap((m) => (m.type === 'status' ? [m.state] : []));
  }

  get closeCode(): number | undefined {
    const close = this.events.find((e) => e.kind === 'close');
    return close?.kind === 'close' ? close.code : undefined;
  }

  hello(): Extract<ServerControl, { type: 'hello' }> {
    const hello = this.controls.find((m) => m.type === 'hello');
    if (hello?.type !== 'hello') assert.fail(`no hello in ${JSON.stringify(this.events)}`);
    return hello;
  }
}

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function testConfig(overrides: Partial<SandboxServerConfig> = {}): SandboxServerConfig {
  return {
    ...loadSandboxServerConfig('test', { NODE_ENV: 'test' }),
    replayBufferBytes: 4096,
    flowHighWaterBytes: 1000,
    flowLowWaterBytes: 100,
    batchDelayMs: 1,
    batchMaxBytes: 64 * 1024,
    ...overrides,
  };
}

const managers: SessionManager[] = [];

/** A manager over a fake driver, shut down by shutdownManagers (each test file calls it afterEach). */
export function setup(overrides: Partial<SandboxServerConfig> = {}, driver = new FakeDriver()): { driver: FakeDriver; manager: SessionManager; config: SandboxServerConfig } {
  const config = testConfig(overrides);
  const manager = new SessionManager(driver, config, silentLogger);
  managers.push(manager);
  return { driver, manager, config };
}

export function shutdownManagers(): void {
  for (const manager of managers.splice(0)) manager.shutdown();
}
