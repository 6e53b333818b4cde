import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ROOM_FOR_A_LEARNER_PER_TEST, startPlatformProcess, type RunningPlatform } from './support/platform-process';
import { PROMPT_AT_END, lastLine, launchChromium, newPage, screenshotPath, terminalText, typeInTerminal, waitForTerminal } from './support/browser';
import { LearnersAtPrompt } from './support/learner';

/**
 * A learner in real Chromium against the real platform (npm start) and the
 * real engine: pages, slides, typing into xterm, reload, flood.
 * One platform for the file; every test is a new learner with a sandbox of
 * their own (the ones that start at the prompt get it ready-made: atPrompt),
 * so each runs alone and in any order.
 */
describe('learner in the browser', () => {
  let platform: RunningPlatform;
  let browser: Browser;

  const view = { viewport: { width: 1400, height: 860 } };
  const newLearner = (t: TestContext): Promise<Page> => newPage(t, browser, view);
  /** New learners on the lesson's first slide, their terminal at the sandbox's prompt: one for each test that starts there. */
  let atPrompt: LearnersAtPrompt;
  const learnerAtPrompt = (t: TestContext): Promise<Page> => atPrompt.take(t);

  before(async () => {
    // Nine learners arrive at once, so the self-paced pool would aim for its max and boot that many sandboxes in the
    // background, one after another, while the later tests run. The flood test's one-second Ctrl-C answer then measures
    // those boots, not the terminal. A pool of one still serves the first learner warm.
    platform = await startPlatformProcess({ env: { ...ROOM_FOR_A_LEARNER_PER_TEST, DRYDOCK_SELF_PACED_WARM_MAX: '1' } });
    browser = await launchChromium();
    atPrompt = new LearnersAtPrompt(browser, platform, { view, slide: 1, count: 9 });
  });

  after(async () => {
    await browser?.close();
    const left = await platform?.destroy();
    assert.deepEqual(left, { containers: 0, networks: 0, volumes: 0 }, 'sandboxes left behind');
  });

  test('the catalogue lists the lessons', async (t) => {
    const page = await newLearner(t);
    await page.goto(platform.url);
    await page.getByRole('link', { name: /Containers 101/ }).waitFor();
    const titles = await page.locator('main li h2').allInnerTexts();
    assert.ok(titles.includes('Containers 101'), `catalogue shows ${titles.join(', ')}`);
    await page.screenshot({ path: screenshotPath('catalogue'), fullPage: true });
  });

  test('a lesson opens beside a terminal that reaches a ready sandbox', async (t) => {
    const page = await newLearner(t);
    await page.goto(`${platform.url}/lessons/containers-101`);
    await page.locator('[data-testid=slide][data-slide="1"]').waitFor();
    await waitForTerminal(page, /root@sandbox:~#/, 60_000);
    await page.locator('[data-testid=terminal-status][data-state=ready]').waitFor();
    await page.screenshot({ path: screenshotPath('lesson') });
  });

  test('docker run --rm busybox echo prints its output', async (t) => {
    const page = await learnerAtPrompt(t);
    await typeInTerminal(page, 'docker run --rm busybox echo "hello from $((40+2))"');
    await waitForTerminal(page, /^hello from 42$/m);
  });

  test('unshare gives a new PID namespace where ps is PID 1', async (t) => {
    const page = await learnerAtPrompt(t);
    await typeInTerminal(page, 'unshare --pid --fork --mount-proc ps -o pid,comm');
    await waitForTerminal(page, /^\s*1 ps$/m);
  });

  test('the keyboard steps through slides, and the slide number is in the URL', async (t) => {
    const page = await learnerAtPrompt(t);
    await page.locator('h1').first().click(); // focus leaves the terminal
    await page.keyboard.press('ArrowRight');
    await page.locator('[data-testid=slide][data-slide="2"]').waitFor();
    assert.match(page.url(), /#2$/);
    await page.keyboard.press('ArrowLeft');
    await page.locator('[data-testid=slide][data-slide="1"]').waitFor();
    // Arrow keys typed into the terminal belong to the shell, not the deck.
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(200);
    assert.equal(await page.locator('[data-testid=slide]').getAttribute('data-slide'), '1');
  });

  test('a code block’s Run button types the command into the terminal', async (t) => {
    const page = await learnerAtPrompt(t);
    const slides = Number((await page.locator('[data-testid=slide-counter]').innerText()).split('/')[1]);
    for (let i = 0; i < slides && (await page.locator('[data-testid=slide] button[data-action=run]').count()) === 0; i++) {
      await page.getByRole('button', { name: 'Next slide' }).click();
    }
    const block = page.locator('[data-testid=slide] .code-block-run').first();
    const command = (await block.locator('code').innerText()).split('\n')[0]!.trim();
    await block.locator('button[data-action=run]').click();
    await waitForTerminal(page, new RegExp(`# ${command.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').slice(0, 40)}`));
    await page.screenshot({ path: screenshotPath('run-button') });
  });

  test('from inside the terminal Alt+1 runs the slide\'s first block; Tab stays (completion), Esc then Shift+Tab leaves', async (t) => {
    const page = await learnerAtPrompt(t);
    const slides = Number((await page.locator('[data-testid=slide-counter]').innerText()).split('/')[1]);
    for (let i = 0; i < slides && (await page.locator('[data-testid=slide] button[data-action=run]').count()) === 0; i++) {
      await page.getByRole('button', { name: 'Next slide' }).click();
    }
    const command = (await page.locator('[data-testid=slide] .code-block-run code').first().innerText()).split('\n')[0]!.trim();
    const textarea = page.locator('.xterm-helper-textarea');
    await textarea.focus();
    // The way out is on screen while the terminal has focus (and is its accessible description).
    assert.match(await page.getByTestId('terminal-keys-help').innerText(), /^Esc then Tab leaves the terminal/);
    assert.equal(await textarea.getAttribute('aria-describedby'), 'terminal-keys-help');
    await page.screenshot({ path: screenshotPath('terminal-keys-help') });
    await page.keyboard.press('Alt+1');
    await waitForTerminal(page, new RegExp(`# ${command.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').slice(0, 40)}`));
    assert.doesNotMatch(await terminalText(page), /\(arg: 1\)/, 'Alt+1 did not reach bash');

    const inTerminal = (): Promise<boolean> => page.evaluate(() => document.activeElement?.classList.contains('xterm-helper-textarea') ?? false);
    await textarea.focus();
    await page.keyboard.press('Tab');
    assert.equal(await inTerminal(), true, 'Tab alone is the shell\'s');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await inTerminal(), false, 'Esc then Shift+Tab moved focus out of the terminal');
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'BUTTON', 'onto the terminal header\'s last button');
  });

  test('the right-click menu pastes into the shell and copies the selection', async (t) => {
    const page = await learnerAtPrompt(t);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: platform.url });
    await page.evaluate(() => navigator.clipboard.writeText('echo pasted-$((6*7))'));
    await page.getByTestId('terminal').click({ button: 'right' });
    const menu = page.getByTestId('terminal-menu');
    assert.equal(await menu.getByRole('menuitem', { name: /^Copy/ }).isDisabled(), true, 'nothing selected, nothing to copy');
    await menu.getByRole('menuitem', { name: /^Paste/ }).click();
    await page.keyboard.press('Enter');
    await waitForTerminal(page, /^pasted-42$/m);

    await page.getByTestId('terminal').click({ button: 'right' });
    await menu.getByRole('menuitem', { name: 'Select all' }).click();
    await page.getByTestId('terminal').click({ button: 'right' });
    await menu.getByRole('menuitem', { name: /^Copy/ }).click();
    assert.match(await page.evaluate(() => navigator.clipboard.readText()), /pasted-42/);
    await page.getByTestId('terminal').click({ button: 'right' });
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('xterm-helper-textarea')), true, 'focus back in the terminal');
  });

  test('reload reattaches to the same sandbox and replays recent output', async (t) => {
    const page = await learnerAtPrompt(t);
    const sandbox = await page.locator('[title="Your sandbox"]').innerText();
    const marker = `still-here-${Date.now()}`;
    await typeInTerminal(page, `echo ${marker}`);
    await waitForTerminal(page, new RegExp(`^${marker}$`, 'm'));
    await page.reload();
    await page.locator('[data-testid=terminal-status]', { hasText: 'Reattached' }).waitFor({ timeout: 30_000 });
    await waitForTerminal(page, new RegExp(`^${marker}$`, 'm'));
    assert.equal(await page.locator('[title="Your sandbox"]').innerText(), sandbox);
    await typeInTerminal(page, 'echo after-reload-$((1+1))');
    await waitForTerminal(page, /^after-reload-2$/m);
  });

  test('an output flood leaves the page responsive and Ctrl-C answers within a second', async (t) => {
    const page = await learnerAtPrompt(t);
    await typeInTerminal(page, 'cat /dev/urandom | base64');
    await page.waitForTimeout(3_000);
    // The page still answers while the flood runs: script, clicks, slide changes.
    const before = Date.now();
    await page.evaluate(() => document.title);
    const evalMs = Date.now() - before;
    await page.getByRole('button', { name: 'Next slide' }).click({ timeout: 2_000 });
    const slide = await page.locator('[data-testid=slide]').getAttribute('data-slide');
    assert.ok(evalMs < 1_000, `page took ${evalMs} ms to answer during the flood`);
    assert.ok(Number(slide) >= 2);

    await page.locator('.xterm-helper-textarea').focus();
    const sent = Date.now();
    await page.keyboard.press('Control+C');
    const deadline = sent + 5_000;
    while (!PROMPT_AT_END.test(await lastLine(page)) && Date.now() < deadline) await page.waitForTimeout(20);
    const answeredMs = Date.now() - sent;
    console.log(`# flood: page answered in ${evalMs} ms; prompt back ${answeredMs} ms after Ctrl-C`);
    assert.match(await lastLine(page), PROMPT_AT_END);
    assert.ok(answeredMs < 1_000, `prompt came back ${answeredMs} ms after Ctrl-C`);
    await page.screenshot({ path: screenshotPath('after-flood') });
    await typeInTerminal(page, 'echo calm-$((2*3))');
    await waitForTerminal(page, /^calm-6$/m);
  });

  test('resizing the window resizes the shell’s terminal', async (t) => {
    const page = await learnerAtPrompt(t);
    await page.setViewportSize({ width: 1100, height: 700 });
    await page.waitForTimeout(300);
    await typeInTerminal(page, 'clear; stty size');
    const text = await waitForTerminal(page, /^\d+ \d+$/m);
    const [rows, cols] = text.match(/^(\d+) (\d+)$/m)!.slice(1).map(Number) as [number, number];
    await page.setViewportSize({ width: 1700, height: 860 });
    await page.waitForTimeout(300);
    await typeInTerminal(page, 'clear; stty size');
    const wide = await waitForTerminal(page, new RegExp(`^\\d+ (?!${cols}$)\\d+$`, 'm'));
    const [, cols2] = wide.match(/^(\d+) (\d+)$/m)!.slice(1).map(Number) as [number, number];
    assert.ok(cols2 > cols, `columns grew from ${cols} to ${cols2} (rows ${rows})`);
  });
});
