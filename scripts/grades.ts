/**
 * `npm run grades -- export [--format csv|json]`: every learner's standing on
 * every exercise they attempted or took help on (hints, the solution), from the platform's database
 * (DRYDOCK_DATA_DIR, default ./data), on stdout.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDataDirPath } from '../lib/config/data-dir';
import { Store } from '../lib/store';
import { gradesToCsv, gradesToJson } from '../lib/store/grade-export';
import { isEntryPoint, parseCommandLine } from './lib/cli';

const USAGE = `
usage: npm run grades -- export [--format csv|json]

  export            every learner's standing on every exercise they attempted or took help on, on stdout
  --format <fmt>    csv (default) or json
  -h, --help        this text
`;

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function main(): void {
  const { values, positionals } = parseCommandLine(USAGE, { options: { format: { type: 'string', default: 'csv' } }, allowPositionals: true });
  const [command, ...extra] = positionals;
  if (command !== 'export') usage(command ? `unknown command "${command}"` : 'name a command: export');
  if (extra.length > 0) usage(`unexpected "${extra.join(' ')}"`);
  const format = values.format;
  if (format !== 'csv' && format !== 'json') usage(`--format must be csv or json, not "${format}"`);

  const databasePath = join(resolveDataDirPath(), 'drydock.db');
  if (!existsSync(databasePath)) usage(`no database at ${databasePath}: start the platform once, or set DRYDOCK_DATA_DIR`);
  const store = new Store(databasePath);
  const rows = store.progress.allGrades();
  store.close();
  process.stdout.write(format === 'csv' ? gradesToCsv(rows) : gradesToJson(rows));
}

if (isEntryPoint(import.meta.url)) main();
