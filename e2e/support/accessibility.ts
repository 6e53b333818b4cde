import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** axe-core's browser bundle, read once. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The rule sets audited: WCAG 2.0, 2.1 and 2.2 at levels A and AA (colour contrast 4.5:1 among them). */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

interface Finding {
  rule: string;
  impact: string;
  help: string;
  where: string[];
}

/**
 * Audits the page as it is now with axe-core and fails on any serious or
 * critical violation, naming each rule and the elements that break it. The
 * bundle goes in through the DevTools protocol (page.evaluate of a string),
 * which the site's Content-Security-Policy does not apply to, so the page is
 * audited with its real headers.
 */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const findings = await page.evaluate(async (tags: string[]): Promise<Finding[]> => {
    type AxeResult = { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] };
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResult> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      rule: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      where: v.nodes.slice(0, 5).map((n) => `${n.target.map(String).join(' ')}${n.failureSummary ? `: ${n.failureSummary.replace(/\s+/g, ' ').slice(0, 200)}` : ''}`),
    }));
  }, WCAG_TAGS);
  const serious = findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
  assert.deepEqual(
    serious.map((f) => `${f.rule} (${f.impact}): ${f.help}\n    ${f.where.join('\n    ')}`),
    [],
    `${what}: serious accessibility violations (axe-core, WCAG 2.x A/AA)`,
  );
}
