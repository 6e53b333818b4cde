/** One assertion for the grader's table tests: it passes, or it fails with exactly this message. */
export type Case<A> = { a: A; passes: true; found?: never } | { a: A; passes?: never; found: string };

/**
 * The keys of a schema (less the one that names the object) that the cases
 * do not try both ways: each key needs a passing case and a failing one.
 */
export function coverageGaps<A extends object>(keys: string[], subject: string, cases: Case<A>[]): string[] {
  const tried = (passes: boolean) => new Set(cases.filter((c) => Boolean(c.passes) === passes).flatMap((c) => Object.keys(c.a)));
  const [passing, failing] = [tried(true), tried(false)];
  return keys.filter((k) => k !== subject).flatMap((k) => [...(passing.has(k) ? [] : [`${k}: no passing case`]), ...(failing.has(k) ? [] : [`${k}: no failing case`])]);
}
