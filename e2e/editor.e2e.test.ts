import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { lessons } from '../lib/lesson-format/lesson-library';
import { AccessibilityAudit } from './support/accessibility';
import { launchChromium, newPage, screenshotPath, typeInTerminal, waitForTerminal } from './support/browser';
import { ROOM_FOR_A_LEARNER_PER_TEST, startPlatformProcess, type RunningPlatform } from './support/platform-process';

const GREETER = '/root/greeter/Dockerfile';

/** The 1-based slide of the dockerfiles lesson whose text opens GREETER in the editor. */
function greeterSlide(): number {
  const entry = lessons().get('dockerfiles');
  assert.ok(entry?.ok, 'the dockerfiles lesson loads');
  const slide = entry.lesson.slides.find((s) => s.body.includes(`(editor:${GREETER})`));
  assert.ok(slide, `a slide of the dockerfiles lesson links editor:${GREETER}`);
  return slide.index + 1;
}

/**
 * The editor beside the terminal, in real Chromium against the real platform
 * and engine: a lesson's link opens a new Dockerfile, its lint problem shows
 * inline and in the list, the fix is saved with Ctrl+S, and the terminal
 * (kept connected while the editor showed) cats and builds what was saved.
 */
describe('the sandbox editor', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  const view = { viewport: { width: 1400, height: 860 } };

  before(async () => {
    platform = await startPlatformProcess({ env: { ...ROOM_FOR_A_LEARNER_PER_TEST, DRYDOCK_SELF_PACED_WARM_MAX: '0', DRYDOCK_WARM_POOL_MAX: '0', DRYDOCK_CLASS_REGISTRY: 'off' } });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    assert.deepEqual(await platform?.destroy(), { containers: 0, networks: 0, volumes: 0 }, 'sandboxes left behind');
  });

  /** The editor's text, as CodeMirror shows it (one line per .cm-line). */
  const editorText = (page: Page) => page.locator('.cm-content').evaluate((el) => [...el.querySelectorAll('.cm-line')].map((l) => l.textContent).join('\n'));

  test('open a Dockerfile from a lesson link, see its lint problem, fix it, save with Ctrl+S, cat and build it in the terminal', async (t) => {
    const page = await newPage(t, browser, view);
    await page.goto(`${platform.url}/lessons/dockerfiles#${greeterSlide()}`);
    await waitForTerminal(page, /root@sandbox:~#/, 120_000);
    await typeInTerminal(page, 'echo terminal-kept-$((6*7))');
    await waitForTerminal(page, /^terminal-kept-42$/m);

    // The lesson's link: the editor shows, on a new (empty) file.
    await page.getByRole('button', { name: `Open ${GREETER} in the editor` }).click();
    await page.getByTestId('editor').waitFor();
    await page.getByRole('group', { name: 'Open files' }).getByRole('button', { name: /^Dockerfile/ }).waitFor();
    await page.getByTestId('editor-notice').getByText(`${GREETER} is new`).waitFor();
    assert.equal(await page.getByTestId('terminal').isVisible(), false, 'the terminal is hidden, not gone');

    // A typo: the lint marks it inline and lists it.
    await page.locator('.cm-content').click();
    await page.keyboard.type('FROM busybox\nRUNN echo hi\n');
    await page.getByTestId('editor-problems').getByText(/line 2: Unknown instruction: RUNN/).waitFor({ timeout: 10_000 });
    await page.locator('.cm-lintRange-error').first().waitFor();
    await page.getByTestId('dirty-marker').waitFor();
    await page.screenshot({ path: screenshotPath('editor-lint') });

    // Accessible in both themes, with a file open and its problems listed.
    const audit = new AccessibilityAudit();
    await audit.audit(page, 'editor with a lint problem (light)');
    await page.getByTestId('theme-toggle').click();
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await audit.audit(page, 'editor with a lint problem (dark)');
    await page.screenshot({ path: screenshotPath('editor-lint-dark') });
    audit.assertClean();

    // A save that fails keeps the text and says why.
    await page.route('**/api/sandbox/file?*', (route) =>
      route.request().method() === 'PUT' ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'the Docker engine is not answering' }) }) : route.fallback(),
    );
    await page.locator('.cm-content').click();
    await page.keyboard.press('ControlOrMeta+s');
    await page.getByRole('alert').getByText(/Not saved: the Docker engine is not answering/).waitFor();
    assert.match(await editorText(page), /RUNN echo hi/);
    await page.getByTestId('dirty-marker').waitFor();
    await page.unroute('**/api/sandbox/file?*');

    // The fix, saved with Ctrl+S.
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('FROM busybox\nCMD ["echo", "hello from the editor"]\n');
    await page.getByTestId('editor-problems').waitFor({ state: 'detached', timeout: 10_000 });
    await page.keyboard.press('ControlOrMeta+s');
    await page.getByTestId('editor-notice').getByText(`Saved ${GREETER}`).waitFor();
    await page.getByTestId('dirty-marker').waitFor({ state: 'detached' });

    // The tree lists the new folder at once (a save that creates a file lists the open folders again), and Refresh works too.
    await page.getByRole('navigation', { name: 'Sandbox files' }).getByRole('button', { name: 'greeter/' }).waitFor();
    await page.getByTestId('editor-refresh').click();
    await page.getByRole('navigation', { name: 'Sandbox files' }).getByRole('button', { name: 'greeter/' }).click();
    await page.getByRole('navigation', { name: 'Sandbox files' }).getByRole('button', { name: 'Dockerfile', exact: true }).waitFor();

    // The terminal was kept: same scrollback, and it sees the saved file.
    await page.getByTestId('pane-tab-terminal').click();
    await waitForTerminal(page, /^terminal-kept-42$/m);
    await typeInTerminal(page, `cat ${GREETER}`);
    await waitForTerminal(page, /^CMD \["echo", "hello from the editor"\]$/m);
    await typeInTerminal(page, 'docker build -q -t edited /root/greeter >/dev/null && docker run --rm edited');
    await waitForTerminal(page, /^hello from the editor$/m, 120_000);
  });
});
