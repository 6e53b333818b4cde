import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import { startPlatformProcess, type RunningPlatform } from './support/platform-process';
import { launchChromium, newContext, screenshotPath, waitForTerminal } from './support/browser';
import { EXIT_THREE } from './support/learner';

/**
 * One deck, two modes: presenter slides with a speaker-notes window, and the learner's view on any screen.
 * One platform for the file; every test has a browser context of its own (its own storage), so each runs alone and in any order.
 */
describe('deck modes, themes and narrow screens', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  const desktop = (t: TestContext): Promise<BrowserContext> => newContext(t, browser, { viewport: { width: 1280, height: 800 } });

  before(async () => {
    platform = await startPlatformProcess();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    assert.deepEqual(await platform?.destroy(), { containers: 0, networks: 0, volumes: 0 });
  });

  test('presenter slides step with the keyboard and keep the slide number in the URL', async (t) => {
    const context = await desktop(t);
    const page = await context.newPage();
    await page.goto(`${platform.url}/lessons/containers-101/present`);
    await page.locator('[data-testid=presenter][data-ready=true]').waitFor();
    await page.locator('[data-testid=slide][data-slide="1"]').waitFor();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press(' ');
    await page.locator('[data-testid=slide][data-slide="3"]').waitFor();
    assert.match(page.url(), /\/present#3$/);
    await page.keyboard.press('End');
    const last = await page.locator('[data-testid=slide-counter]').innerText();
    assert.match(last, /^(\d+) \/ \1$/);
    await page.keyboard.press('Home');
    await page.locator('[data-testid=slide][data-slide="1"]').waitFor();
    await page.screenshot({ path: screenshotPath('presenter') });
    await page.close();
  });

  test('the speaker-notes window shows notes and stays on the presenter’s slide', async (t) => {
    const context = await desktop(t);
    const slides = await context.newPage();
    await slides.goto(`${platform.url}/lessons/containers-101/present#2`);
    const notes = await context.newPage();
    await notes.goto(`${platform.url}/lessons/containers-101/notes#2`);
    // Server-rendered HTML shows before hydration; wait until both windows listen.
    await slides.locator('[data-testid=presenter][data-ready=true]').waitFor();
    await notes.locator('[data-testid=notes-view][data-ready=true]').waitFor();
    await notes.getByTestId('speaker-notes').waitFor();
    assert.ok((await notes.getByTestId('speaker-notes').innerText()).length > 40, 'slide 2 has speaker notes');
    // Moving in the presenter window moves the notes window, and back.
    await slides.bringToFront();
    await slides.keyboard.press('ArrowRight');
    await notes.locator('article[data-slide="3"]').waitFor({ timeout: 5_000 });
    await notes.bringToFront();
    await notes.keyboard.press('ArrowRight');
    await slides.locator('[data-testid=slide][data-slide="4"]').waitFor({ timeout: 5_000 });
    await notes.screenshot({ path: screenshotPath('speaker-notes') });
    await slides.close();
    await notes.close();
  });

  test('the theme switch applies at once and survives a reload', async (t) => {
    const context = await desktop(t);
    const page = await context.newPage();
    await page.goto(platform.url);
    const before = await page.evaluate(() => document.documentElement.dataset.theme);
    await page.getByTestId('theme-toggle').click();
    const after = await page.evaluate(() => document.documentElement.dataset.theme);
    assert.notEqual(after, before);
    await page.reload();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), after);
    if (after === 'dark') await page.screenshot({ path: screenshotPath('catalogue-dark') });
    await page.getByTestId('theme-toggle').click();
    await page.close();
  });

  test('on a phone-sized screen the lesson stacks: slides, then terminal, nothing cut off sideways', async (t) => {
    const phone = await newContext(t, browser, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    const page = await phone.newPage();
    await page.goto(`${platform.url}/lessons/containers-101#2`);
    await page.locator('[data-testid=slide][data-slide="2"]').waitFor();
    await page.locator('.xterm-rows').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the screen`);
    // The slide scrolls inside its column (with its exercise panel): the column's visible box is what must end above the terminal.
    const slide = await page.getByTestId('slide-scroller').boundingBox();
    const terminal = await page.getByTestId('terminal').boundingBox();
    assert.ok(slide && terminal && terminal.y >= slide.y + slide.height - 1, 'the terminal sits below the slides');
    await page.screenshot({ path: screenshotPath('lesson-phone'), fullPage: true });
    await phone.close();
  });

  test('a failed Check with every hint open, on a 1280×720 laptop and on a phone: the task stays whole, nothing covers the hints or Prev/Next', async (t) => {
    const context = await newContext(t, browser, { viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    await page.goto(`${platform.url}/lessons/containers-101#${EXIT_THREE.slide}`);
    await waitForTerminal(page, /root@sandbox:~#/, 90_000);
    await page.getByTestId('check-button').click();
    await page.getByTestId('check-result').getByText(/^Not yet/).waitFor({ timeout: 30_000 });
    const more = page.getByRole('button', { name: /^Show a hint/ });
    while ((await more.count()) > 0) await more.click();

    /** The element is drawn where it is: the topmost element at its centre, once scrolled into view, is it or inside it. */
    const uncovered = async (testIdOrSelector: string): Promise<boolean> => {
      const target = page.locator(testIdOrSelector).last();
      await target.scrollIntoViewIfNeeded();
      return target.evaluate((element) => {
        const box = element.getBoundingClientRect();
        const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return top !== null && (element === top || element.contains(top));
      });
    };
    for (const [size, name] of [
      [{ width: 1280, height: 720 }, 'laptop'],
      [{ width: 390, height: 844 }, 'phone'],
    ] as const) {
      await page.setViewportSize(size);
      const slide = await page.getByTestId('slide').evaluate((e) => ({ client: e.clientHeight, scroll: e.scrollHeight }));
      assert.ok(slide.client >= slide.scroll, `${name}: the task is cut (${slide.client} of ${slide.scroll} px shown)`);
      for (const what of ['[data-testid=hint]', '[data-testid=failed-check]', '[data-testid=next-slide]', '[data-testid=prev-slide]']) {
        assert.ok(await uncovered(what), `${name}: ${what} is covered`);
      }
      await page.screenshot({ path: screenshotPath(`exercise-hints-${name}`) });
    }
  });

  test('the splitter between slides and terminal moves by keyboard and by mouse, and the choice survives a reload', async (t) => {
    const context = await desktop(t);
    const page = await context.newPage();
    await page.goto(`${platform.url}/lessons/containers-101#1`);
    const splitter = page.getByTestId('splitter');
    const slideWidth = async (): Promise<number> => (await page.getByTestId('slide-scroller').boundingBox())!.width;
    assert.equal(await splitter.getAttribute('aria-valuenow'), '45');
    const before = await slideWidth();
    await splitter.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(await splitter.getAttribute('aria-valuenow'), '55');
    assert.ok((await slideWidth()) > before + 100, 'the slides got wider');
    await page.reload();
    // The server renders the default; the page takes the remembered share once it runs.
    await page.locator('[data-testid=splitter][aria-valuenow="55"]').waitFor({ timeout: 5000 });

    const box = (await page.getByTestId('split-view').boundingBox())!;
    const handle = (await page.getByTestId('splitter').boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + 50);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, handle.y + 50, { steps: 5 });
    await page.mouse.up();
    const dragged = Number(await page.getByTestId('splitter').getAttribute('aria-valuenow'));
    assert.ok(dragged >= 28 && dragged <= 32, `dragged to ${dragged} %`);
    await page.screenshot({ path: screenshotPath('lesson-split-dragged') });

    // A tablet in portrait (820 px) holds both side by side too.
    await page.setViewportSize({ width: 820, height: 1180 });
    const slides = (await page.getByTestId('slide-scroller').boundingBox())!;
    const terminal = (await page.getByTestId('terminal').boundingBox())!;
    assert.ok(terminal.x >= slides.x + slides.width && terminal.y < slides.y + slides.height, 'slides and terminal side by side at 820 px');
    await page.screenshot({ path: screenshotPath('lesson-tablet') });
  });
});
