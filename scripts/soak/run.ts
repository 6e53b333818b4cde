/**
 * `npm run soak [-- --minutes 30 --concurrent 4]`: learners arrive, work and
 * leave on one server for a while; then every container, network, volume,
 * disk, loop device, cgroup and server file descriptor must be back to the
 * baseline, and the server's RSS within 10 % of where it settled. Exit code 1
 * when it did not hold. (soak.integration.test.ts runs a 3-minute variant in
 * npm test.)
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAsScript, parseCommandLine } from '../lib/cli';
import { prepareBenchEngine } from '../bench/engine';
import { describeSoak, runSoak } from './soak';

const USAGE = `
usage: npm run soak [-- --minutes M] [-- --concurrent N]

  --minutes M      how long learners keep arriving (default 30)
  --concurrent N   visits under way at once (default 4)
  -h, --help       this text
`;

const log = (message: string): void => void process.stderr.write(`[soak] ${message}\n`);

async function main(): Promise<number> {
  const { values } = parseCommandLine(USAGE, { options: { minutes: { type: 'string', default: '30' }, concurrent: { type: 'string', default: '4' } } });
  const minutes = Number(values.minutes);
  const concurrent = Number(values.concurrent);
  if (!(minutes > 0) || !Number.isInteger(concurrent) || concurrent < 1) {
    process.stderr.write(`--minutes must be above 0 and --concurrent a whole number, 1 or more\n${USAGE}`);
    return 2;
  }
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  await prepareBenchEngine(root, log);
  const report = await runSoak({ minutes, concurrent, root, image: process.env.DRYDOCK_SANDBOX_IMAGE ?? 'drydock/sandbox:latest', log });
  const { text, held } = describeSoak(report, minutes);
  process.stdout.write(text);
  return held ? 0 : 1;
}

runAsScript(import.meta.url, 'soak', main);
