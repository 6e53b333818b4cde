import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { RunningPlatform } from './platform-process';
import { newPage } from './browser';

/**
 * The instructor's side of a class, as fixtures, so that a test signs in and
 * makes the class it needs itself instead of using what an earlier test made.
 * Sign-in and class creation go through the same HTTP routes the pages use
 * (the sign-in form's POST, the create-class API); the tests that are about
 * those forms drive the forms themselves.
 */

/** A class as the create-class API returns it (the fields the tests use). */
export interface CreatedClass {
  id: string;
  joinCode: string;
  name: string;
}

/** A class of containers-101, for 60 minutes. Each expected learner gets a warm sandbox (started in the background). */
export interface NewClass {
  name: string;
  expectedLearners: number;
}

/** The secret the platform's first start printed (once) in its log. */
export function instructorSecret(platform: RunningPlatform): string {
  const secret = /instructor secret \(shown only this once; keep it\): (\S+)/.exec(platform.log())?.[1];
  assert.ok(secret, `no instructor secret in the log:\n${platform.log()}`);
  return secret;
}

/**
 * Signs the browser context in as the instructor: the sign-in form's POST
 * from that context, so the server sets its own cookie there.
 */
export async function signIn(context: BrowserContext, platform: RunningPlatform): Promise<void> {
  const response = await context.request.post(`${platform.url}/instructor/login`, {
    form: { secret: instructorSecret(platform), next: '/instructor' },
    headers: { origin: platform.url },
    maxRedirects: 0,
  });
  // Signed in, the form's POST redirects to `next`; refused, back to the form with an error.
  assert.equal(response.headers().location, '/instructor', `sign-in answered ${response.status()} to ${response.headers().location}`);
  const cookie = (await context.cookies()).find((c) => c.name === 'drydock_instructor');
  assert.ok(cookie, 'the sign-in set the instructor cookie');
}

/** A page in a browser context of the test's own, signed in as the instructor. */
export async function signInInstructor(t: TestContext, browser: Browser, platform: RunningPlatform, options: BrowserContextOptions = {}): Promise<Page> {
  const page = await newPage(t, browser, options);
  await signIn(page.context(), platform);
  return page;
}

/** Creates a class through the instructor API, with the signed-in page's cookie. */
export async function createClass(instructor: Page, platform: RunningPlatform, spec: NewClass): Promise<CreatedClass> {
  const response = await instructor.context().request.post(`${platform.url}/api/instructor/classes`, {
    data: { name: spec.name, lessonIds: ['containers-101'], durationMinutes: 60, expectedLearners: spec.expectedLearners },
    headers: { origin: platform.url },
  });
  assert.equal(response.status(), 201, `creating the class answered ${response.status()}: ${await response.text()}`);
  const { class: created } = (await response.json()) as { class: CreatedClass };
  return created;
}

/** Opens the class's dashboard and waits until its live event stream is connected. */
export async function openDashboard(instructor: Page, platform: RunningPlatform, classId: string): Promise<void> {
  await instructor.goto(`${platform.url}/instructor/classes/${classId}`);
  await instructor.locator('[data-testid=live-indicator][data-live=live]').waitFor();
}

/**
 * Waits until the class is ready (its registry mirror up, then its warm
 * sandboxes started; or either failed, or off), as an instructor who creates
 * the class before the learners arrive would: a learner who opens a terminal
 * then finds the class as a class in session has it.
 */
export async function waitUntilClassReady(instructor: Page, platform: RunningPlatform, classId: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let state = '';
  while (Date.now() < deadline) {
    const runtime = (await (await instructor.context().request.get(`${platform.url}/api/instructor/classes/${classId}/runtime`)).json()) as {
      registry: { state: string };
      warm: { state: string };
    };
    state = `registry ${runtime.registry.state}, warm sandboxes ${runtime.warm.state}`;
    // The mirror comes first, then the warm pool fills; "off" once the mirror is up means no warm pool.
    if (['ready', 'failed'].includes(runtime.warm.state) || (runtime.warm.state === 'off' && runtime.registry.state !== 'starting')) return;
    await instructor.waitForTimeout(250);
  }
  assert.fail(`the class was still getting ready after ${timeoutMs} ms (${state})`);
}
