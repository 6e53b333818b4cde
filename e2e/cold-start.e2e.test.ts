import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startPlatformProcess, type RunningPlatform } from './support/platform-process';
import { launchChromium, newPage, screenshotPath, typeInTerminal, waitForTerminal } from './support/browser';

/**
 * A learner who arrives when no warm sandbox waits (the self-paced pool is
 * off here, so every start is cold): the terminal does not claim "ready"
 * before the sandbox's engine answers, and what they type meanwhile is held,
 * shown as queued, and run once it does.
 */
describe('a cold start in the browser', () => {
  let platform: RunningPlatform;
  let browser: Browser;

  before(async () => {
    platform = await startPlatformProcess({ env: { DRYDOCK_SELF_PACED_WARM_MAX: '0' } });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    assert.deepEqual(await platform?.destroy(), { containers: 0, networks: 0, volumes: 0 }, 'sandboxes left behind');
  });

  test('"ready" only once the engine answers; a command typed before is shown as queued, then runs', async (t) => {
    const page = await newPage(t, browser, { viewport: { width: 1400, height: 860 } });
    await page.goto(`${platform.url}/lessons/containers-101`);
    const status = page.getByTestId('terminal-status');
    // The sandbox is up but its engine is not: the header says so, not "ready".
    await page.locator('[data-testid=terminal-status][data-state=starting]').getByText(/Docker engine/).waitFor({ timeout: 60_000 });
    await typeInTerminal(page, 'docker run --rm busybox echo "queued $((6*7))"');
    const held = page.getByTestId('held-input');
    await held.waitFor({ timeout: 5_000 });
    assert.match(await held.innerText(), /^queued: docker run --rm busybox echo "queued \$\(\(6\*7\)\)"⏎\s*$/);
    assert.equal(await status.getAttribute('data-state'), 'starting', 'still not ready while input is held');
    await page.screenshot({ path: screenshotPath('cold-start-queued') });

    // The engine answers: "ready", and the held command runs (its docker run needs that engine).
    await page.locator('[data-testid=terminal-status][data-state=ready]').waitFor({ timeout: 90_000 });
    await waitForTerminal(page, /^queued 42$/m, 60_000);
    assert.equal(await held.count(), 0, 'nothing is held any more');
  });
});
