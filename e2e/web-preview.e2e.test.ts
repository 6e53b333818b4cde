import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadLesson } from '../lib/lesson-format/loader';
import { ROOM_FOR_A_LEARNER_PER_TEST, startPlatformProcess, type RunningPlatform } from './support/platform-process';
import { launchChromium, newContext, newPage, screenshotPath, typeInTerminal, waitForTerminal } from './support/browser';
import { createClass, openDashboard, signInInstructor } from './support/instructor';
import { joinClass } from './support/learner';

const containers101 = loadLesson('containers-101');
if (!containers101?.ok) throw new Error('containers-101 must parse');
/** The slide (1-based) whose exercise serves /root/hello on the learner's own port, and links to its preview. */
const SERVE_SLIDE = containers101.lesson.slides.findIndex((s) => s.exercise?.id === 'serve-read-only') + 1;

const PREVIEW_HOST = /^[0-9a-f]{32}\.preview\.localhost$/;

/** Starts busybox httpd in the learner's sandbox, published on `port` (9090 unless given), serving `text`. */
async function serveOn9090(page: Page, text: string, port = 9090): Promise<void> {
  await typeInTerminal(page, `mkdir -p /root/hello && echo '${text}' > /root/hello/index.html && docker run -d --name hello -p ${port}:80 -v /root/hello:/www:ro busybox httpd -f -p 80 -h /www >/dev/null && echo serving=ok`);
  await waitForTerminal(page, /^serving=ok$/m, 60_000);
}

/** The port the exercise's preview link names, once the learner's own values have filled it in (it is drawn per learner). */
async function slidePreviewPort(page: Page): Promise<number> {
  const link = page.locator('[data-testid=slide] a[href^="/preview/"][data-preview-port]');
  for (let i = 0; i < 100; i++) {
    const port = await link.first().getAttribute('data-preview-port').catch(() => null);
    if (port && /^\d+$/.test(port)) return Number(port);
    await page.waitForTimeout(100);
  }
  throw new Error('the slide\'s preview link never named a port');
}

/** Clicks something that opens a new tab, and returns that tab once it has loaded. */
async function tabOpenedBy(context: BrowserContext, click: () => Promise<void>): Promise<Page> {
  const [tab] = await Promise.all([context.waitForEvent('page'), click()]);
  await tab.waitForLoadState('load');
  return tab;
}

/**
 * The web preview in real Chromium against the real platform and engine: a
 * port the learner publishes in their sandbox, opened from the lesson and
 * from the instructor's dashboard, at an origin of its own.
 */
