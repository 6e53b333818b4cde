import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ROOM_FOR_A_LEARNER_PER_TEST, startPlatformProcess, type RunningPlatform } from './support/platform-process';
import { launchChromium, newContext, screenshotPath, terminalText, typeInTerminal, waitForTerminal } from './support/browser';
import { openLessonTerminal } from './support/learner';
import { auditPage } from './support/accessibility';

/**
 * Terminal tabs in real Chromium against the real platform and engine: "+"
 * opens a second shell in the learner's sandbox, typing goes to the visible
 * tab only, the first tab's output is intact when switching back, the Run
 * buttons type into the visible tab, and a second browser tab shows the same
 * tabs (closing one in either closes it in both).
 */
describe('terminal tabs in the browser', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  const view = { viewport: { width: 1400, height: 860 } };

  before(async () => {
    platform = await startPlatformProcess({ env: { ...ROOM_FOR_A_LEARNER_PER_TEST, DRYDOCK_SELF_PACED_WARM_MAX: '1' } });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    const left = await platform?.destroy();
    assert.deepEqual(left, { containers: 0, networks: 0, volumes: 0 }, 'sandboxes left behind');
  });

  const tab = (page: Page, n: number) => page.getByRole('tab', { name: new RegExp(`^Terminal ${n}\\b`) });
  const tabNames = async (page: Page): Promise<string[]> => (await page.getByTestId('terminal-tabs').getByRole('tab').allInnerTexts()).map((t) => t.replace(/✕/g, '').trim());

  test('"+" opens a second shell in the same sandbox; each tab keeps its own output; Run types into the visible tab; a second browser tab mirrors the tabs', async (t) => {
    const context = await newContext(t, browser, view);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await openLessonTerminal(page, platform, 1, 180_000);
    assert.deepEqual(await tabNames(page), ['Terminal 1']);
    assert.equal(await tab(page, 1).getAttribute('aria-selected'), 'true');

    await typeInTerminal(page, 'echo first-$((20+1)) pid=$$');
    const firstScreen = await waitForTerminal(page, /^first-21 pid=\d+$/m);
    const pid1 = /^first-21 pid=(\d+)$/m.exec(firstScreen)![1];

    await page.getByRole('button', { name: 'Open another terminal in this sandbox' }).click();
    await tab(page, 2).waitFor();
    assert.equal(await tab(page, 2).getAttribute('aria-selected'), 'true');
    assert.deepEqual(await tabNames(page), ['Terminal 1', 'Terminal 2']);
    await waitForTerminal(page, /root@sandbox:~#/, 30_000);
    assert.doesNotMatch(await terminalText(page), /first-21/, 'the new tab is a new shell, not the first one’s screen');
    await typeInTerminal(page, 'echo second-$((30+2)) pid=$$; echo from-two > /root/tab-two.txt');
    const secondScreen = await waitForTerminal(page, /^second-32 pid=\d+$/m);
    const pid2 = /^second-32 pid=(\d+)$/m.exec(secondScreen)![1];
    assert.notEqual(pid2, pid1, 'a shell of its own');

    // A Run button types into the visible tab (here: Terminal 2).
    const slides = Number((await page.locator('[data-testid=slide-counter]').innerText()).split('/')[1]);
    for (let i = 0; i < slides && (await page.locator('[data-testid=slide] button[data-action=run]').count()) === 0; i++) {
      await page.getByRole('button', { name: 'Next slide' }).click();
    }
    const block = page.locator('[data-testid=slide] .code-block-run').first();
    const command = (await block.locator('code').innerText()).split('\n')[0]!.trim();
    const typed = new RegExp(`# ${command.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').slice(0, 40)}`);
    await block.locator('button[data-action=run]').click();
    await waitForTerminal(page, typed);
    await page.screenshot({ path: screenshotPath('terminal-tabs') });

    // Back to Terminal 1: its output is intact, and nothing typed in Terminal 2 reached it.
    await tab(page, 1).click();
    assert.equal(await tab(page, 1).getAttribute('aria-selected'), 'true');
    await waitForTerminal(page, /^first-21 pid=\d+$/m);
    const back = await terminalText(page);
    assert.doesNotMatch(back, /second-32/);
    assert.doesNotMatch(back, typed, 'the Run button went to Terminal 2 only');
    await typeInTerminal(page, 'cat /root/tab-two.txt');
    await waitForTerminal(page, /^from-two$/m);

    // The tab strip passes the audit, and the keyboard moves between tabs.
    assert.deepEqual(await auditPage(page, 'lesson with two terminal tabs'), []);
    await tab(page, 1).focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await tab(page, 2).getAttribute('aria-selected'), 'true');
    await waitForTerminal(page, /^second-32 pid=\d+$/m);

    // A second browser tab of the same learner shows the same tabs, on Terminal 1.
    const second = await context.newPage();
    second.on('pageerror', (error) => errors.push(error.message));
    await second.goto(`${platform.url}/lessons/containers-101#1`);
    await waitForTerminal(second, /first-21/, 60_000);
    await tab(second, 2).waitFor();
    assert.deepEqual(await tabNames(second), ['Terminal 1', 'Terminal 2']);

    // Closing Terminal 2 in the first browser tab closes it in both.
    await page.getByTestId('close-terminal-2').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=terminal-tabs] [role=tab]').length === 1);
    await second.waitForFunction(() => document.querySelectorAll('[data-testid=terminal-tabs] [role=tab]').length === 1);
    assert.equal(await tab(page, 1).getAttribute('aria-selected'), 'true');
    await waitForTerminal(page, /^first-21 pid=\d+$/m);
    await typeInTerminal(page, `for i in $(seq 20); do test -e /proc/${pid2} || break; sleep 0.5; done; test -e /proc/${pid2} && echo still-there || echo shell-two-gone`);
    await waitForTerminal(page, /^shell-two-gone$/m, 15_000);
    assert.deepEqual(errors, []);
  });
});
