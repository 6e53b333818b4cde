/**
 * `npm run grades -- export [--format csv|json]`: every learner's standing on
 * every exercise they attempted, from the platform's database
 * (DRYDOCK_DATA_DIR, default ./data), on stdout.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDataDirPath } from '../lib/config/data-dir';
import { Store } from '../lib/store';
import { gradesToCsv, gradesToJson } from '../lib/store/grade-export';

function usage(message?: string): never {
  if (message) console.error(message);
  console.error('usage: npm run grades -- export [--format csv|json]');
  process.exit(2);
}

const [command, ...rest] = process.argv.slice(2);
if (command !== 'export') usage(command ? `unknown command "${command}"` : undefined);
const formatAt = rest.indexOf('--format');
const format = formatAt >= 0 ? rest[formatAt + 1] : 'csv';
if (format !== 'csv' && format !== 'json') usage(`--format must be csv or json, not "${format}"`);

const databasePath = join(resolveDataDirPath(), 'drydock.db');
if (!existsSync(databasePath)) usage(`no database at ${databasePath}: start the platform once, or set DRYDOCK_DATA_DIR`);
const store = new Store(databasePath);
const rows = store.progress.allGrades();
store.close();
process.stdout.write(format === 'csv' ? gradesToCsv(rows) : gradesToJson(rows));
