import type { TerminalSize } from '../../protocol';
import { parseCommandLine } from '../lib/cli';

export const USAGE = `
usage: npm run bench [-- --quick] [-- --json]

  --quick      fewer iterations (a few minutes)
  --json       the figures and every sample as JSON on stdout (progress stays on stderr)
  -h, --help   this text

environment: DRYDOCK_SANDBOX_IMAGE (default drydock/sandbox:latest),
             DRYDOCK_BENCH_SERVER_NODE_ARGS (node flags for the server process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof")
`;

/** How many samples each figure takes. */
export interface BenchParams {
  firstPrompt: number;
  plainBash: number;
  warmup: number;
  echoSamples: number;
  echoWarmup: number;
  throughputRuns: number;
  throughputBytes: number;
  gradeSamples: number;
  warmPoolSamples: number;
  tierSamples: number;
}

const QUICK: BenchParams = { firstPrompt: 3, plainBash: 5, warmup: 1, echoSamples: 100, echoWarmup: 10, throughputRuns: 3, throughputBytes: 20_000_000, gradeSamples: 10, warmPoolSamples: 3, tierSamples: 3 };
const FULL: BenchParams = { firstPrompt: 8, plainBash: 10, warmup: 1, echoSamples: 200, echoWarmup: 20, throughputRuns: 5, throughputBytes: 50_000_000, gradeSamples: 30, warmPoolSamples: 5, tierSamples: 5 };

export interface BenchOptions {
  quick: boolean;
  json: boolean;
  params: BenchParams;
}

export function parseBenchOptions(argv: string[] = process.argv.slice(2)): BenchOptions {
  const { values } = parseCommandLine(USAGE, { options: { quick: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } } }, argv);
  return { quick: values.quick, json: values.json, params: values.quick ? QUICK : FULL };
}

export const LESSON_PATH = '/lessons/containers-101';
/** The environment of the lesson the bench's learners open (protocol/environment.ts): what its page's terminal asks for. */
export const PROFILE = 'dind:containers-101';
export const PLAIN_IMAGE = 'debian:trixie-slim';
/** Wide enough that the throughput command never wraps. */
export const SIZE: TerminalSize = { cols: 200, rows: 50 };
export const PROMPT_TIMEOUT_MS = 60_000;
/** Every container the run creates outside a driver carries this label, with the run id as its value. */
export const RUN_LABEL = 'drydock.bench';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
