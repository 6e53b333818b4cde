import type { VerdictCheck } from '../../protocol/http/check';

/** How the failed checks of a verdict are shown. */
export type FailureView = { kind: 'single'; check: VerdictCheck } | { kind: 'shared'; found: string; checks: VerdictCheck[] };

/**
 * Failed checks that found the same thing ("there is no image webserver:1.0")
 * are shown once, with the requirements it blocks listed under it, instead of
 * repeating the finding (and hints about an image that does not exist yet) on
 * every line. Order follows the first check of each group.
 */
export function groupFailures(checks: readonly VerdictCheck[]): FailureView[] {
  const failed = checks.filter((c) => !c.passed);
  const shared = new Map<string, VerdictCheck[]>();
  for (const check of failed) {
    if (!check.found || check.details || !check.fail) continue;
    shared.set(check.found, [...(shared.get(check.found) ?? []), check]);
  }
  const views: FailureView[] = [];
  const placed = new Set<string>();
  for (const check of failed) {
    const group = check.found ? shared.get(check.found) : undefined;
    if (group && group.length > 1 && check.found) {
      if (!placed.has(check.found)) views.push({ kind: 'shared', found: check.found, checks: group });
      placed.add(check.found);
    } else {
      views.push({ kind: 'single', check });
    }
  }
  return views;
}
