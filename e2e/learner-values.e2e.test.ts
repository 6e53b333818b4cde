import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { lessons } from '../lib/lesson-format/lesson-library';
import { startPlatformProcess, type RunningPlatform } from './support/platform-process';
import { launchChromium, newPage, screenshotPath, waitForTerminal } from './support/browser';

/**
 * Values drawn per learner, in real Chromium against the real platform: the
 * slide of containers-101's serve-read-only exercise shows the learner's own
 * port and container name (not `${{ port }}`, not the value's name), its ▶ Run
 * types the learner's port, two learners see different values, and the
 * presenter view shows the values' names.
 */
describe('values drawn per learner, in the browser', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  const entry = lessons().get('containers-101');
  const slide = entry?.ok ? entry.lesson.slides.findIndex((s) => s.exercise?.id === 'serve-read-only') + 1 : 0;

  before(async () => {
    assert.ok(slide > 0, 'containers-101 has no serve-read-only exercise');
    platform = await startPlatformProcess();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    const left = await platform?.destroy();
    assert.deepEqual(left, { containers: 0, networks: 0, volumes: 0 }, 'sandboxes left behind');
  });

  test("the slide shows the learner's own values, and Run types their port", async (t) => {
    const page = await newPage(t, browser, { viewport: { width: 1400, height: 860 } });
    await page.goto(`${platform.url}/lessons/containers-101#${slide}`);
    const article = page.locator(`[data-testid=slide][data-slide="${slide}"]`);
    const port = article.locator('.learner-value[data-value=port][data-filled]').first();
    await port.waitFor();
    const mine = { port: await port.innerText(), name: await article.locator('.learner-value[data-value=name][data-filled]').first().innerText() };
    assert.match(mine.port, /^9\d{3}$/);
    assert.match(mine.name, /^[a-z]{5}$/);
    const text = await article.innerText();
    assert.ok(!text.includes('${{') && !/\bport\b\s*\(httpd/.test(text), `a placeholder is on the slide:\n${text}`);
    assert.ok(text.includes(`named ${mine.name}`) && text.includes(`host port ${mine.port}`), text);
    assert.equal(await article.locator('a[data-preview-port]').getAttribute('href'), `/preview/${mine.port}`);
    await page.screenshot({ path: screenshotPath('learner-values-slide') });

    await waitForTerminal(page, /root@sandbox:~#/, 90_000);
    await page.locator('[data-testid=terminal-status][data-state=ready]').waitFor();
    await article.locator('button[data-action=run]').click();
    await waitForTerminal(page, new RegExp(`curl localhost:${mine.port}\\s`));

    // Another learner draws other values (a 1-in-900 chance of the same port; the name makes it 1-in-millions for both).
    const other = await newPage(t, browser);
    await other.goto(`${platform.url}/lessons/containers-101#${slide}`);
    const theirs = other.locator(`[data-testid=slide][data-slide="${slide}"] .learner-value[data-filled]`);
    await theirs.first().waitFor();
    const theirValues = await theirs.allInnerTexts();
    assert.notDeepEqual(theirValues.slice(0, 2), [mine.name, mine.port]);
  });

  test("the presenter view shows the values' names, marked as such", async (t) => {
    const page = await newPage(t, browser, { viewport: { width: 1400, height: 860 } });
    await page.goto(`${platform.url}/lessons/containers-101/present#${slide}`);
    const value = page.locator('.learner-value[data-value=port]').first();
    await value.waitFor();
    assert.equal(await value.innerText(), 'port');
    assert.equal(await value.getAttribute('data-filled'), null);
    await page.screenshot({ path: screenshotPath('learner-values-present') });
  });
});
