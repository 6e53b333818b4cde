/**
 * `npm run escape-report`: runs the escape suite (sandbox-server/test/escape/)
 * in both isolation tiers and prints a markdown table, attack × tier →
 * blocked / ESCAPED with short evidence. Not a test: the capability tier is
 * expected to fail many. The hardened tier runs on Drydock's own engine
 * (started if needed), the capability tier on the operator's engine.
 *
 * Flags: see USAGE below (or --help).
 *
 * Needs root (the hardened tier mounts disks and hands out cgroups; some
 * controls run as the remapped uid) and the images (built if missing).
 */
import Docker from 'dockerode';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attacksInOrder, runAttack, type Attack } from '../sandbox-server/test/escape/attacks';
import { EscapeLab, type Verdict } from '../sandbox-server/test/escape/lab';
import { HARDENED_ENGINE_SOCKET, type IsolationTier } from '../sandbox-server/src/engine/docker/isolation/tier';
import { isEntryPoint, parseCommandLine } from './lib/cli';
import { ensureAllImages } from './lib/images';

const USAGE = `
usage: npm run escape-report -- [--tier userns|capability|both] [--only <id,id>] [--full]

  --tier <tier>   the isolation tier(s) to attack (default both)
  --only <ids>    only these attacks (comma-separated ids)
  --full          full evidence under the table
  -h, --help      this text

Needs root and the images (built if missing).
`;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OPERATOR_SOCKET = '/var/run/docker.sock';
const TIERS: Record<string, IsolationTier[]> = { both: ['userns', 'capability'], userns: ['userns'], capability: ['capability'] };

const log = (m: string): void => void process.stderr.write(`[escape] ${m}\n`);

async function main(): Promise<void> {
  const { values } = parseCommandLine(USAGE, {
    options: { tier: { type: 'string', default: 'both' }, only: { type: 'string' }, full: { type: 'boolean', default: false } },
  });
  const tiers = TIERS[values.tier];
  if (!tiers) {
    console.error(`--tier must be userns, capability or both, not "${values.tier}"\n${USAGE}`);
    process.exit(2);
  }
  if (process.getuid?.() !== 0) throw new Error('run it as root: the hardened tier mounts a disk per sandbox, and some controls switch to the remapped uid');
  const only = values.only?.split(',');
  const attacks = attacksInOrder().filter((a) => !only || only.includes(a.id));
  if (attacks.length === 0) throw new Error(`no attack matches --only ${only?.join(',')}`);

  if (tiers.includes('userns')) {
    const started = spawnSync('bash', [join(root, 'scripts', 'engine', 'drydock-engine.sh'), 'start'], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (started.status !== 0) throw new Error("Drydock's engine did not start (its message above)");
  }
  let image = process.env.DRYDOCK_SANDBOX_IMAGE;
  if (!image) {
    const env = { ...process.env, DOCKER_HOST: `unix://${OPERATOR_SOCKET}`, ...(tiers.includes('userns') ? { DRYDOCK_IMAGES_TARGET: `unix://${HARDENED_ENGINE_SOCKET}` } : {}) };
    image = (await ensureAllImages(root, env)).sandbox;
  }

  const results = new Map<string, Map<IsolationTier, Verdict>>();
  const timings: string[] = [];
  for (const tier of tiers) {
    const docker = new Docker({ socketPath: tier === 'userns' ? HARDENED_ENGINE_SOCKET : OPERATOR_SOCKET });
    const started = Date.now();
    log(`${tier} tier: starting the lab (attacker, neighbour, victim)`);
    const lab = await EscapeLab.open({ tier, docker, image, serverId: `escape-${tier}-${randomBytes(3).toString('hex')}`, log });
    try {
      for (const attack of attacks) {
        const t = Date.now();
        const found = await runAttack(lab, attack);
        // The lab's data folder has a random name: DATA stands for it.
        const verdict = { ...found, evidence: found.evidence.replaceAll(lab.host.dataDir, 'DATA') };
        log(`${tier} ${attack.id}: ${verdict.outcome} (${((Date.now() - t) / 1000).toFixed(1)} s) ${verdict.evidence.slice(0, 160)}`);
        if (!results.has(attack.id)) results.set(attack.id, new Map());
        results.get(attack.id)!.set(tier, verdict);
      }
    } finally {
      await lab.close();
    }
    timings.push(`${tier} ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  process.stdout.write(table(attacks, tiers, results));
  process.stdout.write(`\n${attacks.length} attacks; ${timings.join(', ')}; sandbox image ${image}.\n`);
  if (values.full) {
    for (const attack of attacks) {
      for (const tier of tiers) process.stdout.write(`\n- **${attack.id}** (${tier}): ${results.get(attack.id)?.get(tier)?.evidence}\n`);
    }
  }
}

const LABEL: Record<Verdict['outcome'], string> = { blocked: 'blocked', escaped: '**ESCAPED**', inconclusive: 'inconclusive', 'not-applicable': 'n/a' };

function table(attacks: Attack[], tiers: IsolationTier[], results: Map<string, Map<IsolationTier, Verdict>>): string {
  const names: Record<IsolationTier, string> = { userns: 'hardened (userns, default)', capability: 'capability (opt-in)' };
  const rows = [`| attack | route | ${tiers.map((t) => names[t]).join(' | ')} |`, `|---|---|${tiers.map(() => '---|').join('')}`];
  for (const attack of attacks) {
    const cells = tiers.map((tier) => {
      const v = results.get(attack.id)?.get(tier);
      return v ? `${LABEL[v.outcome]}: ${short(v)}` : '';
    });
    rows.push(`| \`${attack.id}\` | ${cell(attack.route)} | ${cells.join(' | ')} |`);
  }
  return `${rows.join('\n')}\n`;
}

/** The first piece of evidence, shortened for a table cell. */
function short(v: Verdict): string {
  const parts = v.evidence.split('; ').filter((p) => !p.startsWith('('));
  const first = parts[0] ?? v.evidence;
  const more = parts.length > 1 ? ` (+${parts.length - 1})` : '';
  return cell(first.length > 110 ? `${first.slice(0, 107)}…` : first) + more;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

if (isEntryPoint(import.meta.url)) {
  main().catch((error: Error) => {
    console.error(`[escape] ${error.message}`);
    process.exit(1);
  });
}
