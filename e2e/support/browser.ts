import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from './chromium';

export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('e2e tests need Chromium: sudo apt-get install -y chromium (or set CHROMIUM_PATH)');
  // Playwright gives each launch a fresh, empty profile of its own.
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/** A browser context of the test's own (its own cookies and storage, so a new learner), closed when the test ends. */
export async function newContext(t: TestContext, browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  t.after(() => context.close());
  return context;
}

/** A page in a browser context of the test's own (newContext); a script error on the page fails the test. */
export async function newPage(t: TestContext, browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const page = await (await newContext(t, browser, options)).newPage();
  page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
  return page;
}

/** The terminal's visible text, read from xterm's DOM renderer (rows joined by newlines). */
export async function terminalText(page: Page): Promise<string> {
  const rows = await page.locator('.xterm-rows > div').allInnerTexts();
  return rows.map((r) => r.replace(/\u00a0/g, ' ').trimEnd()).join('\n');
}

export async function waitForTerminal(page: Page, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await terminalText(page);
    if (pattern.test(text)) return text;
    await page.waitForTimeout(50);
  }
  assert.fail(`terminal never showed ${pattern} within ${timeoutMs} ms; it shows:\n${text}`);
}

/** The last non-empty line of the terminal is a fresh prompt. */
export const PROMPT_AT_END = /root@sandbox:~# *$/;

export async function lastLine(page: Page): Promise<string> {
  const lines = (await terminalText(page)).split('\n').filter((l) => l.trim() !== '');
  return lines.at(-1) ?? '';
}

export async function typeInTerminal(page: Page, text: string): Promise<void> {
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

export function screenshotPath(name: string): string {
  const dir = join(process.cwd(), 'test-results');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}
