import { cell, ratio, table, type Summary } from '../bench/stats';

export interface LoadResults {
  options: { learners: number; typing: number; flooding: number; ramp: number; seconds: number };
  ramp: { learners: number; allReadyMs: number; readyMs: Summary };
  fill: { learners: number; ms: number };
  density: { sandboxes: number; silent: number; memoryPerSandboxMiB: number };
  echo: { idle: Summary; loaded: Summary };
  server: {
    idleRssMiB: number;
    idleTyping: { cpuCores: number; rssMiB: Summary };
    loaded: { cpuCores: number; rssMiB: Summary };
  };
  flood: { perLearnerMBps: Summary; totalMBps: number };
  dropped: { learner: number; close: string }[];
  crossTalk: { learner: number; saw: number[] }[];
}

/** A figure, or — where there was nothing to measure (a run with no typists has no echo). */
const f = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');
/** How many times the baseline, or — when either side is not a figure. */
const times = (value: number, baseline: number): string => (Number.isFinite(value / baseline) ? `${(value / baseline).toFixed(2)}×` : '—');

/** The printed report: each figure beside its baseline from the same run, then the checks. */
export function loadReport(r: LoadResults): string {
  const { options: o } = r;
  const rows = [
    ['keystroke echo p50 (ms)', f(r.echo.loaded.median, 2), f(r.echo.idle.median, 2), r.echo.loaded.n > 0 && r.echo.idle.n > 0 ? ratio(r.echo.loaded, r.echo.idle) : '—'],
    ['keystroke echo p99 (ms)', f(r.echo.loaded.p99, 2), f(r.echo.idle.p99, 2), times(r.echo.loaded.p99, r.echo.idle.p99)],
    ['keystroke echo, slowest (ms)', f(r.echo.loaded.max, 2), f(r.echo.idle.max, 2), times(r.echo.loaded.max, r.echo.idle.max)],
    ['keystrokes timed', String(r.echo.loaded.n), String(r.echo.idle.n), ''],
    ['server CPU (cores)', f(r.server.loaded.cpuCores, 2), f(r.server.idleTyping.cpuCores, 2), ''],
    ['server RSS, median (max) (MiB)', `${f(r.server.loaded.rssMiB.median)} (${f(r.server.loaded.rssMiB.max)})`, `${f(r.server.idleTyping.rssMiB.median)} (${f(r.server.idleTyping.rssMiB.max)})`, ''],
  ];
  return [
    '',
    `Drydock load run: ${o.learners} learners, ${o.typing} typing, ${o.flooding} flooding, ${o.seconds} s per phase, ${new Date().toISOString()}`,
    '',
    `ramp-up: ${r.ramp.learners} learners arriving at once on a cold server were all at a prompt after ${f(r.ramp.allReadyMs / 1000)} s ` +
      `(each: median ${f(r.ramp.readyMs.median / 1000)} s, slowest ${f(r.ramp.readyMs.max / 1000)} s)`,
    `fill: ${r.fill.learners} more, 6 at a time, in ${f(r.fill.ms / 1000)} s`,
    `density: ${r.density.sandboxes} sandboxes, ${r.density.sandboxes - r.density.silent} answered an echo; ` +
      `${f(r.density.memoryPerSandboxMiB)} MiB of host memory each (MemAvailable before the server and after all arrived, the server included)`,
    '',
    table(['figure', `under load (${o.flooding} flooding)`, 'idle baseline (same typists)', 'ratio'], rows),
    '',
    `server RSS before any learner: ${f(r.server.idleRssMiB)} MiB`,
    `flooders: ${f(r.flood.totalMBps, 2)} MB/s together, ${cell(r.flood.perLearnerMBps)} MB/s each (median, 5th-percentile in brackets is the p95 column)`,
    '',
    `dropped sockets: ${r.dropped.length === 0 ? 'none' : r.dropped.map((d) => `learner ${d.learner} (${d.close})`).join(', ')}`,
    `cross-talk: ${r.crossTalk.length === 0 ? 'none (no learner received another learner\'s marker)' : r.crossTalk.map((c) => `learner ${c.learner} saw ${c.saw.join(', ')}`).join('; ')}`,
    `silent sandboxes: ${r.density.silent === 0 ? 'none' : r.density.silent}`,
    '',
  ].join('\n');
}
