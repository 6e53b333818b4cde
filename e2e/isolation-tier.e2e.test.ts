import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startPlatformProcess, type RunningPlatform } from './support/platform-process';
import { launchChromium, newContext, screenshotPath } from './support/browser';

/**
 * The capability tier is never given silently: an operator who opts in with
 * DRYDOCK_ISOLATION=capability sees it announced when the platform starts and
 * on every instructor page. (The default, hardened tier is what every other
 * e2e file runs on.)
 */
describe('isolation tier announced', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  const secret = `e2e-${randomBytes(24).toString('hex')}`;

  before(async () => {
    platform = await startPlatformProcess({
      // The capability tier runs on the operator's engine.
      env: { DRYDOCK_ISOLATION: 'capability', DOCKER_HOST: 'unix:///var/run/docker.sock', DRYDOCK_INSTRUCTOR_SECRET: secret },
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    // Counted on the operator's engine, where this platform's sandboxes (its self-paced warm one included) ran.
    assert.deepEqual(await platform?.destroy(), { containers: 0, networks: 0, volumes: 0 }, 'sandboxes left behind');
  });

  test('npm start says the capability tier is active, what it means, and how to get the hardened one', () => {
    assert.match(platform.log(), /isolation: CAPABILITY TIER \(DRYDOCK_ISOLATION=capability\): learner root holds most host capabilities and can reach the host/);
    assert.match(platform.log(), /unset DRYDOCK_ISOLATION and start as root for the hardened tier/);
  });

  test('every instructor page carries the warning', async (t) => {
    const page = await (await newContext(t, browser, { viewport: { width: 1280, height: 720 } })).newPage();
    await page.goto(`${platform.url}/instructor/login`);
    assert.equal(await page.getByTestId('capability-tier').count(), 0, 'not before signing in (it says how the host is exposed)');
    await page.getByTestId('secret-input').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Classes', level: 1 }).waitFor();
    const banner = page.getByTestId('capability-tier');
    assert.match(await banner.innerText(), /Capability tier\. This server runs sandboxes with DRYDOCK_ISOLATION=capability: a learner’s root holds most host capabilities/);
    await page.screenshot({ path: screenshotPath('instructor-capability-tier') });
  });
});