describe('web preview', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  /** The platform as a learner on this machine types it: by the name localhost (its cookies are then for localhost). */
  let site = '';

  before(async () => {
    platform = await startPlatformProcess({ env: { ...ROOM_FOR_A_LEARNER_PER_TEST, DRYDOCK_SELF_PACED_WARM_MAX: '1' } });
    site = platform.url.replace('127.0.0.1', 'localhost');
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    const left = await platform?.destroy();
    assert.deepEqual(left, { containers: 0, networks: 0, volumes: 0 }, 'sandboxes left behind');
  });

  test('a learner opens what their sandbox serves in a tab of its own origin, which nobody else can open and which cannot touch the platform', async (t) => {
    const context = await newContext(t, browser, { viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${site}/lessons/containers-101#${SERVE_SLIDE}`);
    await waitForTerminal(page, /root@sandbox:~#/, 120_000);
    const port = await slidePreviewPort(page);
    await serveOn9090(page, 'hello from the preview', port);

    // The lesson header's menu lists the port.
    await page.getByTestId('preview-button').click();
    const portLink = page.getByTestId(`preview-port-${port}`);
    await portLink.waitFor({ timeout: 10_000 });
    await page.screenshot({ path: screenshotPath('web-preview-menu') });
    const tab = await tabOpenedBy(context, () => portLink.click());
    const previewUrl = new URL(tab.url());
    assert.match(previewUrl.hostname, PREVIEW_HOST);
    assert.equal(previewUrl.pathname, '/', 'the ticket is traded for a cookie and dropped from the address');
    assert.match(await tab.locator('body').innerText(), /hello from the preview/);
    await tab.screenshot({ path: screenshotPath('web-preview-tab') });

    // A change in the sandbox shows on reload.
    await page.getByTestId('preview-button').click(); // close the menu
    await typeInTerminal(page, "echo 'changed in the sandbox' > /root/hello/index.html && echo changed=ok");
    await waitForTerminal(page, /^changed=ok$/m);
    await tab.reload();
    assert.match(await tab.locator('body').innerText(), /changed in the sandbox/);

    // Its origin sees no cookie of the platform's (nor its own: HttpOnly), and cannot read the platform's API.
    assert.equal(await tab.evaluate(() => document.cookie), '');
    const read = await tab.evaluate(async (url) => {
      try {
        const answer = await fetch(`${url}/api/progress`, { credentials: 'include' });
        return `read ${answer.status}`;
      } catch {
        return 'blocked';
      }
    }, site);
    assert.equal(read, 'blocked', 'the platform sends no CORS header: a preview cannot read it');
    // A page in the preview that tries to plant a learner cookie on the platform (cookie tossing) does not reach it.
    const before = (await context.cookies(site)).filter((c) => c.name === 'drydock_learner');
    await tab.evaluate(() => {
      document.cookie = 'drydock_learner=tossed; domain=localhost; path=/';
      document.cookie = 'drydock_learner=tossed; domain=.localhost; path=/';
    });
    const afterToss = (await context.cookies(site)).filter((c) => c.name === 'drydock_learner');
    assert.deepEqual(afterToss, before, 'the browser refused a cookie for the platform’s domain from a preview');

    // The same address in another browser (not this learner): refused, with a page that says how a preview opens.
    const stranger = await newPage(t, browser);
    const refused = await stranger.goto(tab.url());
    assert.equal(refused?.status(), 403);
    assert.match(await stranger.locator('body').innerText(), /Open this preview from the lesson/);

    // The exercise's own link opens the same preview.
    const fromSlide = await tabOpenedBy(context, () => page.locator(`[data-testid=slide] a[data-preview-port="${port}"]`).click());
    assert.equal(new URL(fromSlide.url()).host, previewUrl.host);
    assert.match(await fromSlide.locator('body').innerText(), /changed in the sandbox/);

    // A port nothing listens on says what to do.
    // (In a page: only the browser resolves *.localhost by itself; Node's resolver does not.)
    const nothing = await context.newPage();
    const answer = await nothing.goto(`${site}/preview/8081`);
    assert.equal(answer?.status(), 502);
    assert.match(await nothing.locator('body').innerText(), /Nothing in your sandbox answered on port 8081/);
  });

  test('an instructor opens a learner’s preview from the dashboard', async (t) => {
    const instructor = await signInInstructor(t, browser, platform, { viewport: { width: 1400, height: 900 } });
    const created = await createClass(instructor, platform, { name: 'Preview class', expectedLearners: 1 });
    const learnerContext = await newContext(t, browser, { viewport: { width: 1280, height: 800 } });
    const learner = await learnerContext.newPage();
    await joinClass(learner, platform, created.joinCode, 'Ada');
    await learner.goto(`${platform.url}/lessons/containers-101#${SERVE_SLIDE}`);
    await waitForTerminal(learner, /root@sandbox:~#/, 150_000);
    await serveOn9090(learner, 'Ada serves this');

    await openDashboard(instructor, platform, created.id);
    const row = instructor.locator('[data-testid=learner-row][data-learner="Ada"]');
    await row.getByTestId('learner-actions').click();
    await instructor.locator('[role=menuitem][data-action=preview]').click();
    const dialog = instructor.getByTestId('preview-dialog');
    const port = dialog.getByTestId('preview-port-9090');
    await port.waitFor({ timeout: 10_000 });
    await instructor.screenshot({ path: screenshotPath('web-preview-instructor') });
    const tab = await tabOpenedBy(instructor.context(), () => port.click());
    assert.match(new URL(tab.url()).hostname, PREVIEW_HOST);
    assert.match(await tab.locator('body').innerText(), /Ada serves this/);
  });
});
