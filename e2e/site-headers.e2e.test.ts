import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, newContext, typeInTerminal, waitForTerminal } from './support/browser';
import { createClass, signInInstructor } from './support/instructor';
import { startPlatformProcess, type RunningPlatform } from './support/platform-process';

/** What Chromium reports on the pages one test opens: CSP violations (console and securitypolicyviolation events) and page errors. */
class PageProblems {
  private readonly problems: string[] = [];

  async open(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content[- ]Security[- ]Policy|Refused to/i.test(message.text())) this.problems.push(`${page.url()}: console: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.problems.push(`${page.url()}: page error: ${error.message}`));
    // Runs in the page before its own scripts (and is not itself subject to the page's CSP).
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`));
    });
    return page;
  }

  take(): string[] {
    return this.problems.splice(0);
  }
}

/**
 * The pages under the site's Content-Security-Policy in real Chromium: the
 * catalogue, a lesson with its terminal, sign-in and the class dashboard work
 * with no CSP violation reported, and a page of another origin on the same
 * site cannot show the signed-in dashboard in a frame (the audit's attack:
 * one click in such a frame signed the instructor out).
 * One platform for the file; every test has its own browser contexts (and
 * instructor session and class), so each runs alone and in any order.
 */
describe('pages under the Content-Security-Policy (Chromium)', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let framer: Server;
  let framerUrl = '';
  const instructorView = { viewport: { width: 1400, height: 900 } };

  before(async () => {
    // No warm sandboxes or registry for the class: this file is about pages, not capacity.
    platform = await startPlatformProcess({ env: { DRYDOCK_WARM_POOL_MAX: '0', DRYDOCK_CLASS_REGISTRY: 'off' } });
    browser = await launchChromium();
    // The attacker's page: another port on the same host, so the same site (SameSite=Lax cookies go along into its frames).
    framer = createServer((req, res) => {
      if (req.url === '/inner') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<p id="inner">an ordinary frame</p>');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end(
        `<h1>Win a prize</h1><iframe id="control" src="/inner"></iframe><iframe id="victim" src="${platform.url}/instructor" width="1200" height="700"></iframe>`,
      );
    });
    await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
    framerUrl = `http://127.0.0.1:${(framer.address() as { port: number }).port}/`;
  });
  after(async () => {
    await browser?.close();
    await new Promise((resolve) => framer?.close(resolve));
    const left = await platform?.destroy();
    assert.ok(left && Object.values(left).every((n) => n === 0), `left behind: ${JSON.stringify(left)}`);
  });

  test('the catalogue: the nonce-carrying inline theme script runs, Next.js hydrates and navigates; no violation', async (t) => {
    const problems = new PageProblems();
    const page = await problems.open(await newContext(t, browser));
    await page.goto(platform.url);
    await page.getByRole('heading', { name: 'Learn Docker by doing' }).waitFor();
    assert.match((await page.locator('html').getAttribute('data-theme')) ?? '', /^(light|dark)$/, 'the inline theme script ran');
    const before = await page.locator('html').getAttribute('data-theme');
    await page.getByTestId('theme-toggle').click(); // a React handler: hydration worked
    assert.notEqual(await page.locator('html').getAttribute('data-theme'), before);
    await page.locator('a[href="/lessons/containers-101"]').click();
    await page.waitForURL(/\/lessons\/containers-101/);
    assert.deepEqual(problems.take(), []);
  });

  test('a lesson page: the terminal connects over the WebSocket (connect-src) and runs a command; no violation', async (t) => {
    const problems = new PageProblems();
    const page = await problems.open(await newContext(t, browser));
    await page.goto(`${platform.url}/lessons/containers-101`);
    await waitForTerminal(page, /root@sandbox:~#/, 60_000);
    await typeInTerminal(page, 'echo csp-$((6*7))');
    await waitForTerminal(page, /^csp-42$/m);
    assert.deepEqual(problems.take(), []);
  });

  test('/instructor/login and the class dashboard (its live event stream included); no violation', async (t) => {
    const secret = /instructor secret \(shown only this once; keep it\): (\S+)/.exec(platform.log())?.[1];
    assert.ok(secret, 'the first start printed the secret');
    const problems = new PageProblems();
    const page = await problems.open(await newContext(t, browser, instructorView));
    await page.goto(`${platform.url}/instructor/login`);
    await page.getByTestId('secret-input').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Classes', level: 1 }).waitFor();
    const form = page.getByTestId('create-class-form');
    await form.getByLabel('Class name').fill('Under CSP');
    await form.getByLabel('Duration (minutes)').fill('60');
    await form.getByLabel('Expected learners').fill('1');
    await form.locator('input[data-lesson="containers-101"]').check();
    await form.getByRole('button', { name: 'Create class' }).click();
    await page.waitForURL(/\/instructor\/classes\/[a-z2-9]{12}$/);
    await page.getByTestId('grid-empty').waitFor();
    await page.locator('[data-testid=live-indicator][data-live=live]').waitFor();
    assert.deepEqual(problems.take(), []);
  });

  test('framing is refused: a same-site page cannot show the signed-in dashboard, so nothing in it can be clicked', async (t) => {
    // A signed-in instructor with a class of their own.
    const signedIn = await signInInstructor(t, browser, platform, instructorView);
    const { id: classId } = await createClass(signedIn, platform, { name: 'Under CSP', expectedLearners: 1 });
    const instructor = signedIn.context();
    const problems = new PageProblems();
    const page = await problems.open(instructor);
    const refused = page.waitForEvent('console', { predicate: (m) => /frame-ancestors 'none'/.test(m.text()), timeout: 15_000 });
    await page.goto(framerUrl);
    // Control: an ordinary frame on that page loads.
    assert.equal(await page.frameLocator('#control').locator('#inner').innerText(), 'an ordinary frame');
    // Chromium: "Framing 'http://127.0.0.1:…/' violates the following Content Security Policy directive: "frame-ancestors 'none'". The request has been blocked."
    assert.match((await refused).text(), new RegExp(`'${platform.url}/[^']*' violates the following Content Security Policy directive: "frame-ancestors 'none'"`));
    const victim = await (await page.$('#victim'))!.contentFrame();
    assert.ok(victim, 'the frame element exists');
    assert.ok(!victim.url().startsWith(platform.url), `the frame shows ${victim.url()}, not the dashboard`);
    assert.equal(await victim.locator('text=Sign out').count(), 0, 'no Sign out button to click');
    // And the instructor is still signed in.
    const check = await problems.open(instructor);
    await check.goto(`${platform.url}/instructor/classes/${classId}`);
    await check.getByRole('button', { name: 'Sign out' }).waitFor();
    problems.take(); // the refusal itself is reported as a violation on the framing page: that is the point
  });
});
