import { z } from 'zod';

/**
 * The one reader of settings from the environment. A schema names the
 * variables (each key is a variable name); an empty value counts as unset (the
 * default applies); a bad value stops the start with a sentence that names the
 * variable, says what it must be, and what it was:
 * `DRYDOCK_MAX_SANDBOXES must be a whole number, 1 or more, got "0"`.
 */
export function readEnvSettings<T extends z.ZodObject>(schema: T, env: Readonly<Record<string, string | undefined>>): z.output<T> {
  const picked = Object.fromEntries(Object.keys(schema.shape).map((name) => [name, env[name] || undefined]));
  const parsed = schema.safeParse(picked, { error: mustBe });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = issue.path.join('.');
    throw new Error(`${name} ${issue.message}, got "${env[name]}"`);
  }
  return parsed.data;
}

/** A count: a whole number, `min` or more (and at most `max`). */
export function wholeNumber(min: number, max?: number) {
  const message = `must be a whole number, ${min} or more${max === undefined ? '' : `, at most ${max}`}`;
  const count = z.coerce.number({ error: message }).int(message).min(min, message);
  return max === undefined ? count : count.max(max, message);
}

/** A quantity above zero, fractions allowed (CPUs, minutes). */
export function positiveNumber() {
  const message = 'must be a positive number';
  return z.coerce.number({ error: message }).positive(message);
}

/** Zod's default messages, phrased to follow the variable's name ("X must be …"), for schemas that give none. */
function mustBe(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string') return `must be at least ${issue.minimum} characters`;
      return `must be ${issue.inclusive ? `${issue.minimum} or more` : `more than ${issue.minimum}`}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      return `must be ${issue.inclusive ? `${issue.maximum} or less` : `less than ${issue.maximum}`}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_type':
      return issue.expected === 'int' ? 'must be a whole number' : `must be a ${issue.expected}`;
    default:
      return undefined;
  }
}
