import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { loadLesson } from '../lib/lesson-format/loader';
import { startPlatformProcess, type RunningPlatform } from './support/platform-process';
import { launchChromium, screenshotPath, typeInTerminal, waitForTerminal } from './support/browser';

/**
 * An instructor-led class end to end: the instructor signs in with the secret
 * the first start printed and creates a class; two learners join with its
 * code; one fails and then solves an exercise in a real sandbox, and the
 * instructor's grid follows live (Server-Sent Events), without a reload.
 */
describe('instructor-led classroom', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let instructor: Page;
  let ada: Page;
  let grace: Page;
  let secret = '';
  let classUrl = '';
  let joinCode = '';
  const lesson = loadLesson('containers-101');
  if (!lesson?.ok) throw new Error('containers-101 must parse');
  const slide = lesson.lesson.slides.findIndex((s) => s.exercise?.id === 'exit-three') + 1;
  const exerciseCount = lesson.lesson.slides.filter((s) => s.exercise).length;

  const newPage = async (context: BrowserContext): Promise<Page> => {
    const page = await context.newPage();
    page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
    return page;
  };
  const row = (name: string): Locator => instructor.locator(`[data-testid=learner-row][data-learner="${name}"]`);
  const cell = (name: string): Locator => row(name).locator('[data-testid=cell][data-exercise="containers-101/exit-three"]');

  before(async () => {
    platform = await startPlatformProcess();
    browser = await launchChromium();
    instructor = await newPage(await browser.newContext({ viewport: { width: 1400, height: 900 } }));
    ada = await newPage(await browser.newContext({ viewport: { width: 1400, height: 900 } }));
    // Grace's browser prefers dark: her screenshots show the dark theme.
    grace = await newPage(await browser.newContext({ viewport: { width: 1100, height: 800 }, colorScheme: 'dark' }));
  });
  after(async () => {
    await browser?.close();
    const left = await platform?.destroy();
    assert.ok(left && Object.values(left).every((n) => n === 0), `left behind: ${JSON.stringify(left)}`);
  });

  test('the first start prints the instructor secret once, with where to sign in', () => {
    const match = /instructor secret \(shown only this once; keep it\): (\S+)/.exec(platform.log());
    assert.ok(match, `no secret in the log:\n${platform.log()}`);
    secret = match[1]!;
    assert.ok(platform.log().includes(`instructors sign in at ${platform.url}/instructor/login`));
  });

  test('without signing in, instructor pages redirect to the sign-in form and the API answers 401', async () => {
    await ada.goto(`${platform.url}/instructor/classes/abcdefghjkmn`);
    assert.match(ada.url(), /\/instructor\/login\?next=%2Finstructor%2Fclasses%2Fabcdefghjkmn$/);
    const api = await ada.evaluate(async () => {
      const r = await fetch('/api/instructor/classes');
      return { status: r.status, body: (await r.json()) as unknown };
    });
    assert.deepEqual(api, { status: 401, body: { error: 'instructor sign-in required' } });
  });

  test('the instructor signs in with the secret (a wrong one is refused) and creates a class', async () => {
    await instructor.goto(`${platform.url}/instructor`);
    await instructor.getByTestId('secret-input').fill('not-the-secret');
    await instructor.getByRole('button', { name: 'Sign in' }).click();
    await instructor.getByTestId('login-error').waitFor();
    await instructor.getByTestId('secret-input').fill(secret);
    await instructor.getByRole('button', { name: 'Sign in' }).click();
    await instructor.getByRole('heading', { name: 'Classes', level: 1 }).waitFor();
    const cookie = (await instructor.context().cookies()).find((c) => c.name === 'drydock_instructor');
    assert.ok(cookie?.httpOnly, 'httpOnly instructor cookie');

    const form = instructor.getByTestId('create-class-form');
    await form.getByRole('button', { name: 'Create class' }).click();
    assert.match(await instructor.getByTestId('create-error').innerText(), /^Class name: give the class a name$/, 'the server said what is wrong');
    await form.getByLabel('Class name').fill('Docker basics — Tuesday');
    await form.getByLabel('Duration (minutes)').fill('60');
    await form.getByLabel('Expected learners').fill('2');
    await form.locator('input[data-lesson="containers-101"]').check();
    await form.getByRole('button', { name: 'Create class' }).click();
    await instructor.waitForURL(/\/instructor\/classes\/[a-z2-9]{12}$/);
    classUrl = instructor.url();
    await instructor.getByTestId('grid-empty').waitFor();
    joinCode = (await instructor.getByTestId('join-code').innerText()).trim();
    assert.match(joinCode, /^[2-9A-HJ-NP-Z]{6}$/);
    await instructor.locator('[data-testid=live-indicator][data-live=live]').waitFor();
  });

  test('two learners join with the code (typed, and from the link); the dashboard shows them as they join', async () => {
    await ada.goto(`${platform.url}/join`);
    await ada.getByLabel('Class code').fill('ZZZZZZ');
    await ada.getByLabel('Your name').fill('Ada');
    await ada.getByRole('button', { name: 'Join class' }).click();
    assert.match(await ada.getByTestId('join-error').innerText(), /^No open class has the code ZZZZZZ; check it with your instructor$/);
    await ada.screenshot({ path: screenshotPath('classroom-join-error') });
    await ada.getByLabel('Class code').fill(joinCode.toLowerCase());
    await ada.getByRole('button', { name: 'Join class' }).click();
    await ada.waitForURL(/\/class\/[a-z2-9]{12}$/);
    assert.equal(await ada.getByTestId('member-name').innerText(), 'Ada');
    assert.equal(await ada.getByTestId('class-lesson').count(), 1);
    await ada.getByTestId('up-next').waitFor();
    await row('Ada').waitFor({ timeout: 2000 });

    await grace.goto(`${platform.url}/join/${joinCode}`);
    assert.equal(await grace.getByLabel('Class code').inputValue(), joinCode, 'the link fills in the code');
    await grace.getByLabel('Your name').fill('Grace');
    await grace.screenshot({ path: screenshotPath('classroom-join') });
    await grace.getByRole('button', { name: 'Join class' }).click();
    await grace.waitForURL(/\/class\//);
    await grace.getByTestId('up-next').waitFor();
    await grace.screenshot({ path: screenshotPath('classroom-class-page-dark'), fullPage: true });
    await row('Grace').waitFor({ timeout: 2000 });
    assert.equal(await instructor.getByTestId('total-joined').innerText(), '2 / 2');
  });

  test('joining again from the same browser resumes: same class, new name, no second row', async () => {
    await ada.goto(`${platform.url}/join/${joinCode}`);
    await ada.getByTestId('my-classes').waitFor();
    assert.equal(await ada.getByLabel('Your name').inputValue(), 'Ada', 'the name is remembered');
    await ada.getByLabel('Your name').fill('Ada Lovelace');
    await ada.getByRole('button', { name: 'Join class' }).click();
    await ada.waitForURL(/\/class\//);
    assert.equal(await ada.getByTestId('member-name').innerText(), 'Ada Lovelace');
    await row('Ada Lovelace').waitFor({ timeout: 2000 });
    assert.equal(await instructor.getByTestId('learner-row').count(), 2);
  });

  test('a learner fails, then solves an exercise in the terminal; the grid follows within a second or two, without a reload', async () => {
    const name = 'Ada Lovelace';
    await ada.goto(`${platform.url}/lessons/containers-101#${slide}`);
    await waitForTerminal(ada, /root@sandbox:~#/, 60_000);
    // Connection state comes with the periodic refresh (every 5 s).
    await instructor.locator(`[data-testid=learner-row][data-learner="${name}"][data-status=active]`).waitFor({ timeout: 8000 });
    assert.equal(await cell(name).getAttribute('data-state'), 'untried');

    await ada.getByTestId('check-button').click();
    await ada.getByTestId('check-result').getByText('Not yet (attempt 1)').waitFor();
    let verdictAt = Date.now();
    await instructor.locator(`[data-testid=learner-row][data-learner="${name}"] [data-exercise="containers-101/exit-three"][data-state=failed][data-attempts="1"]`).waitFor({ timeout: 2000 });
    const failedAfter = Date.now() - verdictAt;
    await instructor.screenshot({ path: screenshotPath('classroom-dashboard-failed'), fullPage: true });

    await typeInTerminal(ada, "docker run --name three busybox sh -c 'exit 3'; echo status=$?");
    await waitForTerminal(ada, /^status=3$/m);
    await ada.getByTestId('check-button').click();
    await ada.getByTestId('check-result').getByText('Passed (attempt 2).').waitFor();
    verdictAt = Date.now();
    await instructor.locator(`[data-testid=learner-row][data-learner="${name}"] [data-exercise="containers-101/exit-three"][data-state=passed]`).waitFor({ timeout: 2000 });
    const passedAfter = Date.now() - verdictAt;
    console.log(`# dashboard updated ${failedAfter} ms after the failing verdict, ${passedAfter} ms after the pass`);

    assert.equal(await row(name).getByTestId('learner-progress').innerText(), `1/${exerciseCount}`);
    assert.match((await cell(name).innerText()).replace(/\s+/g, ' '), /^✓ \d\d:\d\d/, 'passed, with the time');
    assert.equal(instructor.url(), classUrl, 'no reload or navigation');
    await instructor.screenshot({ path: screenshotPath('classroom-dashboard'), fullPage: true });
  });

  test('filtering, searching and sorting the grid', async () => {
    const names = async () => instructor.getByTestId('learner-name').allInnerTexts();
    assert.deepEqual(await names(), ['Ada Lovelace', 'Grace']);
    await instructor.getByTestId('filter-offline').click();
    assert.deepEqual(await names(), ['Grace'], 'Grace never opened a terminal');
    await instructor.getByTestId('filter-stuck').click();
    assert.deepEqual(await names(), []);
    await instructor.getByTestId('filter-all').click();
    await instructor.getByLabel('Search learners by name').fill('GRA');
    assert.deepEqual(await names(), ['Grace']);
    await instructor.getByLabel('Search learners by name').fill('');
    await instructor.getByTestId('sort').selectOption('activity');
    assert.deepEqual(await names(), ['Ada Lovelace', 'Grace']);
    // The per-learner actions (driven in classroom-live.e2e.test.ts), all available while the class is open.
    await row('Grace').getByTestId('learner-actions').click();
    assert.deepEqual(await instructor.getByRole('menuitem').allInnerTexts().then((t) => t.map((x) => x.split('\n')[0])), ['Shadow terminal', 'Reset sandbox', 'Extend time', 'Message']);
    assert.equal(await instructor.locator('[role=menuitem]:disabled').count(), 0);
    await instructor.keyboard.press('Escape');
    await instructor.getByTestId('theme-toggle').click();
    await instructor.screenshot({ path: screenshotPath('classroom-dashboard-dark'), fullPage: true });
    await instructor.getByTestId('theme-toggle').click();
  });

  test('the class page shows the learner’s progress on the class’s lessons', async () => {
    await ada.goto(classUrl.replace(/\/instructor\/classes\//, '/class/'));
    await ada.getByTestId('progress-containers-101').getByText(`1 / ${exerciseCount} solved`).waitFor();
    assert.equal(await ada.locator('[data-testid=exercise-chip][data-state=passed]').count(), 1);
    await ada.screenshot({ path: screenshotPath('classroom-class-page'), fullPage: true });
  });

  test('a learner’s browser cannot use instructor URLs, even after joining a class', async () => {
    const classId = classUrl.split('/').at(-1)!;
    for (const path of ['/instructor', `/instructor/classes/${classId}`]) {
      await grace.goto(`${platform.url}${path}`);
      assert.match(grace.url(), /\/instructor\/login\?next=/, path);
    }
    // (No named functions inside evaluate: tsx would wrap them in a helper the page does not have.)
    const statuses = await grace.evaluate(async (id) => {
      const responses = await Promise.all([
        fetch('/api/instructor/classes'),
        fetch(`/api/instructor/classes/${id}`),
        fetch(`/api/instructor/classes/${id}/events`),
        fetch('/api/instructor/classes', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'mine', lessonIds: ['containers-101'], durationMinutes: 60, expectedLearners: 1 }),
        }),
      ]);
      return responses.map((r) => r.status);
    }, classId);
    assert.deepEqual(statuses, [401, 401, 401, 401]);
    // A forged instructor cookie is no better.
    const learnerCookie = (await grace.context().cookies()).find((c) => c.name === 'drydock_learner')!;
    const forged = await fetch(`${platform.url}/api/instructor/classes`, {
      headers: { cookie: `drydock_learner=${learnerCookie.value}; drydock_instructor=i1.zzzzzzzz.${'A'.repeat(43)}` },
    });
    assert.equal(forged.status, 401);
  });
});
