import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeDriver } from '../../test/fake-driver';
import { testConfig } from '../../test/support';
import { EngineDidNotStartError, waitForEngineReady } from './engine-readiness';

/** A sandbox whose entrypoint writes `content` into its ready file after `afterProbes` probes (absent before). */
async function sandboxWritingAfter(afterProbes: number, content: string): Promise<{ driver: FakeDriver; id: string; probes: () => number }> {
  let probes = 0;
  const driver = new FakeDriver({
    execResult: (_id, cmd) => {
      assert.deepEqual(cmd, ['cat', '/run/drydock/engine-ready']);
      probes++;
      return probes > afterProbes ? { exitCode: 0, stdout: `${content}\n` } : { exitCode: 1, stderr: 'cat: /run/drydock/engine-ready: No such file or directory' };
    },
  });
  const info = await driver.create({ learnerId: 'l', profile: 'dind', sessionId: 's', expiresAt: Date.now() + 60_000, limits: testConfig().limits });
  return { driver, id: info.id, probes: () => probes };
}

test('ready once the entrypoint writes 1 (probed again while the file is absent)', async () => {
  const { driver, id, probes } = await sandboxWritingAfter(2, '1');
  await waitForEngineReady(driver, id);
  assert.equal(probes(), 3);
});

test('the entrypoint gave up on its engine (0): EngineDidNotStartError at once, not a wait until the timeout', async () => {
  const { driver, id } = await sandboxWritingAfter(0, '0');
  const started = performance.now();
  await assert.rejects(waitForEngineReady(driver, id, { timeoutMs: 60_000 }), EngineDidNotStartError);
  assert.ok(performance.now() - started < 1_000);
});

test('nobody waits any more: it stops probing', async () => {
  const { driver, id } = await sandboxWritingAfter(1_000, '1');
  await assert.rejects(waitForEngineReady(driver, id, { stillWanted: () => false }), /nobody waits for its engine any more/);
});
