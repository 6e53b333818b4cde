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
 * Audits the page as it is now with axe-core; returns its serious and critical
 * violations, each as the rule and the elements that break it (empty: none).
 * The bundle goes in through the DevTools protocol (page.evaluate of a string),
 * which the site's Content-Security-Policy does not apply to, so the page is
 * audited with its real headers.
 */
export async function auditPage(page: Page, what: string): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const findings = await page.evaluate(async (tags: string[]): Promise<Finding[]> => {
    type AxeResult = { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] };
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResult> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      rule: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      where: v.nodes.slice(0, 5).map((n) => `${n.target.map(String).join(' ')}${n.failureSummary ? `: ${n.failureSummary.replace(/\s+/g, ' ').slice(0, 220)}` : ''}`),
    }));
  }, WCAG_TAGS);
  return findings
    .filter((f) => f.impact === 'serious' || f.impact === 'critical')
    .map((f) => `${what}: ${f.rule} (${f.impact}): ${f.help}\n    ${f.where.join('\n    ')}`);
}

/** Audits each page a test visits and fails once, at the end, with everything found (so one run shows every page's findings). */
export class AccessibilityAudit {
  private readonly found: string[] = [];

  async audit(page: Page, what: string): Promise<void> {
    this.found.push(...(await auditPage(page, what)));
  }

  assertClean(): void {
    assert.deepEqual(this.found, [], 'serious accessibility violations (axe-core, WCAG 2.x A/AA)');
  }
}
