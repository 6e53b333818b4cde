import type { z } from 'zod';

/**
 * Reads the settings a schema names from the environment: each key of the
 * schema is a variable name, an empty value counts as unset (the default
 * applies), and a bad value stops the start with the variable's name.
 */
export function readEnvSettings<T extends z.ZodObject>(schema: T, env: Readonly<Record<string, string | undefined>>): z.output<T> {
  const picked = Object.fromEntries(Object.keys(schema.shape).map((name) => [name, env[name] || undefined]));
  const parsed = schema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}
