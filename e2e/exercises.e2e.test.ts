import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ROOM_FOR_A_LEARNER_PER_TEST, startPlatformProcess, type RunningPlatform } from './support/platform-process';
import { launchChromium, newPage, screenshotPath, typeInTerminal, waitForTerminal } from './support/browser';
import { EXIT_THREE, LearnersAtPrompt, solveExitThree } from './support/learner';
import { lessons } from '../lib/lesson-format/lesson-library';

/** How many slides Containers 101 has: its last one (the recap) carries the lesson's end. */
function containersLessonSlides(): number {
  const entry = lessons().get('containers-101');
  assert.ok(entry?.ok, 'containers-101 parses');
  return entry.lesson.slides.length;
}

/**
 * Solving an exercise as a learner: fail, solve in the terminal, pass, reload, progress in the catalogue.
 * One platform for the file; every test is a new learner (a browser context of its own; the ones that start on the
 * exercise get it ready-made, at the prompt: onExercise), so each runs alone and in any order.
 */
describe('graded exercises in the browser', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  const { slide, exercisesInLesson: exercises } = EXIT_THREE;

  const view = { viewport: { width: 1400, height: 900 } };
  /** New learners on the exercise's slide, their terminal at the prompt: one for each test. */
  let onExercise: LearnersAtPrompt;
  const newLearnerOnExercise = (t: TestContext): Promise<Page> => onExercise.take(t);
  /** Check on the exercise's slide, with nothing done yet: the first, failing attempt. */
  const failFirstCheck = async (page: Page): Promise<void> => {
    await page.getByTestId('check-button').click();
    await page.getByTestId('check-result').getByText('Not yet (attempt 1)').waitFor();
  };

  before(async () => {
    platform = await startPlatformProcess({ env: ROOM_FOR_A_LEARNER_PER_TEST });
    browser = await launchChromium();
    assert.ok(slide > 0, 'exit-three exercise found');
    onExercise = new LearnersAtPrompt(browser, platform, { view, slide, count: 6 });
  });
  after(async () => {
    await browser?.close();
    assert.deepEqual(await platform?.destroy(), { containers: 0, networks: 0, volumes: 0 });
  });

  test('Check fails with the check’s message before the learner solved it', async (t) => {
    const page = await newLearnerOnExercise(t);
    await page.getByTestId('check-button').click();
    const result = page.getByTestId('check-result');
    await result.getByText('Not yet (attempt 1)').waitFor();
    assert.match(await result.innerText(), /A container named three must have exited with status 3\. — there is no container named three/);
    // The failing check's own hint, keyed to that check, comes with the verdict (the exercise's hints stay hidden).
    assert.match(await result.getByTestId('check-hint').innerText(), /^Hint: docker ps -a shows three's status/);
  });

  test('a verdict with some checks met shows them as met, and how many', async (t) => {
    const page = await newLearnerOnExercise(t);
    await page.getByRole('button', { name: 'Previous slide' }).click(); // counter-logs: a running counter, and one number a second
    const counterSlide = page.locator(`[data-testid=slide][data-slide="${slide - 1}"]`);
    // The container's name is drawn for this learner: read it off the slide, as the learner does.
    const drawn = counterSlide.locator('.learner-value[data-value=counter][data-filled]').first();
    await drawn.waitFor();
    const counter = await drawn.innerText();
    assert.match(counter, /^[a-z]{6}$/);
    await typeInTerminal(page, `docker run -d --name ${counter} busybox sleep 600 >/dev/null; echo started-$((3*3))`);
    await waitForTerminal(page, /^started-9$/m);
    await page.getByTestId('check-button').click();
    const result = page.getByTestId('check-result');
    await result.getByText('Not yet (attempt 1)').waitFor();
    assert.equal(await result.getByTestId('checks-met').innerText(), '1 of 3 met');
    assert.deepEqual(await result.getByTestId('passed-check').allInnerTexts(), [`✓ A running container named ${counter} is needed.`]);
    assert.equal(await result.getByTestId('failed-check').count(), 2);
    await page.screenshot({ path: screenshotPath('exercise-partly-met') });
  });

  test('hints are revealed one at a time', async (t) => {
    const page = await newLearnerOnExercise(t);
    assert.equal(await page.getByTestId('hint').count(), 0);
    await page.getByRole('button', { name: /Show a hint \(1 of/ }).click();
    assert.equal(await page.getByTestId('hint').count(), 1);
    await page.getByRole('button', { name: /Show a hint \(2 of/ }).click();
    assert.equal(await page.getByTestId('hint').count(), 2);
    // The solution is behind its own button, which asks first (the grades record the look).
    await page.getByTestId('show-solution').click();
    assert.match(await page.getByTestId('solution-confirm').innerText(), /Seeing the solution is recorded; your instructor will see it/);
    await page.getByTestId('confirm-solution').click();
    assert.match(await page.getByTestId('solution-code').innerText(), /docker run --name three busybox/);
  });

  test('solved in the terminal, Check passes; after a reload it is still solved', async (t) => {
    const page = await newLearnerOnExercise(t);
    await failFirstCheck(page);

    await typeInTerminal(page, "docker run --name three busybox sh -c 'exit 3'; echo status=$?");
    await waitForTerminal(page, /^status=3$/m);
    await page.getByTestId('check-button').click();
    await page.getByTestId('check-result').getByText('Passed (attempt 2).').waitFor();
    await page.screenshot({ path: screenshotPath('exercise-passed') });
    await page.reload();
    await page.getByTestId('exercise-solved').waitFor();
  });

  test('a learner who kills their Docker engine is told so by the terminal and by Check', async (t) => {
    const page = await newLearnerOnExercise(t);
    await typeInTerminal(page, 'kill -9 $(pidof dockerd)');
    await waitForTerminal(page, /\[drydock\] Your Docker engine \(dockerd\) stopped: killed by signal 9\./);
    await waitForTerminal(page, /\[drydock\] {3}dockerd >>\/var\/log\/dockerd\.log 2>&1 &/);
    // The header no longer says "Sandbox ready" in green.
    const status = page.getByTestId('terminal-status');
    await page.locator('[data-testid=terminal-status][data-state=engine-stopped]').waitFor();
    assert.equal(await status.innerText(), 'Docker engine stopped: start it with dockerd, or Reset');
    await page.screenshot({ path: screenshotPath('terminal-engine-stopped') });
    await page.getByTestId('check-button').click();
    const problem = page.getByTestId('check-result').getByTestId('engine-problem');
    await problem.waitFor();
    assert.match(await problem.innerText(), /^Your sandbox's Docker engine is not answering, so the checks that need it cannot pass .*or press Reset for a fresh sandbox\.$/s);
    // Said once: the failed check shows what it asks for, without the engine's story again or a hint about the exercise.
    assert.equal(await page.getByTestId('failed-check').innerText(), 'A container named three must have exited with status 3.');
    assert.equal(await page.getByTestId('check-hint').count(), 0);
    await page.screenshot({ path: screenshotPath('exercise-engine-stopped') });

    // Started again by hand, as both messages say: the next prompt puts the header back to ready.
    await typeInTerminal(page, 'dockerd >>/var/log/dockerd.log 2>&1 &');
    await typeInTerminal(page, 'until docker info >/dev/null 2>&1; do sleep 0.2; done; echo engine-$((40+2))');
    await waitForTerminal(page, /^engine-42$/m);
    await page.locator('[data-testid=terminal-status][data-state=ready]').waitFor();
  });

  test('the lesson’s end leads on, the catalogue shows the progress, and a reopened lesson resumes on the last slide seen', async (t) => {
    const page = await newLearnerOnExercise(t);
    await solveExitThree(page); // on the exercise's slide, the last one this learner saw

    // The lesson's last slide (its recap, after exit-three) says how much is solved and leads on to the next lesson in the course.
    const lastSlide = containersLessonSlides();
    assert.equal(lastSlide, slide + 1, 'the recap follows exit-three');
    await page.getByRole('button', { name: 'Next slide' }).click();
    await page.locator(`[data-testid=slide][data-slide="${lastSlide}"]`).waitFor();
    const end = page.getByTestId('lesson-end');
    await end.getByTestId('lesson-end-solved').getByText(`1 of ${exercises} exercises solved`).waitFor();
    const course = lessons().inCourseOrder();
    const next = course[course.findIndex((l) => l.id === 'containers-101') + 1]!;
    assert.ok(next.ok, `${next.id} parses`);
    assert.equal(await end.getByTestId('next-lesson').innerText(), `Next lesson: ${next.lesson.manifest.title} →`);
    assert.equal(await end.getByTestId('next-lesson').getAttribute('href'), `/lessons/${next.id}`);
    await page.screenshot({ path: screenshotPath('lesson-end') });

    await page.goto(platform.url);
    const badge = page.getByTestId('progress-containers-101');
    await badge.getByText(`1 / ${exercises} solved`).waitFor();
    // The Continue card leads back into the unfinished lesson.
    const card = page.getByTestId('continue-card');
    assert.equal(await card.getAttribute('data-kind'), 'continue');
    assert.match(await card.innerText(), new RegExp(`Continue where you left off\\s+Containers 101\\s+1 of ${exercises} exercises solved`, "i")); // the label is uppercased by CSS
    await page.screenshot({ path: screenshotPath('catalogue-progress') });
    await page.goto(`${platform.url}/lessons/containers-101`);
    await page.locator(`[data-testid=slide][data-slide="${lastSlide}"]`).waitFor();
  });

  test('the API decides: no way to report a pass, foreign origins and unknown exercises refused', async (t) => {
    const page = await newPage(t, browser, view);
    await page.goto(platform.url); // the first visit gives the browser its learner cookie
    const cookie = (await page.context().cookies()).find((c) => c.name === 'drydock_learner')!;
    const headers = { cookie: `drydock_learner=${cookie.value}` };
    // /api/progress is read-only: a POST is refused as a method the route does not have.
    const forged = await fetch(`${platform.url}/api/progress`, { method: 'POST', headers: { ...headers, origin: platform.url }, body: '{"passed":true}' });
    assert.equal(forged.status, 405);
    assert.equal(forged.headers.get('allow'), 'GET');
    const foreign = await fetch(`${platform.url}/api/lessons/containers-101/exercises/exit-three/check`, { method: 'POST', headers: { ...headers, origin: 'http://evil.example' } });
    assert.equal(foreign.status, 403);
    const unknown = await fetch(`${platform.url}/api/lessons/containers-101/exercises/nope/check`, { method: 'POST', headers: { ...headers, origin: platform.url } });
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as { error: string }).error, /no exercise "nope"/);
  });
});
