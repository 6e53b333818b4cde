import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { AccessibilityAudit } from './support/accessibility';
import { launchChromium, newPage, screenshotPath, waitForTerminal } from './support/browser';
import { createClass, openDashboard, signInInstructor } from './support/instructor';
import { EXIT_THREE, joinClass } from './support/learner';
import { ROOM_FOR_A_LEARNER_PER_TEST, startPlatformProcess, type RunningPlatform } from './support/platform-process';

/**
 * Every page kind audited by axe-core (WCAG 2.x A and AA; no serious or
 * critical violation), in the light and the dark theme, as a learner and as
 * an instructor sees it; and a lesson and the dashboard used by keyboard alone.
 */
describe('accessibility', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  const view = { viewport: { width: 1280, height: 800 } };

  before(async () => {
    // No class registry and no warm pools: these tests look at pages, and a class here needs no sandbox of its own.
    platform = await startPlatformProcess({
      env: { ...ROOM_FOR_A_LEARNER_PER_TEST, DRYDOCK_CLASS_REGISTRY: 'off', DRYDOCK_WARM_POOL_MAX: '0', DRYDOCK_SELF_PACED_WARM_MAX: '0' },
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    assert.deepEqual(await platform?.destroy(), { containers: 0, networks: 0, volumes: 0 }, 'sandboxes left behind');
  });

  for (const theme of ['light', 'dark'] as const) {
    const options = { ...view, colorScheme: theme };

    test(`${theme}: the learner's pages (catalogue, lesson, an exercise's failed verdict, join, not found)`, async (t) => {
      const audit = new AccessibilityAudit();
      const page = await newPage(t, browser, options);
      await page.goto(platform.url);
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), theme);
      await audit.audit(page, `catalogue (${theme})`);

      await page.goto(`${platform.url}/lessons/containers-101#1`);
      await waitForTerminal(page, /root@sandbox:~#/, 90_000);
      await audit.audit(page, `lesson, first slide (${theme})`);
      await page.getByTestId('preview-button').click();
      await page.getByTestId('preview-panel').getByText(/Nothing listens|Only you/).first().waitFor();
      await audit.audit(page, `lesson, web preview menu open (${theme})`);
      await page.keyboard.press('Escape');
      assert.equal(await page.getByTestId('preview-panel').count(), 0, 'Esc closes the web preview menu');

      await page.goto(`${platform.url}/lessons/containers-101#${EXIT_THREE.slide}`);
      await page.getByTestId('check-button').click();
      await page.getByTestId('check-result').getByText(/^Not yet/).waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: /^Show a hint/ }).click();
      await page.getByTestId('hint').first().waitFor();
      await audit.audit(page, `exercise after a failed Check (${theme})`);
      await page.screenshot({ path: screenshotPath(`a11y-exercise-${theme}`) });
      // The solution's confirm step (the focus on its choice), then the solution with its explanation.
      await page.getByTestId('show-solution').click();
      await page.getByTestId('solution-confirm').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'confirm-solution');
      await audit.audit(page, `exercise, the solution's confirm step (${theme})`);
      await page.keyboard.press('Enter');
      await page.getByTestId('solution-explanation').waitFor();
      await audit.audit(page, `exercise with its solution shown (${theme})`);

      for (const [path, what] of [
        ['/join', 'join a class'],
        ['/instructor/login', 'instructor sign-in'],
        ['/no-such-page', 'not found'],
      ] as const) {
        await page.goto(`${platform.url}${path}`);
        await audit.audit(page, `${what} (${theme})`);
      }
      audit.assertClean();
    });

    test(`${theme}: the instructor's pages (classes, dashboard, presenter, notes) and the learner's class page`, async (t) => {
      const audit = new AccessibilityAudit();
      const instructor = await signInInstructor(t, browser, platform, options);
      const created = await createClass(instructor, platform, { name: `Audit ${theme}`, expectedLearners: 1 });
      const learner = await newPage(t, browser, options);
      await joinClass(learner, platform, created.joinCode, 'Ada');

      await instructor.goto(`${platform.url}/instructor`);
      await instructor.getByText(`Audit ${theme}`).first().waitFor();
      await audit.audit(instructor, `classes (${theme})`);
      await openDashboard(instructor, platform, created.id);
      await audit.audit(instructor, `class dashboard (${theme})`);
      await instructor.screenshot({ path: screenshotPath(`a11y-dashboard-${theme}`) });
      for (const path of ['/lessons/containers-101/present#1', '/lessons/containers-101/notes#1']) {
        await instructor.goto(`${platform.url}${path}`);
        await instructor.locator('main, [data-testid=slide]').first().waitFor();
        await audit.audit(instructor, `${path} (${theme})`);
      }

      await learner.goto(`${platform.url}/class/${created.id}`);
      await learner.getByTestId('class-name').waitFor();
      await audit.audit(learner, `the learner's class page (${theme})`);
      audit.assertClean();
    });
  }

  test('a lesson by keyboard alone: slides by arrow keys, Check by Tab and Enter, into the terminal and out again', async (t) => {
    const page = await newPage(t, browser, view);
    await page.goto(`${platform.url}/lessons/containers-101#1`);
    await waitForTerminal(page, /root@sandbox:~#/, 90_000);
    await page.locator('body').focus();
    for (let i = 1; i < EXIT_THREE.slide; i++) await page.keyboard.press('ArrowRight');
    await page.locator(`[data-testid=slide][data-slide="${EXIT_THREE.slide}"]`).waitFor();
    const reach = async (testId: string): Promise<void> => {
      for (let i = 0; i < 60; i++) {
        if (await page.evaluate((id) => document.activeElement?.getAttribute('data-testid') === id, testId)) return;
        await page.keyboard.press('Tab');
      }
      assert.fail(`Tab never reached ${testId}`);
    };
    await reach('check-button');
    await page.keyboard.press('Enter');
    await page.getByTestId('check-result').getByText(/^Not yet/).waitFor({ timeout: 30_000 });

    // On into the terminal, type, and out again.
    const inTerminal = (): Promise<boolean> => page.evaluate(() => document.activeElement?.classList.contains('xterm-helper-textarea') ?? false);
    for (let i = 0; i < 60 && !(await inTerminal()); i++) await page.keyboard.press('Tab');
    assert.equal(await inTerminal(), true, 'Tab reached the terminal');
    await page.keyboard.type('echo by-keys-$((20+3))');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, /^by-keys-23$/m);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await inTerminal(), false, 'Esc then Shift+Tab left the terminal');
  });

  test('the dashboard by keyboard alone: a learner\'s actions menu and the end-class dialog open, close with Esc, and give focus back', async (t: TestContext) => {
    const instructor: Page = await signInInstructor(t, browser, platform, view);
    const created = await createClass(instructor, platform, { name: 'Keyboard class', expectedLearners: 1 });
    const learner = await newPage(t, browser, view);
    await joinClass(learner, platform, created.joinCode, 'Grace');
    await openDashboard(instructor, platform, created.id);
    const focusedTestId = (): Promise<string | null> => instructor.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
    const reach = async (testId: string): Promise<void> => {
      for (let i = 0; i < 80; i++) {
        if ((await focusedTestId()) === testId) return;
        await instructor.keyboard.press('Tab');
      }
      assert.fail(`Tab never reached ${testId}`);
    };
    await reach('learner-actions');
    await instructor.keyboard.press('Enter');
    await instructor.locator('[role=menuitem]').first().waitFor();
    await instructor.keyboard.press('Escape');
    await instructor.locator('[role=menuitem]').first().waitFor({ state: 'detached' });

    await reach('end-class');
    await instructor.keyboard.press('Enter');
    const dialog = instructor.getByTestId('end-class-dialog');
    await dialog.waitFor();
    assert.equal(await instructor.evaluate(() => document.activeElement?.closest('[data-testid=end-class-dialog]') !== null), true, 'focus moved into the dialog');
    await instructor.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await focusedTestId(), 'end-class', 'focus came back to the button that opened it');
  });
});
