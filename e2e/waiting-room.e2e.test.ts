import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startPlatformProcess, type RunningPlatform } from './support/platform-process';
import { launchChromium, newPage, screenshotPath, typeInTerminal, waitForTerminal } from './support/browser';

/**
 * The waiting room in the real page: a site with room for one sandbox, two
 * learners. The second sees their place in line over the terminal; when the
 * first resets their sandbox (which frees its place), the second's terminal
 * opens by itself, and the first now waits behind them. A third learner from
 * the same address (every browser here is 127.0.0.1) is over the cap of 2
 * and is told so.
 *
 * The subject is the site's one place and its line: a test needs the site
 * empty when it starts, and leaves it full (a sandbox stays its learner's
 * after the page closes). So each test has a site of its own (siteForOne),
 * and each runs alone and in any order.
 */
describe('waiting room', () => {
  let browser: Browser;
  const LESSON = '/lessons/containers-101';
  const full = (place: number) => `The site is full — you are number ${place} in line; your terminal opens by itself when a place frees up.`;

  /** A platform of the test's own with room for one sandbox, removed (with its sandboxes) when the test ends. */
  const siteForOne = async (t: TestContext): Promise<RunningPlatform> => {
    const platform = await startPlatformProcess({ env: { DRYDOCK_MAX_SANDBOXES: '1' } });
    t.after(async () => {
      // The test's pages first (its after hooks run in the order they were added, and this one came first).
      for (const context of browser.contexts()) await context.close();
      const left = await platform.destroy();
      assert.deepEqual(left, { containers: 0, networks: 0, volumes: 0 }, 'sandboxes left behind');
    });
    return platform;
  };
  /** A new learner (a browser context of their own); the Reset button's question is answered yes. */
  const newLearner = async (t: TestContext): Promise<Page> => {
    const page = await newPage(t, browser, { viewport: { width: 1400, height: 860 } });
    page.on('dialog', (dialog) => void dialog.accept()); // the Reset button asks first
    return page;
  };
  /** The first learner has the site's one sandbox; the second waits in line for it. */
  const oneInOneWaiting = async (t: TestContext, platform: RunningPlatform): Promise<{ first: Page; second: Page }> => {
    const first = await newLearner(t);
    const second = await newLearner(t);
    await first.goto(`${platform.url}${LESSON}`);
    await waitForTerminal(first, /root@sandbox:~#/, 90_000);
    await second.goto(`${platform.url}${LESSON}`);
    return { first, second };
  };

  before(async () => {
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
  });

  test('npm start logs the capacity it uses', async (t) => {
    const platform = await siteForOne(t);
    assert.match(platform.log(), /\[sandbox\] capacity: 1 sandboxes \(DRYDOCK_MAX_SANDBOXES\); 2 per address for learners outside a class; 4 terminals per learner/);
  });

  test('the second learner sees their place in line over the terminal, then a prompt once the first frees the place', async (t) => {
    const platform = await siteForOne(t);
    const { first, second } = await oneInOneWaiting(t, platform);
    const notice = second.getByTestId('terminal-notice');
    await notice.getByText(full(1)).waitFor({ timeout: 30_000 });
    assert.equal(await notice.getAttribute('data-state'), 'queued');
    assert.equal(await second.getByTestId('terminal-status').getAttribute('data-state'), 'queued');
    await second.screenshot({ path: screenshotPath('waiting-room') });

    // Reset removes the first learner's sandbox: its place goes to the one waiting, and the first reconnects into the line.
    await first.getByRole('button', { name: 'Reset' }).click();
    await waitForTerminal(second, /root@sandbox:~#/, 90_000);
    await second.locator('[data-testid=terminal-status][data-state=ready]').waitFor();
    assert.equal(await notice.count(), 0, 'the notice is gone once the terminal is open');
    await typeInTerminal(second, 'echo "in at last $((6*7))"');
    await waitForTerminal(second, /^in at last 42$/m);
    await second.screenshot({ path: screenshotPath('waiting-room-admitted') });

    await first.getByTestId('terminal-notice').getByText(full(1)).waitFor({ timeout: 30_000 });
    assert.equal(await first.locator('[title="Your sandbox"]').count(), 0, 'no sandbox id while waiting: the old one is gone');
    assert.equal(await first.getByRole('button', { name: 'Reset' }).count(), 0, 'nothing to reset while waiting');
    assert.doesNotMatch(await first.locator('.xterm-rows').innerText(), /root@sandbox/, 'the removed sandbox’s screen is cleared');
    await first.screenshot({ path: screenshotPath('waiting-room-after-reset') });
  });

  test('a third learner from the same address is refused with the reason, not queued', async (t) => {
    const platform = await siteForOne(t);
    const { second } = await oneInOneWaiting(t, platform);
    await second.getByTestId('terminal-notice').getByText(full(1)).waitFor({ timeout: 30_000 });
    const third = await newLearner(t);

    await third.goto(`${platform.url}${LESSON}`);
    const notice = third.getByTestId('terminal-notice');
    await notice.getByText(/already has 2 sandboxes \(or places in line\), the most a learner outside a class may have/).waitFor({ timeout: 30_000 });
    assert.equal(await notice.getAttribute('data-state'), 'refused');
    await third.getByRole('button', { name: 'Reconnect' }).waitFor();
    await third.waitForTimeout(1_000);
    assert.equal(await third.getByTestId('terminal-status').getAttribute('data-state'), 'refused', 'it does not retry on its own');
    await third.screenshot({ path: screenshotPath('waiting-room-refused') });
  });
});
