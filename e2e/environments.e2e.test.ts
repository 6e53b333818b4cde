import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ROOM_FOR_A_LEARNER_PER_TEST, startPlatformProcess, type RunningPlatform } from './support/platform-process';
import { launchChromium, newContext, screenshotPath, typeInTerminal, waitForTerminal } from './support/browser';

/**
 * Environments in real Chromium against the real platform and engine: two
 * lessons in a row each get a fresh sandbox (nothing of the first in the
 * second), a lesson that continues another (buildx continues registries)
 * finds that lesson's work, and going back to an environment the learner
 * left, which was parked to keep them within their running environments,
 * restores it with its files and says so.
 */
describe('environments in the browser', () => {
  let platform: RunningPlatform;
  let browser: Browser;

  before(async () => {
    // Two running environments per learner (the default), said explicitly: the test parks the third.
    platform = await startPlatformProcess({ env: { ...ROOM_FOR_A_LEARNER_PER_TEST, DRYDOCK_RUNNING_ENVIRONMENTS_PER_LEARNER: '2', DRYDOCK_SELF_PACED_WARM_MAX: '1' } });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    const left = await platform?.destroy();
    assert.deepEqual(left, { containers: 0, networks: 0, volumes: 0 }, 'sandboxes left behind');
  });

  const open = async (page: Page, lesson: string): Promise<void> => {
    await page.goto(`${platform.url}/lessons/${lesson}`);
    await waitForTerminal(page, /root@sandbox:~#/, 180_000);
  };
  const badge = (page: Page) => page.getByTestId('environment-badge');

  test('fresh per lesson, continued where the lesson says so, and restored when the learner comes back', { timeout: 12 * 60_000 }, async (t) => {
    const context = await newContext(t, browser, { viewport: { width: 1400, height: 860 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await open(page, 'containers-101');
    assert.match(await badge(page).innerText(), /^Fresh environment$/);
    await typeInTerminal(page, 'echo from-101 > /root/mark && echo made-$((1+1))');
    await waitForTerminal(page, /^made-2$/m);

    // The next lesson: a sandbox of its own, without the first lesson's file.
    await open(page, 'namespaces');
    assert.match(await badge(page).innerText(), /^Fresh environment$/);
    await typeInTerminal(page, 'cat /root/mark 2>/dev/null || echo absent-$((1+2))');
    await waitForTerminal(page, /^absent-3$/m);

    // registries, then buildx, which continues it: the same sandbox, the work still there.
    await open(page, 'registries');
    await typeInTerminal(page, 'echo from-registries > /root/reg-mark && echo reg-$((3+3))');
    await waitForTerminal(page, /^reg-6$/m);
    await open(page, 'buildx');
    assert.match(await badge(page).innerText(), /^Continues “Registries”$/);
    await typeInTerminal(page, 'cat /root/reg-mark');
    await waitForTerminal(page, /^from-registries$/m);
    await page.screenshot({ path: screenshotPath('environment-continued') });

    // Back to containers-101: registries made a third environment, so the least recently used one (containers-101) was
    // parked; it comes back with its file, and the terminal says it was restored.
    await open(page, 'containers-101');
    await page.getByTestId('terminal-status').getByText(/^Restored your environment from \d+ minutes? ago$/).waitFor({ timeout: 60_000 });
    await typeInTerminal(page, 'cat /root/mark');
    await waitForTerminal(page, /^from-101$/m);
    await page.screenshot({ path: screenshotPath('environment-restored') });
    assert.deepEqual(errors, []);
  });
});
