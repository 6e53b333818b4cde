import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { startPlatformProcess, type RunningPlatform } from './support/platform-process';
import { auditPage } from './support/accessibility';
import { launchChromium, newPage, screenshotPath, typeInTerminal, waitForTerminal } from './support/browser';
import { createClass, instructorSecret, openDashboard, signInInstructor, type CreatedClass } from './support/instructor';
import { EXIT_THREE, joinClass, openLessonTerminal, solveExitThree } from './support/learner';

/**
 * An instructor-led class end to end: the instructor signs in with the secret
 * the first start printed and creates a class; two learners join with its
 * code; one fails and then solves an exercise in a real sandbox, and the
 * instructor's grid follows live (Server-Sent Events), without a reload.
 *
 * One platform for the file, and every test has its own instructor session,
 * class and learners (fixtures in support/), so each runs alone and in any
 * order.
 */
describe('instructor-led classroom', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  const { slide, exercisesInLesson: exerciseCount } = EXIT_THREE;

  const instructorView: BrowserContextOptions = { viewport: { width: 1400, height: 900 } };
  const adaView: BrowserContextOptions = { viewport: { width: 1400, height: 900 } };
  // Grace's browser prefers dark: her screenshots show the dark theme.
  const graceView: BrowserContextOptions = { viewport: { width: 1100, height: 800 }, colorScheme: 'dark' };

  const row = (instructor: Page, name: string): Locator => instructor.locator(`[data-testid=learner-row][data-learner="${name}"]`);
  const cell = (instructor: Page, name: string): Locator => row(instructor, name).locator('[data-testid=cell][data-exercise="containers-101/exit-three"]');

  /** A signed-in instructor on the dashboard of a new class of their own (containers-101, 60 minutes). */
  const classOnDashboard = async (t: TestContext, expectedLearners: number): Promise<{ instructor: Page; created: CreatedClass }> => {
    const instructor = await signInInstructor(t, browser, platform, instructorView);
    const created = await createClass(instructor, platform, { name: 'Docker basics — Tuesday', expectedLearners });
    await openDashboard(instructor, platform, created.id);
    return { instructor, created };
  };

  before(async () => {
    // No class registry and no warm sandboxes: this file is about signing in, classes, joining and the grid, and each
    // test makes a class of its own (classroom-live.e2e.test.ts runs its classes with both, as npm start does).
    platform = await startPlatformProcess({ env: { DRYDOCK_WARM_POOL_MAX: '0', DRYDOCK_CLASS_REGISTRY: 'off' } });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    const left = await platform?.destroy();
    assert.ok(left && Object.values(left).every((n) => n === 0), `left behind: ${JSON.stringify(left)}`);
  });

  test('the first start prints the instructor secret once, with where to sign in', () => {
    const match = /instructor secret \(shown only this once; keep it\): (\S+)/.exec(platform.log());
    assert.ok(match, `no secret in the log:\n${platform.log()}`);
    assert.ok(platform.log().includes(`instructors sign in at ${platform.url}/instructor/login`));
  });

  test('without signing in, instructor pages redirect to the sign-in form and the API answers 401', async (t) => {
    const ada = await newPage(t, browser, adaView);
    await ada.goto(`${platform.url}/instructor/classes/abcdefghjkmn`);
    assert.match(ada.url(), /\/instructor\/login\?next=%2Finstructor%2Fclasses%2Fabcdefghjkmn$/);
    const api = await ada.evaluate(async () => {
      const r = await fetch('/api/instructor/classes');
      return { status: r.status, body: (await r.json()) as unknown };
    });
    assert.deepEqual(api, { status: 401, body: { error: 'instructor sign-in required' } });
  });

  test('the instructor signs in with the secret (a wrong one is refused) and creates a class', async (t) => {
    const instructor = await newPage(t, browser, instructorView);
    await instructor.goto(`${platform.url}/instructor`);
    await instructor.getByTestId('secret-input').fill('not-the-secret');
    await instructor.getByRole('button', { name: 'Sign in' }).click();
    await instructor.getByTestId('login-error').waitFor();
    await instructor.getByTestId('secret-input').fill(instructorSecret(platform));
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
    await instructor.getByTestId('grid-empty').waitFor();
    const joinCode = (await instructor.getByTestId('join-code').innerText()).trim();
    assert.match(joinCode, /^[2-9A-HJ-NP-Z]{6}$/);
    await instructor.locator('[data-testid=live-indicator][data-live=live]').waitFor();
  });

  test('two learners join with the code (typed, and from the link); the dashboard shows them as they join', async (t) => {
    const { instructor, created } = await classOnDashboard(t, 2);
    const { joinCode } = created;
    await instructor.getByTestId('grid-empty').waitFor();
    const ada = await newPage(t, browser, adaView);
    const grace = await newPage(t, browser, graceView);

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
    await row(instructor, 'Ada').waitFor({ timeout: 2000 });

    await grace.goto(`${platform.url}/join/${joinCode}`);
    assert.equal(await grace.getByLabel('Class code').inputValue(), joinCode, 'the link fills in the code');
    await grace.getByLabel('Your name').fill('Grace');
    await grace.screenshot({ path: screenshotPath('classroom-join') });
    await grace.getByRole('button', { name: 'Join class' }).click();
    await grace.waitForURL(/\/class\//);
    await grace.getByTestId('up-next').waitFor();
    await grace.screenshot({ path: screenshotPath('classroom-class-page-dark'), fullPage: true });
    await row(instructor, 'Grace').waitFor({ timeout: 2000 });
    assert.equal(await instructor.getByTestId('total-joined').innerText(), '2 / 2');
  });

  test('joining again from the same browser resumes: same class, new name, no second row', async (t) => {
    const { instructor, created } = await classOnDashboard(t, 1);
    const { joinCode } = created;
    const ada = await newPage(t, browser, adaView);
    const grace = await newPage(t, browser, graceView);
    await joinClass(ada, platform, joinCode, 'Ada');
    await joinClass(grace, platform, joinCode, 'Grace');
    await row(instructor, 'Ada').waitFor();
    await row(instructor, 'Grace').waitFor();

    await ada.goto(`${platform.url}/join/${joinCode}`);
    await ada.getByTestId('my-classes').waitFor();
    assert.equal(await ada.getByLabel('Your name').inputValue(), 'Ada', 'the name is remembered');
    await ada.getByLabel('Your name').fill('Ada Lovelace');
    await ada.getByRole('button', { name: 'Join class' }).click();
    await ada.waitForURL(/\/class\//);
    assert.equal(await ada.getByTestId('member-name').innerText(), 'Ada Lovelace');
    await row(instructor, 'Ada Lovelace').waitFor({ timeout: 2000 });
    assert.equal(await instructor.getByTestId('learner-row').count(), 2);
  });

  test('a learner fails, then solves an exercise in the terminal; the grid follows within a second or two, without a reload', async (t) => {
    const name = 'Ada Lovelace';
    const { instructor, created } = await classOnDashboard(t, 1);
    const classUrl = instructor.url();
    const ada = await newPage(t, browser, adaView);
    await joinClass(ada, platform, created.joinCode, name);
    await row(instructor, name).waitFor();

    await ada.goto(`${platform.url}/lessons/containers-101#${slide}`);
    await waitForTerminal(ada, /root@sandbox:~#/, 60_000);
    // Connection state comes with the periodic refresh (every 5 s).
    await instructor.locator(`[data-testid=learner-row][data-learner="${name}"][data-status=active]`).waitFor({ timeout: 8000 });
    assert.equal(await cell(instructor, name).getAttribute('data-state'), 'untried');

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

    assert.equal(await row(instructor, name).getByTestId('learner-progress').innerText(), `1/${exerciseCount}`);
    assert.match((await cell(instructor, name).innerText()).replace(/\s+/g, ' '), /^✓ \d\d:\d\d/, 'passed, with the time');
    assert.equal(instructor.url(), classUrl, 'no reload or navigation');
    await instructor.screenshot({ path: screenshotPath('classroom-dashboard'), fullPage: true });
  });

  test('filtering, searching and sorting the grid', async (t) => {
    // Grace joins and never opens a terminal; Ada joins after her and has her terminal open (so she is connected, and active last).
    const { instructor, created } = await classOnDashboard(t, 1);
    const grace = await newPage(t, browser, graceView);
    const ada = await newPage(t, browser, adaView);
    await joinClass(grace, platform, created.joinCode, 'Grace');
    await joinClass(ada, platform, created.joinCode, 'Ada Lovelace');
    await openLessonTerminal(ada, platform);
    // Connection state comes with the periodic refresh (every 5 s).
    await instructor.locator('[data-testid=learner-row][data-learner="Ada Lovelace"][data-status=active]').waitFor({ timeout: 8000 });

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
    await row(instructor, 'Grace').getByTestId('learner-actions').click();
    assert.deepEqual(await instructor.getByRole('menuitem').allInnerTexts().then((t) => t.map((x) => x.split('\n')[0])), ['Shadow terminal', 'Web preview', 'Environments…', 'Reset sandbox', 'Extend time', 'Message']);
    assert.equal(await instructor.locator('[role=menuitem]:disabled').count(), 0);
    await instructor.keyboard.press('Escape');
    await instructor.getByTestId('theme-toggle').click();
    await instructor.screenshot({ path: screenshotPath('classroom-dashboard-dark'), fullPage: true });
    await instructor.getByTestId('theme-toggle').click();
  });

  test('the instructor lists a learner’s environments, downloads one’s /root and deletes it', async (t) => {
    const name = 'Ada Lovelace';
    const { instructor, created } = await classOnDashboard(t, 1);
    const ada = await newPage(t, browser, adaView);
    await joinClass(ada, platform, created.joinCode, name);
    // Opening the lesson starts its environment; she leaves a file in it.
    await openLessonTerminal(ada, platform);
    await typeInTerminal(ada, 'echo envui-$((40+2)) > /root/envui-proof.txt && echo written-$((1+1))');
    await waitForTerminal(ada, /^written-2$/m);

    const dialog = instructor.getByTestId('environments-dialog');
    const openEnvironments = async () => {
      await row(instructor, name).getByTestId('learner-actions').click();
      await instructor.locator('[role=menuitem][data-action=environments]').click();
      await dialog.waitFor();
    };
    // When the list cannot be read the dialog says so, and Try again reads it again.
    await instructor.route('**/environments', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: 'the engine is away' }) }));
    await openEnvironments();
    assert.equal(await instructor.evaluate(() => document.activeElement?.closest('[data-testid=environments-dialog]') !== null), true, 'focus moved into the dialog');
    assert.equal((await dialog.getByTestId('environments-error').innerText()).split('\n')[0], 'Could not list the environments: The engine is away');
    await instructor.unroute('**/environments');
    await dialog.getByRole('button', { name: 'Try again' }).click();

    const environment = dialog.locator('[data-testid=environment-row][data-state=running]');
    await environment.waitFor();
    assert.equal(await dialog.getByTestId('environment-row').count(), 1);
    assert.equal(await environment.getAttribute('data-environment'), 'dind:containers-101');
    assert.equal((await environment.getByRole('rowheader').innerText()).split('\n')[0], 'containers-101', 'named after the lesson');
    assert.match(await environment.getByTestId('environment-state').innerText(), /^Running$/);
    assert.match(await environment.getByTestId('environment-since').innerText(), /^active (just now|\d+ minutes? ago)$/);
    assert.match(await dialog.innerText(), /Parked environments are kept 7 days\./);

    // Both themes: audited and photographed with the dialog open.
    for (const theme of ['light', 'dark'] as const) {
      await instructor.evaluate((value) => (document.documentElement.dataset.theme = value), theme);
      assert.deepEqual(await auditPage(instructor, `environments dialog (${theme})`), []);
      await instructor.screenshot({ path: screenshotPath(`classroom-environments-${theme}`) });
    }
    await instructor.evaluate(() => (document.documentElement.dataset.theme = 'light'));

    // Export: her /root as a .tar.gz, with her file in it.
    const [download] = await Promise.all([instructor.waitForEvent('download'), environment.getByTestId('environment-export').click()]);
    assert.match(download.suggestedFilename(), /^drydock-[\w-]+-dind-containers-101-root\.tar\.gz$/);
    const tar = gunzipSync(readFileSync(await download.path())).toString('latin1');
    assert.match(tar, /root\/envui-proof\.txt/, 'her file is in the archive');
    assert.match(tar, /envui-42\n/, 'with what she wrote in it');

    // Delete asks first, in the dialog; Esc backs out of the question only.
    await environment.getByTestId('environment-delete').click();
    const confirm = dialog.getByTestId('environment-confirm');
    assert.match(await confirm.innerText(), /^Delete containers-101\? Its files, images, volumes and shell history are gone for good/);
    assert.equal(await instructor.evaluate(() => document.activeElement?.textContent), 'Keep it', 'focus starts on the safe choice');
    await instructor.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
    assert.equal(await dialog.count(), 1, 'the dialog stayed');
    assert.equal(await instructor.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'environment-delete', 'focus back on Delete');

    // She has gone (a learner with the lesson open would reconnect to a fresh environment at once).
    await ada.context().close();
    await environment.getByTestId('environment-delete').click();
    await dialog.getByTestId('environment-confirm-delete').click();
    await dialog.getByTestId('environments-empty').waitFor({ timeout: 60_000 });
    assert.equal(await dialog.getByTestId('environments-empty').innerText(), 'No environments: they start when the learner opens a lesson.');
    assert.equal(await dialog.getByTestId('environments-status').innerText(), 'Deleted containers-101.');
    assert.equal(await instructor.evaluate(() => document.activeElement?.closest('[data-testid=environments-dialog]') !== null), true, 'focus stayed in the dialog');
    await instructor.screenshot({ path: screenshotPath('classroom-environments-empty') });
    // (The empty list is the server's answer after the deletion; Refresh asks again.)
    await dialog.getByRole('button', { name: 'Refresh' }).click();
    await dialog.getByTestId('environments-empty').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  test('the environments dialog with parked environments and a lab, in both themes (its list answered by the test: parking takes the idle timeout)', async (t) => {
    const { instructor, created } = await classOnDashboard(t, 1);
    const grace = await newPage(t, browser, graceView);
    await joinClass(grace, platform, created.joinCode, 'Grace');
    const now = Date.now();
    const listing = {
      environments: [
        { environment: 'dind', state: 'parked', since: now - 2 * 86_400_000 },
        { environment: 'dind:networking', state: 'parked', since: now - 3 * 3_600_000 },
        { environment: 'dind:swarm', state: 'running', since: now - 4 * 60_000 },
        { environment: 'dind:swarm@2', state: 'running', since: now - 4 * 60_000 },
      ],
      keepMs: 7 * 86_400_000,
    };
    await instructor.route('**/environments', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(listing) }));
    await row(instructor, 'Grace').getByTestId('learner-actions').click();
    await instructor.locator('[role=menuitem][data-action=environments]').click();
    const dialog = instructor.getByTestId('environments-dialog');
    await dialog.getByTestId('environment-row').first().waitFor();
    const rows = await dialog.getByTestId('environment-row').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
    assert.deepEqual(rows, [
      'course-wide dind Parked parked 2 days ago · removed in 5 days ↓ Export Delete',
      'networking dind:networking Parked parked 3 hours ago · removed in 7 days ↓ Export Delete',
      'swarm · node1 dind:swarm Running active 4 minutes ago ↓ Export Delete',
      'swarm · node2 dind:swarm@2 Running active 4 minutes ago ↓ Export Delete',
    ]);
    await dialog.locator('[data-testid=environment-delete][data-environment="dind:swarm@2"]').click();
    assert.match(await dialog.getByTestId('environment-confirm').innerText(), /^Delete swarm and both its machines\?/);
    assert.deepEqual(await dialog.locator('[data-testid=environment-row][data-goes]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-environment'))), ['dind:swarm', 'dind:swarm@2'], 'both machines are marked');
    for (const theme of ['light', 'dark'] as const) {
      await instructor.evaluate((value) => (document.documentElement.dataset.theme = value), theme);
      assert.deepEqual(await auditPage(instructor, `environments dialog, parked and a lab (${theme})`), []);
      await instructor.screenshot({ path: screenshotPath(`classroom-environments-parked-${theme}`) });
    }
    await instructor.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    await instructor.keyboard.press('Escape'); // the question
    await instructor.keyboard.press('Escape'); // the dialog
    await dialog.waitFor({ state: 'detached' });
  });

  test('the class page shows the learner’s progress on the class’s lessons', async (t) => {
    const instructor = await signInInstructor(t, browser, platform, instructorView);
    const created = await createClass(instructor, platform, { name: 'Docker basics — Tuesday', expectedLearners: 1 });
    const ada = await newPage(t, browser, adaView);
    await joinClass(ada, platform, created.joinCode, 'Ada Lovelace');
    await openLessonTerminal(ada, platform, slide);
    await solveExitThree(ada);

    await ada.goto(`${platform.url}/class/${created.id}`);
    await ada.getByTestId('progress-containers-101').getByText(`1 / ${exerciseCount} solved`).waitFor();
    assert.equal(await ada.locator('[data-testid=exercise-chip][data-state=passed]').count(), 1);
    await ada.screenshot({ path: screenshotPath('classroom-class-page'), fullPage: true });
  });

  test('a learner’s browser cannot use instructor URLs, even after joining a class', async (t) => {
    const instructor = await signInInstructor(t, browser, platform, instructorView);
    const { id: classId, joinCode } = await createClass(instructor, platform, { name: 'Docker basics — Tuesday', expectedLearners: 1 });
    const grace = await newPage(t, browser, graceView);
    await joinClass(grace, platform, joinCode, 'Grace');

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
