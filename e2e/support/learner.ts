import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { loadLesson } from '../../lib/lesson-format/loader';
import type { RunningPlatform } from './platform-process';
import { typeInTerminal, waitForTerminal } from './browser';

/**
 * A learner's preconditions, as fixtures: joining a class and solving an
 * exercise, each in the learner's own browser context (their own cookie).
 * The tests that are about the join form or about solving drive the page
 * themselves; these are for the tests that only need it done.
 */

const containers101 = loadLesson('containers-101');
if (!containers101?.ok) throw new Error('containers-101 must parse');

/** The exercise the e2e tests solve: `docker run --name three busybox sh -c 'exit 3'`. */
export const EXIT_THREE = {
  /** Its slide, 1-based as in the URL. */
  slide: containers101.lesson.slides.findIndex((s) => s.exercise?.id === 'exit-three') + 1,
  /** How many exercises its lesson has (the progress badges say "n / this"). */
  exercisesInLesson: containers101.lesson.slides.filter((s) => s.exercise).length,
  solution: "docker run --name three busybox sh -c 'exit 3'; echo status=$?",
} as const;

/**
 * Joins a class as `displayName` through the join API, from the page's
 * browser context (so the page is that member); returns the class id.
 */
export async function joinClass(page: Page, platform: RunningPlatform, joinCode: string, displayName: string): Promise<string> {
  const response = await page.context().request.post(`${platform.url}/api/classes/join`, {
    data: { code: joinCode, displayName },
    headers: { origin: platform.url },
  });
  assert.equal(response.status(), 200, `joining answered ${response.status()}: ${await response.text()}`);
  return ((await response.json()) as { classId: string }).classId;
}

/** Opens containers-101 on a slide and waits for the sandbox's prompt (one cold boot: 90 s is ample). */
export async function openLessonTerminal(page: Page, platform: RunningPlatform, slide = 1, timeoutMs = 90_000): Promise<void> {
  await page.goto(`${platform.url}/lessons/containers-101#${slide}`);
  await waitForTerminal(page, /root@sandbox:~#/, timeoutMs);
}

/**
 * How long a learner of a batch that boots together may wait for the prompt.
 * Nine cold boots on two cores took 32-38 s to their engine and some over
 * 90 s to their prompt in a fresh-clone CI run (2026-12-01); the entrypoint
 * itself waits up to 120 s for the engine and the server's probe 180 s.
 */
const BATCH_PROMPT_TIMEOUT_MS = 180_000;

/** Solves exit-three in the terminal and waits for Check to say it passed (the page is on its slide, at the prompt). */
export async function solveExitThree(page: Page): Promise<void> {
  await typeInTerminal(page, EXIT_THREE.solution);
  await waitForTerminal(page, /^status=3$/m);
  await page.getByTestId('check-button').click();
  await page.getByTestId('check-result').getByText(/^Passed \(attempt \d+\)\./).waitFor();
}

/**
 * New learners at their terminal's prompt, for the tests of a file that start
 * from one: the first test to take one makes `count` side by side (sandboxes
 * booting together take about half as long as one after another), and waits
 * for all, so that none boots under a later test. Each learner is taken by one
 * test, which its browser context then belongs to (closed when the test ends);
 * none is shared. A test that finds none left makes its own.
 */
export class LearnersAtPrompt {
  private waiting: Promise<{ page: Page; errors: string[] }>[] | null = null;

  constructor(
    private readonly browser: Browser,
    private readonly platform: RunningPlatform,
    private readonly options: { view: BrowserContextOptions; slide: number; count: number },
  ) {}

  /** A learner at the prompt for this test: its context closes when the test ends; a script error on its page fails the test. */
  async take(t: TestContext): Promise<Page> {
    if (!this.waiting) {
      this.waiting = Array.from({ length: this.options.count }, () => this.make());
      await Promise.all(this.waiting);
    }
    const { page, errors } = await (this.waiting.shift() ?? this.make());
    t.after(() => page.context().close());
    assert.deepEqual(errors, [], 'no page error while the learner waited');
    page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
    return page;
  }

  private async make(): Promise<{ page: Page; errors: string[] }> {
    const page = await (await this.browser.newContext(this.options.view)).newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await openLessonTerminal(page, this.platform, this.options.slide, BATCH_PROMPT_TIMEOUT_MS);
    return { page, errors };
  }
}
