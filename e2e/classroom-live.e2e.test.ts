import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { startPlatformProcess, type RunningPlatform } from './support/platform-process';
import { launchChromium, newPage, screenshotPath } from './support/browser';
import { createClass, instructorSecret, openDashboard, signIn, signInInstructor, waitUntilClassReady, type CreatedClass } from './support/instructor';
import { EXIT_THREE, joinClass, solveExitThree } from './support/learner';

/**
 * Live help in a class, end to end, with three browsers at once: the
 * instructor's dashboard and two learners (Ada light, Grace dark). Messages
 * reach whom they are for; a follower's slides follow the presenter while
 * the other learner's stay; the instructor shadows a real terminal, resets
 * and extends a sandbox; ending the class tells the learners and gives the
 * grades as files.
 *
 * One platform for the file, and every test has its own instructor session
 * and learners, so each runs alone and in any order. A test that changes the
 * class itself (presenting, ending it) has a class of its own (ownClass); the
 * others share the class made in `before` (sharedClass), each with learners
 * of names no other test uses, and read only their own learners' rows and
 * pages (every test's pages close when it ends).
 */
describe('classroom live help and follow mode', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let sharedClass: CreatedClass;
  const LESSON = 'containers-101';
  const CLASS_NAME = 'Docker basics — live';

  const instructorView: BrowserContextOptions = { viewport: { width: 1400, height: 900 } };
  const adaView: BrowserContextOptions = { viewport: { width: 1400, height: 900 } };
  const graceView: BrowserContextOptions = { viewport: { width: 1280, height: 800 }, colorScheme: 'dark' };

  const row = (instructor: Page, name: string): Locator => instructor.locator(`[data-testid=learner-row][data-learner="${name}"]`);
  const menuAction = async (instructor: Page, name: string, action: string): Promise<void> => {
    await row(instructor, name).getByTestId('learner-actions').click();
    await instructor.locator(`[role=menuitem][data-action=${action}]`).click();
  };
  const notices = (page: Page): Locator => page.getByTestId('class-notice');
  /** The visible rows of one xterm (scoped: the instructor's page may hold the shadow view only). */
  const xtermText = async (scope: Locator): Promise<string> =>
    (await scope.locator('.xterm-rows > div').allInnerTexts()).map((r) => r.replace(/\u00a0/g, ' ').trimEnd()).join('\n');
  const waitForXterm = async (scope: Locator, pattern: RegExp, timeoutMs = 30_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
      text = await xtermText(scope);
      if (pattern.test(text)) return text;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`never showed ${pattern} within ${timeoutMs} ms; it shows:\n${text}`);
  };
  const typeInto = async (page: Page, text: string): Promise<void> => {
    await page.locator('[data-testid=terminal] .xterm-helper-textarea').focus();
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
  };
  const sandboxOf = async (page: Page): Promise<string> => (await page.locator('[title="Your sandbox"]').innerText()).trim();

  /** A learner of the class on its class page, once the header shows the class (their class event stream is open). */
  const openClassPage = async (page: Page, classId: string): Promise<void> => {
    await page.goto(`${platform.url}/class/${classId}`);
    await page.getByTestId('class-link').getByText(CLASS_NAME).waitFor();
  };
  /** A learner on the lesson with their terminal at a prompt. */
  const openLesson = async (page: Page, slide = 1): Promise<void> => {
    await page.goto(`${platform.url}/lessons/${LESSON}#${slide}`);
    await waitForXterm(page.getByTestId('terminal'), /root@sandbox:~#/, 90_000);
  };

  /** An instructor of the test's own, on the class's dashboard. */
  const dashboard = async (t: TestContext, classId: string): Promise<Page> => {
    const instructor = await signInInstructor(t, browser, platform, instructorView);
    await openDashboard(instructor, platform, classId);
    return instructor;
  };
  /** A new learner, joined as `name` with their class page open, once the dashboard shows them. */
  const member = async (t: TestContext, instructor: Page, created: CreatedClass, name: string, view: BrowserContextOptions): Promise<Page> => {
    const page = await newPage(t, browser, view);
    await joinClass(page, platform, created.joinCode, name);
    await openClassPage(page, created.id);
    await row(instructor, name).waitFor();
    return page;
  };

  /** Ada and Grace, new learners, joined with their class pages open. */
  const adaAndGrace = async (t: TestContext, instructor: Page, created: CreatedClass) => ({
    ada: await member(t, instructor, created, 'Ada', adaView),
    grace: await member(t, instructor, created, 'Grace', graceView),
  });

  /** A class of this test's own, ready, with the instructor on its dashboard, and Ada and Grace joined with their class pages open. */
  const ownClass = async (t: TestContext) => {
    const instructor = await signInInstructor(t, browser, platform, instructorView);
    const created = await createClass(instructor, platform, { name: CLASS_NAME, expectedLearners: 2 });
    await openDashboard(instructor, platform, created.id);
    const { ada, grace } = await adaAndGrace(t, instructor, created);
    await waitUntilClassReady(instructor, platform, created.id);
    return { instructor, classId: created.id, ada, grace };
  };

  /** The shared class, ready: the instructor on its dashboard, and a new learner `name` (unique to the test) with their class page open. */
  const learnerInSharedClass = async (t: TestContext, name: string) => {
    const instructor = await dashboard(t, sharedClass.id);
    const learner = await member(t, instructor, sharedClass, name, adaView);
    await waitUntilClassReady(instructor, platform, sharedClass.id);
    return { instructor, learner };
  };

  /** The instructor's presenter window for the class, in a window of its own, broadcasting. */
  const openPresenter = async (t: TestContext, instructor: Page, classId: string): Promise<Page> => {
    // A window of its own (a second tab would put the dashboard in the background,
    // where Chromium throttles its frames and every click on it waits for one).
    const presenter = await newPage(t, browser, { ...instructorView, storageState: await instructor.context().storageState() });
    await presenter.goto(`${platform.url}/lessons/${LESSON}/present?class=${classId}`);
    await presenter.locator('[data-testid=presenter][data-ready=true]').waitFor();
    await presenter.locator('[data-testid=follow-broadcast][data-state=live]').waitFor({ timeout: 5000 });
    return presenter;
  };

  before(async () => {
    // No warm sandboxes: most tests make a class of their own, and each would start (and mostly not use) one per
    // expected learner; a learner's terminal starts their sandbox when they open it. (Warm pools: class-runtime and
    // classroom integration tests.) Each class still gets its registry mirror, as npm start gives it.
    platform = await startPlatformProcess({ env: { DRYDOCK_WARM_POOL_MAX: '0' } });
    browser = await launchChromium();
    const signedIn = await browser.newContext();
    await signIn(signedIn, platform);
    sharedClass = await createClass(await signedIn.newPage(), platform, { name: CLASS_NAME, expectedLearners: 5 });
    await signedIn.close();
  });
  after(async () => {
    await browser?.close();
    const left = await platform?.destroy();
    assert.ok(left && Object.values(left).every((n) => n === 0), `left behind: ${JSON.stringify(left)}`);
  });

  test('the instructor creates a class; Ada and Grace join; Grace opens the lesson', async (t) => {
    const instructor = await newPage(t, browser, instructorView);
    const ada = await newPage(t, browser, adaView);
    const grace = await newPage(t, browser, graceView);
    await instructor.goto(`${platform.url}/instructor/login`);
    await instructor.getByTestId('secret-input').fill(instructorSecret(platform));
    await instructor.getByRole('button', { name: 'Sign in' }).click();
    const form = instructor.getByTestId('create-class-form');
    await form.getByLabel('Class name').fill(CLASS_NAME);
    await form.getByLabel('Duration (minutes)').fill('60');
    await form.getByLabel('Expected learners').fill('2');
    await form.locator(`input[data-lesson="${LESSON}"]`).check();
    await form.getByRole('button', { name: 'Create class' }).click();
    await instructor.waitForURL(/\/instructor\/classes\/[a-z2-9]{12}$/);
    const joinCode = (await instructor.getByTestId('join-code').innerText()).trim();

    for (const [page, name] of [
      [ada, 'Ada'],
      [grace, 'Grace'],
    ] as const) {
      await page.goto(`${platform.url}/join/${joinCode}`);
      await page.getByLabel('Your name').fill(name);
      await page.getByRole('button', { name: 'Join class' }).click();
      await page.waitForURL(/\/class\//);
      // The header links back to the class, from the learner's event stream (reopened after the join's client-side navigation).
      await page.getByTestId('class-link').getByText(CLASS_NAME).waitFor({ timeout: 5000 });
      await row(instructor, name).waitFor({ timeout: 5000 });
    }
    await grace.goto(`${platform.url}/lessons/${LESSON}#1`);
    await waitForXterm(grace.getByTestId('terminal'), /root@sandbox:~#/, 90_000);
    assert.equal(await grace.getByTestId('follow-toggle').count(), 0, 'no follow toggle while nobody presents');
  });

  test('the dashboard shows the class controls and the runtime line', async (t) => {
    const instructor = await dashboard(t, sharedClass.id);
    const classId = sharedClass.id;
    const status = instructor.getByTestId('runtime-status');
    await status.waitFor({ timeout: 8000 });
    assert.equal(await status.getAttribute('data-state'), 'ok');
    assert.match((await status.getAttribute('aria-label')) ?? '', /^Registry mirror: \w+ · Warm sandboxes: .+ · Presenting: no$/);
    const present = instructor.getByTestId('present-link');
    assert.equal(await present.getAttribute('href'), `/lessons/${LESSON}/present?class=${classId}`);
    assert.equal(await instructor.getByTestId('export-csv').getAttribute('href'), `/api/instructor/classes/${classId}/export?format=csv`);
  });

  test('following: Ada turns follow on and lands on the presented slide; the presenter moves to slide 3, Ada follows, Grace stays', async (t) => {
    // Ada on her class page; Grace on the lesson's first slide, her terminal open.
    const { instructor, classId, ada, grace } = await ownClass(t);
    await openLesson(grace, 1);
    const presenter = await openPresenter(t, instructor, classId);

    // Ada is on the class page: the toggle appears with the presenting, and following takes her to the lesson.
    await ada.getByTestId('follow-toggle').waitFor({ timeout: 5000 });
    assert.equal(await ada.getByTestId('follow-toggle').getAttribute('aria-checked'), 'false');
    await grace.getByTestId('follow-toggle').waitFor({ timeout: 5000 });
    await ada.getByTestId('follow-toggle').click();
    await ada.waitForURL(new RegExp(`/lessons/${LESSON}#1$`), { timeout: 10_000 });
    assert.equal(await ada.getByTestId('follow-toggle').getAttribute('aria-checked'), 'true');
    await waitForXterm(ada.getByTestId('terminal'), /root@sandbox:~#/, 90_000);
    await typeInto(ada, 'echo focus-stays');
    await waitForXterm(ada.getByTestId('terminal'), /^focus-stays$/m);
    const sandbox = await sandboxOf(ada);

    await presenter.keyboard.press('ArrowRight');
    await presenter.keyboard.press('ArrowRight');
    await presenter.locator('[data-testid=slide][data-slide="3"]').waitFor();
    const movedAt = Date.now();
    await ada.locator('[data-testid=slide][data-slide="3"]').waitFor({ timeout: 3000 });
    console.log(`# follower on slide 3 ${Date.now() - movedAt} ms after the presenter`);
    assert.equal(new URL(ada.url()).hash, '#3');
    assert.equal(await ada.evaluate(() => document.activeElement?.className ?? ''), 'xterm-helper-textarea', 'the terminal keeps the keyboard');
    assert.equal(await sandboxOf(ada), sandbox, 'same page, same terminal session');

    await grace.waitForTimeout(700);
    assert.equal(new URL(grace.url()).hash, '#1', 'Grace does not follow');
    assert.equal(await grace.locator('[data-testid=slide]').getAttribute('data-slide'), '1');
    await instructor
      .locator('[data-testid=runtime-status]')
      .and(instructor.locator('[aria-label$="Presenting: Containers 101 slide 3"]'))
      .waitFor({ timeout: 8000 });
    await presenter.screenshot({ path: screenshotPath('classroom-live-presenter') });
  });

  test('a message to Ada reaches only Ada; a message to everyone reaches both', async (t) => {
    // The shared class: only this test's Ada and Grace have a page open in it.
    const instructor = await dashboard(t, sharedClass.id);
    const { ada, grace } = await adaAndGrace(t, instructor, sharedClass);
    await row(instructor, 'Ada').getByTestId('learner-actions').click();
    await instructor.screenshot({ path: screenshotPath('classroom-live-menu') });
    await instructor.locator('[role=menuitem][data-action=message]').click();
    const dialog = instructor.getByTestId('message-dialog');
    await dialog.getByRole('textbox').fill('Ada, look at the port mapping: -p 9090:80');
    await instructor.screenshot({ path: screenshotPath('classroom-live-message-dialog') });
    await dialog.getByRole('button', { name: 'Send' }).click();
    await instructor.getByTestId('toast').getByText('Sent').waitFor();
    assert.equal(await instructor.getByTestId('message-dialog').count(), 0, 'the dialog closed');

    const toAda = notices(ada).filter({ hasText: 'look at the port mapping' });
    await toAda.waitFor({ timeout: 3000 });
    assert.equal(await toAda.getAttribute('data-to'), 'you');
    assert.match(await toAda.innerText(), /to you/);

    // Message everyone, from a dashboard in the dark theme this time.
    await instructor.getByTestId('theme-toggle').click();
    await row(instructor, 'Grace').getByTestId('learner-actions').click();
    await instructor.screenshot({ path: screenshotPath('classroom-live-menu-dark') });
    await instructor.keyboard.press('Escape');
    await instructor.getByTestId('message-all').click();
    await instructor.getByTestId('message-dialog').getByRole('textbox').fill('Five more minutes, then we go through it together.');
    await instructor.screenshot({ path: screenshotPath('classroom-live-message-all-dark') });
    await instructor.getByTestId('message-dialog').getByRole('textbox').press('Control+Enter');
    await instructor.getByTestId('toast').getByText('to everyone: 2 learners with a page open').waitFor();
    await instructor.screenshot({ path: screenshotPath('classroom-live-dashboard-dark') });
    await instructor.getByTestId('theme-toggle').click();
    for (const page of [ada, grace]) {
      const all = notices(page).filter({ hasText: 'Five more minutes' });
      await all.waitFor({ timeout: 3000 });
      assert.equal(await all.getAttribute('data-to'), 'all');
    }
    assert.equal(await notices(grace).count(), 1, 'Grace never got Ada’s message');
    assert.equal(await notices(ada).count(), 2);
    assert.equal(await ada.getByTestId('class-notices').getAttribute('aria-live'), 'polite');
    await ada.screenshot({ path: screenshotPath('classroom-live-learner') });
    await grace.screenshot({ path: screenshotPath('classroom-live-learner-dark') });

    // Dismissed notices go; the other stays.
    await notices(ada).first().getByRole('button', { name: 'Dismiss' }).click();
    assert.equal(await notices(ada).count(), 1);
  });

  test('shadowing: what Ada types in her terminal shows in the instructor’s read-only view', async (t) => {
    const name = 'Ada (shadowed)';
    const { instructor, learner: ada } = await learnerInSharedClass(t, name);
    await openLesson(ada);
    await menuAction(instructor, name, 'shadow');
    const shadow = instructor.getByTestId('shadow-terminal');
    await shadow.getByTestId('shadow-status').getByText(/^Live/).waitFor({ timeout: 10_000 });
    await typeInto(ada, 'echo shadow-$((6*7))');
    await waitForXterm(ada.getByTestId('terminal'), /^shadow-42$/m);
    await waitForXterm(shadow.getByTestId('shadow-xterm'), /^shadow-42$/m, 5000);
    await instructor.screenshot({ path: screenshotPath('classroom-live-shadow') });
    // Ada is told while she is watched, and no longer once the view closes.
    await ada.getByTestId('watched').getByText('Your instructor is watching this terminal').waitFor({ timeout: 5000 });
    await ada.screenshot({ path: screenshotPath('classroom-live-being-watched') });
    await instructor.keyboard.press('Escape');
    assert.equal(await shadow.count(), 0, 'Escape closes the view');
    await ada.getByTestId('watched').waitFor({ state: 'detached', timeout: 5000 });
  });

  test('extending Ada’s time: the dashboard says until when, Ada gets a note', async (t) => {
    // Extending needs a sandbox: Ada has opened the lesson.
    const name = 'Ada (extended)';
    const { instructor, learner: ada } = await learnerInSharedClass(t, name);
    await openLesson(ada);
    // The header shows the time left ("3 h 59 min left"); an extension moves it at once.
    const minutesLeft = async (): Promise<number> => {
      const text = await ada.getByTestId('time-left').innerText();
      const match = /^(?:(\d+) h)? ?(?:(\d+) min)? left$/.exec(text);
      assert.ok(match, `time left reads "${text}"`);
      return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
    };
    const before = await minutesLeft();
    await menuAction(instructor, name, 'extend');
    const dialog = instructor.getByTestId('extend-dialog');
    assert.equal(await dialog.getByLabel('More minutes').inputValue(), '30', 'default 30');
    await dialog.getByLabel('More minutes').fill('500');
    assert.equal(await dialog.getByRole('button', { name: 'Extend' }).isDisabled(), true, 'out of range');
    await dialog.getByLabel('More minutes').fill('45');
    await instructor.screenshot({ path: screenshotPath('classroom-live-extend-dialog') });
    await dialog.getByRole('button', { name: 'Extend' }).click();
    const title = instructor.getByTestId('toast-title').filter({ hasText: /^Extended to/ });
    await title.waitFor();
    assert.match(await title.innerText(), /^Extended to \d\d:\d\d/);
    await notices(ada).and(ada.locator('[data-kind=sandbox]')).getByText('Your sandbox has more time').waitFor({ timeout: 3000 });
    const after = await minutesLeft();
    assert.ok(after >= before + 44 && after <= before + 45, `the header went from ${before} to ${after} minutes left after 45 more`);
  });

  test('resetting Ada’s sandbox from the dashboard: her terminal comes back on a fresh one', async (t) => {
    const name = 'Ada (reset)';
    const { instructor, learner: ada } = await learnerInSharedClass(t, name);
    await openLesson(ada);
    const terminal = ada.getByTestId('terminal');
    await typeInto(ada, 'echo before-reset > /root/marker && cat /root/marker');
    await waitForXterm(terminal, /^before-reset$/m);
    const before = await sandboxOf(ada);

    let asked = '';
    instructor.once('dialog', (d) => {
      asked = d.message();
      void d.accept();
    });
    await menuAction(instructor, name, 'reset');
    assert.match(asked, /Reset this learner’s sandbox/);
    await instructor.getByTestId('toast').getByText('Sandbox reset').waitFor({ timeout: 30_000 });
    await notices(ada).getByText('Your sandbox was reset').waitFor({ timeout: 5000 });

    const deadline = Date.now() + 90_000;
    while ((await sandboxOf(ada).catch(() => before)) === before && Date.now() < deadline) await ada.waitForTimeout(200);
    assert.notEqual(await sandboxOf(ada), before, 'a new sandbox');
    await ada.locator('[data-testid=terminal-status][data-state=ready]').waitFor({ timeout: 90_000 });
    await typeInto(ada, 'cat /root/marker 2>&1 || echo marker-$((1+1))-gone');
    await waitForXterm(terminal, /^marker-2-gone$/m);
  });

  test('closing the presenter stops following: the toggle goes away', async (t) => {
    const { instructor, classId, ada, grace } = await ownClass(t);
    const presenter = await openPresenter(t, instructor, classId);
    await ada.getByTestId('follow-toggle').waitFor({ timeout: 5000 });
    await grace.getByTestId('follow-toggle').waitFor({ timeout: 5000 });

    await presenter.close({ runBeforeUnload: true });
    await presenter.context().close();
    await ada.getByTestId('follow-toggle').waitFor({ state: 'detached', timeout: 5000 });
    await grace.getByTestId('follow-toggle').waitFor({ state: 'detached', timeout: 5000 });
  });

  test('hints and the solution: Lin opens a hint and the solution, her cell is marked live; her pass after it counts, marked, in the grid and the grades', async (t) => {
    const { instructor, learner: lin } = await learnerInSharedClass(t, 'Lin');
    await openLesson(lin, EXIT_THREE.slide);
    const exercise = lin.locator('[data-testid=exercise][data-exercise=exit-three]');
    const cell = (state = ''): Locator => row(instructor, 'Lin').locator(`[data-testid=cell][data-exercise="${LESSON}/exit-three"]${state}`);
    assert.equal(await cell().getAttribute('data-hints'), '0');

    // A hint: recorded, and on the dashboard without a reload (the grid's stream).
    await exercise.getByTestId('show-hint').click();
    await exercise.getByTestId('hint').first().waitFor();
    await cell('[data-hints="1"]').waitFor({ timeout: 5000 });
    assert.equal(await cell().getAttribute('data-solution'), null, 'a hint is not the solution');

    // The solution: its own button, a confirm step that says the look is recorded, then the script with Copy.
    await exercise.getByTestId('show-solution').click();
    assert.match(await exercise.getByTestId('solution-confirm').innerText(), /Seeing the solution is recorded; your instructor will see it\./);
    assert.equal(await cell().getAttribute('data-solution'), null, 'asking is not looking: nothing is fetched before the learner confirms');
    await exercise.getByTestId('confirm-solution').click();
    assert.match(await exercise.getByTestId('solution-code').innerText(), /^docker run --name three busybox sh -c 'exit 3' \|\| true$/);
    assert.match(await exercise.getByTestId('solution-explanation').innerText(), /exit status/);
    await exercise.getByTestId('copy-solution').waitFor();
    await exercise.scrollIntoViewIfNeeded();
    await lin.screenshot({ path: screenshotPath('classroom-live-solution') });
    // The site's own theme switch (the page keeps its state; the choice is the browser's, kept for the rest of the test).
    await lin.getByTestId('theme-toggle').click();
    await lin.locator('html[data-theme=dark]').waitFor();
    await lin.screenshot({ path: screenshotPath('classroom-live-solution-dark') });

    await cell('[data-solution=seen]').waitFor({ timeout: 5000 });
    assert.match((await cell().getAttribute('title')) ?? '', /^A stopped container .*: not tried; 1 hint opened; solution seen at \d/);
    assert.equal(await cell().getByTestId('cell-solution').getAttribute('aria-label'), 'solution seen');

    // Lin passes after looking: the pass counts (✓, solved 1) and is marked.
    await solveExitThree(lin);
    await cell('[data-state=passed][data-solution=passed-after]').waitFor({ timeout: 5000 });
    assert.match((await cell().getAttribute('title')) ?? '', /: passed at .*; 1 hint opened; solution seen at .*, passed after it$/);
    assert.match(await row(instructor, 'Lin').getByTestId('learner-progress').innerText(), /^1\//);
    await cell().hover();
    await instructor.screenshot({ path: screenshotPath('classroom-live-cell-solution') });
    await instructor.getByTestId('theme-toggle').click();
    await instructor.locator('html[data-theme=dark]').waitFor();
    await instructor.screenshot({ path: screenshotPath('classroom-live-cell-solution-dark') });

    // The grades say the same: one hint, the solution seen, the pass after it.
    const csv = await (await instructor.context().request.get(`${platform.url}/api/instructor/classes/${sharedClass.id}/export?format=csv`)).text();
    const [header, ...lines] = csv.trim().split('\r\n');
    const columns = header!.split(',');
    const lins = lines.map((l) => l.split(',')).find((f) => f[columns.indexOf('name')] === 'Lin' && f[columns.indexOf('exercise')] === 'exit-three')!;
    const field = (name: string) => lins[columns.indexOf(name)];
    assert.deepEqual([field('passed'), field('hints_used'), field('solution_shown'), field('passed_after_solution')], ['yes', '1', 'yes', 'yes']);
  });

  test('ending the class: it asks, learners see "Class ended", and the grades download as CSV with the learners’ names', async (t) => {
    const { instructor, ada, grace } = await ownClass(t);
    // A sandbox for the end to remove: Grace has the lesson open.
    await openLesson(grace);
    await instructor.getByTestId('end-class').click();
    const dialog = instructor.getByTestId('end-class-dialog');
    assert.match(await dialog.innerText(), /every sandbox of this class/);
    await instructor.screenshot({ path: screenshotPath('classroom-live-end-dialog') });
    await dialog.getByRole('button', { name: 'End class' }).click();
    await dialog.getByTestId('end-class-result').waitFor({ timeout: 60_000 });
    assert.match(await dialog.getByTestId('end-class-result').innerText(), /^Removed \d+ sandbox/);

    for (const page of [ada, grace]) {
      const ended = notices(page).and(page.locator('[data-kind=ended]'));
      await ended.waitFor({ timeout: 5000 });
      assert.match(await ended.innerText(), /Class ended/);
    }
    // Grace's terminal is visibly dead, says why, and takes no keystrokes.
    const dead = grace.getByTestId('terminal-dead');
    await dead.waitFor({ timeout: 10_000 });
    assert.match(await dead.innerText(), /The class has ended/);
    assert.equal(await grace.getByTestId('terminal').getAttribute('data-offline'), 'true');
    await grace.screenshot({ path: screenshotPath('classroom-live-ended-dark') });

    const [download] = await Promise.all([instructor.waitForEvent('download'), dialog.getByTestId('export-csv').click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.match(download.suggestedFilename(), /\.csv$/);
    assert.match(csv, /Ada/);
    assert.match(csv, /Grace/);
    await instructor.screenshot({ path: screenshotPath('classroom-live-ended') });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await instructor.screenshot({ path: screenshotPath('classroom-live-ended-dashboard') });

    // The dashboard shows the class as ended; the row actions are no longer offered.
    await instructor.getByText('Ended', { exact: true }).waitFor();
    assert.equal(await instructor.getByTestId('end-class').count(), 0);
    await row(instructor, 'Ada').getByTestId('learner-actions').click();
    assert.equal(await instructor.locator('[role=menuitem]:disabled').count(), 6);
    await instructor.keyboard.press('Escape');
  });
});
