import type { DockerCheck } from '../../../lib/lesson-format/schema';

/** One Docker-state assertion of a lesson (a container, an image, a volume, a network or a manifest). */
export type Assertion = DockerCheck['docker'];

/** The verdict on one assertion, with what was found (shown to the learner and kept as evidence). */
export interface AssertionResult {
  passed: boolean;
  found: string;
}

/** Each entry is [met?, "X should …; it …"]: what was expected, in the words the learner sees when it is not met. */
export type Expectations = [boolean, string][];

/** The first unmet expectation, or null. */
export function firstFailure(expectations: Expectations): string | null {
  return expectations.find(([met]) => !met)?.[1] ?? null;
}

/** The verdict on a list of expectations: the first unmet one, else "<what> is as expected". */
export function verdict(expectations: Expectations, what: string): AssertionResult {
  const failure = firstFailure(expectations);
  return { passed: failure === null, found: failure ?? `${what} is as expected` };
}

export const clip = (text: string, max = 100): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** "linux/arm64" also matches an image for linux/arm64/v8; a variant, when asked for, must match. */
export const platformMatches = (wanted: string, actual: string): boolean => actual === wanted || (wanted.split('/').length === 2 && actual.startsWith(`${wanted}/`));
