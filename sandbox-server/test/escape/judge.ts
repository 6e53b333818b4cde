import type { ExecResult } from '../../src/engine/driver';
import type { Verdict } from './lab';

/**
 * Reads an attack script's verdict lines (scripts/prelude.sh) and decides:
 *   escaped       the script, or a host-side check, found the attack got what it tried
 *   inconclusive  a positive control failed (so a refusal would prove nothing),
 *                 the script timed out, or it said nothing at all
 *   blocked       every attempt was refused, with the refusals as evidence
 */
export interface ScriptLines {
  escaped: string[];
  blocked: string[];
  notes: string[];
  controls: Map<string, { ok: boolean; detail: string }>;
  /** Other lines (key: value data the attack reads itself). */
  data: string[];
}

export function parseLines(text: string): ScriptLines {
  const lines: ScriptLines = { escaped: [], blocked: [], notes: [], controls: new Map(), data: [] };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^(ESCAPED|BLOCKED|NOTE|CONTROL): (.*)$/.exec(line);
    if (!m) {
      lines.data.push(line);
      continue;
    }
    const [, kind, rest = ''] = m;
    if (kind === 'ESCAPED') lines.escaped.push(rest);
    else if (kind === 'BLOCKED') lines.blocked.push(rest);
    else if (kind === 'NOTE') lines.notes.push(rest);
    else {
      const c = /^(\S+) (ok|FAILED)\b ?(.*)$/.exec(rest);
      if (c) lines.controls.set(c[1]!, { ok: c[2] === 'ok', detail: c[3] ?? '' });
    }
  }
  return lines;
}

/** One value of a `KEY: value` data line, or undefined. */
export function dataValue(lines: ScriptLines, key: string): string | undefined {
  const prefix = `${key}: `;
  return lines.data.find((l) => l.startsWith(prefix))?.slice(prefix.length);
}

export interface JudgeOptions {
  /** Controls the script must report ok. */
  controls?: string[];
  /** Controls checked on the host (e.g. "the host service answers from the host itself"). */
  hostControls?: { name: string; ok: boolean; detail?: string }[];
  /** What host-side checks found the attack achieved (values changed, a neighbour broken…). */
  escapes?: string[];
  /** More evidence of a refusal found on the host. */
  blocked?: string[];
  /** Strings that must never come out of a sandbox (the data folder's canaries). */
  canaries?: { file: string; value: string }[];
  /** The host lacks the thing attacked at all (no SysRq, no module loader): the verdict when nothing escaped. */
  notApplicable?: string | null;
}

export function judge(result: ExecResult | null, options: JudgeOptions = {}): Verdict {
  const text = result ? `${result.stdout}\n${result.stderr}` : '';
  const lines = parseLines(result?.stdout ?? '');
  // A secret seen outside first: it is the strongest evidence.
  const escapes = (options.canaries ?? []).filter((c) => c.value && text.includes(c.value)).map((c) => `the sandbox's output holds the content of the data folder's ${c.file}`);
  escapes.push(...lines.escaped, ...(options.escapes ?? []));
  if (escapes.length > 0) return { outcome: 'escaped', evidence: summarize(escapes) };

  const failed: string[] = [];
  for (const name of options.controls ?? []) {
    const c = lines.controls.get(name);
    if (!c) failed.push(`control ${name} did not report`);
    else if (!c.ok) failed.push(`control ${name} failed: ${c.detail}`);
  }
  for (const c of options.hostControls ?? []) if (!c.ok) failed.push(`host control ${c.name} failed${c.detail ? `: ${c.detail}` : ''}`);
  if (failed.length > 0) return { outcome: 'inconclusive', evidence: summarize(failed) };
  if (result?.timedOut) return { outcome: 'inconclusive', evidence: `the script timed out after ${Math.round(result.durationMs)} ms; last output: ${tail(text)}` };
  if (options.notApplicable) return { outcome: 'not-applicable', evidence: options.notApplicable };

  // The host's summary first (what the table shows), then each refusal the script met.
  const refusals = [...(options.blocked ?? []), ...lines.blocked];
  if (refusals.length === 0) return { outcome: 'inconclusive', evidence: `no verdict from the script (exit ${result?.exitCode}); output: ${tail(text)}` };
  return { outcome: 'blocked', evidence: summarize([...refusals, ...lines.notes.map((n) => `(${n})`)]) };
}

function summarize(items: string[]): string {
  return [...new Set(items)].join('; ');
}

function tail(text: string): string {
  return JSON.stringify(text.trim().slice(-400));
}
