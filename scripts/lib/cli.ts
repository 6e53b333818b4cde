import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * Command lines for the scripts: node:util parseArgs, strict, with `--help`
 * (`-h`) added to every command. `--help` prints the usage and exits 0; an
 * unknown flag, a missing value or an unexpected argument prints what was
 * wrong and the usage, and exits 2.
 */
export function parseCommandLine<const T extends ParseArgsConfig>(
  usage: string,
  config: T,
  argv: string[] = process.argv.slice(2),
): ReturnType<typeof parseArgs<T>> {
  const withHelp = { ...config, args: argv, strict: true, options: { ...config.options, help: { type: 'boolean', short: 'h' } } } as const;
  let parsed;
  try {
    parsed = parseArgs(withHelp);
  } catch (error) {
    if (!isParseArgsError(error)) throw error;
    process.stderr.write(`${error.message}\n\n${usage.trim()}\n`);
    process.exit(2);
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage.trim()}\n`);
    process.exit(0);
  }
  return parsed as unknown as ReturnType<typeof parseArgs<T>>;
}

/** parseArgs reports a bad command line with these codes (ERR_PARSE_ARGS_UNKNOWN_OPTION and its kin). */
export function isParseArgsError(error: unknown): error is Error & { code: string } {
  const code: unknown = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** True in the module node was started with (so a script's main() runs when invoked, not when imported). */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === moduleUrl;
  } catch {
    return false;
  }
}

/**
 * A script's entry: when `moduleUrl` is the module node was started with,
 * runs `main` and exits with the code it returns, or with 1 and the reason
 * when it throws. Imported (by a test, another script), it does nothing.
 */
export function runAsScript(moduleUrl: string, name: string, main: () => Promise<number>): void {
  if (!isEntryPoint(moduleUrl)) return;
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`\n[${name}] failed: ${error.message}\n`);
      process.exit(1);
    },
  );
}
