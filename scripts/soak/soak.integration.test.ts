import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { requireDocker } from '../../sandbox-server/test/support';
import { describeSoak, runSoak } from './soak';

/**
 * The soak run's 3-minute variant (npm run soak runs it for 30): learners
 * arrive, work and leave against the real engine; afterwards nothing they
 * made is left and the server's memory stayed where it settled.
 */
test('soak, 3 minutes: every visit works, everything is given back, server RSS within 10 % of where it settled', { timeout: 15 * 60_000 }, async () => {
  await requireDocker();
  const image = process.env.DRYDOCK_SANDBOX_IMAGE;
  assert.ok(image, 'DRYDOCK_SANDBOX_IMAGE is set by the test runner');
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const report = await runSoak({ minutes: 3, concurrent: 2, root, image, log: (m) => console.log(`# ${m}`) });
  const { text } = describeSoak(report, 3);
  console.log(text.replace(/^/gm, '# '));
  assert.deepEqual(report.failures, [], 'every visit worked');
  assert.ok(report.visits >= 6, `learners kept arriving (${report.visits} visits)`);
  assert.deepEqual(report.leftovers, [], 'everything back to the baseline');
  assert.ok(report.rss.drift <= 0.1, `RSS: a one-minute median of ${report.rss.highestMinute.toFixed(1)} MiB after settling at ${report.rss.settled.toFixed(1)} MiB`);
  assert.ok(report.heap.drift <= 0.1, `JS heap: a one-minute median of ${report.heap.highestMinute.toFixed(1)} MiB after settling at ${report.heap.settled.toFixed(1)} MiB`);
});
