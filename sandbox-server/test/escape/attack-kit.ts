import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { promisify } from 'node:util';
import type { ExecResult } from '../../src/engine/driver';
import { judge, parseLines, dataValue } from './judge';
import { sleep, type EscapeLab, type LabSandbox, type Verdict } from './lab';

export const run = promisify(execFile);

/**
 * The escape suite: every route out of a sandbox that the audit named (and
 * the ones found on the way), defined once. Each attack runs as root in a
 * sandbox the way a learner's terminal would (a bash script on stdin), plus
 * whatever it needs on the host (a listener, a neighbour, a cgroup reading),
 * and a positive control wherever one makes sense, so that "blocked" means
 * blocked, not broken. escape.integration.test.ts asserts the hardened tier
 * blocks every one; scripts/escape-report.ts runs them in both tiers.
 *
 * Stages: `shared` attacks run from the attacker sandbox and cannot disturb
 * one another; `victim` attacks are destructive (disk, memory, pids, CPU) and
 * run last, in order, in a sandbox of their own with small limits; `host`
 * attacks run no sandbox code.
 */
export interface Attack {
  id: string;
  /** The route it tries, for people. */
  route: string;
  stage: 'shared' | 'victim' | 'host';
  run(lab: EscapeLab): Promise<Verdict>;
}

/** An attack script: the shared prelude, then files written by heredoc, then the script itself. */
export function script(name: string, files: Record<string, string> = {}): string {
  const parts = [load('prelude.sh'), load('net-lib.sh')];
  for (const [path, content] of Object.entries(files)) parts.push(`cat >'${path}' <<'DRYDOCK_FILE_END'\n${content}\nDRYDOCK_FILE_END`);
  parts.push(load(name));
  return parts.join('\n');
}

export function load(name: string): string {
  return readFileSync(new URL(`./scripts/${name}`, import.meta.url), 'utf8');
}

/** Runs an attack; an exception is an inconclusive verdict with its message, never a pass. */
export async function runAttack(lab: EscapeLab, attack: Attack): Promise<Verdict> {
  try {
    return await attack.run(lab);
  } catch (error) {
    return { outcome: 'inconclusive', evidence: `the attack itself failed: ${(error as Error).stack ?? error}` };
  }
}

// ---------------------------------------------------------------- helpers

export async function fetchText(url: string): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    return await res.text();
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

/** Host values of files (sysctls, /sys knobs), to compare before and after an attack. */
export function readValues(paths: string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const p of paths) {
    try {
      values.set(p, readFileSync(p, 'utf8'));
    } catch {
      // not readable: nothing to compare
    }
  }
  return values;
}

/** Paths whose value changed; each is put back. */
export function changedValues(before: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [path, value] of before) {
    let now: string;
    try {
      now = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    if (now !== value) {
      changed.push(`${path} changed on the host from ${JSON.stringify(value.trim())} to ${JSON.stringify(now.trim())}`);
      try {
        writeFileSync(path, bracketed(value));
      } catch {
        // could not restore; the evidence says what changed
      }
    }
  }
  return changed;
}

/** "always [madvise] never" → "madvise": the value a selection knob takes. */
export function bracketed(value: string): string {
  return /\[([^\]]+)\]/.exec(value)?.[1] ?? value.trim();
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The cgroup paths of a host process, per hierarchy ("pids" → "/docker/…"). */
export function cgroupPaths(pid: number): Map<string, string> {
  const paths = new Map<string, string>();
  for (const line of readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (m) paths.set(m[1]!, m[2]!);
  }
  return paths;
}

/** Host pids whose command line is exactly these words. */
export function pidsWithCmdline(words: string[]): number[] {
  const wanted = `${words.join('\0')}\0`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8') === wanted) found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}

export function oomKills(lab: EscapeLab, sandbox: LabSandbox): number {
  const control = lab.cgroupFile(sandbox, 'memory.oom_control') ?? lab.cgroupFile(sandbox, 'memory.events') ?? '';
  return Number(/^oom_kill (\d+)/m.exec(control)?.[1] ?? 0);
}

export function hostDmesg(): string {
  return spawnSync('dmesg', [], { encoding: 'utf8' }).stdout ?? '';
}

/** The keys line of a host uid in /proc/key-users ("1073741824: 5 5/5 5/20000 350/2000000"). */
export function keyUsers(uid: number): string {
  const line = readFileSync('/proc/key-users', 'utf8').split('\n').find((l) => l.trim().startsWith(`${uid}:`));
  return line ? line.trim().replace(/\s+/g, ' ') : `no keys for uid ${uid}`;
}

export const mib = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MiB`;

export async function execScript(lab: EscapeLab, sandbox: LabSandbox, name: string, env: Record<string, string> = {}, timeoutMs = 90_000, files: Record<string, string> = {}): Promise<ExecResult> {
  return lab.exec(sandbox, script(name, files), { env, timeoutMs });
}

/** A sysctl attack: write each host-wide knob with its own value; the host checks none changed. */
export function sysctlAttack(id: string, route: string, keys: string[], missing: string): Attack {
  return {
    id,
    route,
    stage: 'shared',
    async run(lab) {
      const present = keys.filter((k) => existsSync(`/proc/sys/${k}`));
      const before = readValues(present.map((k) => `/proc/sys/${k}`));
      const r = present.length > 0 ? await execScript(lab, lab.attacker, 'proc-sysctl.sh', { DRYDOCK_SYSCTLS: present.join(' ') }) : null;
      return judge(r, { escapes: changedValues(before), notApplicable: present.length === 0 ? missing : null });
    },
  };
}

/**
 * Host root owns every sandbox's user namespace, and the kernel charges what a
 * namespace's processes hold to its owner's per-user counts as well: a sandbox
 * takes all it can of one, and host root and a neighbour must still get one.
 */
export function ucountAttack(what: 'inotify' | 'sigpending', id: string, route: string): Attack {
  return {
    id,
    route,
    stage: 'shared',
    async run(lab) {
      const probe = load('ucount-probe.pl');
      const fromHost = (): string => (spawnSync('perl', ['-e', probe, what], { encoding: 'utf8' }).stdout ?? '').trim();
      const fromNeighbour = async (): Promise<string> =>
        (await lab.exec(lab.neighbour, `cat >/root/drydock-probe.pl <<'DRYDOCK_FILE_END'\n${probe}\nDRYDOCK_FILE_END\nperl /root/drydock-probe.pl ${what}`, { timeoutMs: 30_000 })).stdout.trim();
      const before = { host: fromHost(), neighbour: await fromNeighbour() };
      const r = await execScript(lab, lab.attacker, 'ucount-hold.sh', { DRYDOCK_WHAT: what, DRYDOCK_SECONDS: '30' });
      const during = { host: fromHost(), neighbour: await fromNeighbour() };
      await lab.exec(lab.attacker, 'pkill -f drydock-holder; true', { timeoutMs: 10_000 });
      const held = dataValue(parseLines(r.stdout), 'HELD') ?? '?';
      const escapes: string[] = [];
      if (during.host !== 'ok') escapes.push(`while a sandbox held ${held}, host root could not get one: ${during.host}`);
      if (during.neighbour !== 'ok') escapes.push(`while a sandbox held ${held}, a neighbour sandbox could not get one: ${during.neighbour}`);
      return judge(r, {
        hostControls: [
          { name: 'host root gets one before', ok: before.host === 'ok', detail: before.host },
          { name: 'the neighbour gets one before', ok: before.neighbour === 'ok', detail: before.neighbour },
        ],
        escapes,
        blocked: [`the sandbox held ${held}; host root and a neighbour still got one`],
      });
    },
  };
}

/** The neighbour serves on 8088 (IPv4 and IPv6), once per lab; its own controls say it answers itself. */
export const neighbourServing = new WeakMap<EscapeLab, Promise<{ v4: string; v6: string; controls: { name: string; ok: boolean; detail: string }[] }>>();
export function neighbourService(lab: EscapeLab): Promise<{ v4: string; v6: string; controls: { name: string; ok: boolean; detail: string }[] }> {
  let serving = neighbourServing.get(lab);
  if (!serving) {
    serving = (async () => {
      const r = await execScript(lab, lab.neighbour, 'neighbour-serve.sh', { DRYDOCK_NONCE: lab.host.nonce });
      const lines = parseLines(r.stdout);
      const [v4 = '', v6 = ''] = (dataValue(lines, 'NEIGHBOUR') ?? '').split(' ');
      const controls = ['neighbour-v4', 'neighbour-v6'].map((name) => {
        const c = lines.controls.get(name);
        return { name: `${name} (the neighbour answers itself)`, ok: c?.ok === true, detail: c?.detail ?? r.stderr.slice(-200) };
      });
      return { v4, v6, controls };
    })();
    neighbourServing.set(lab, serving);
  }
  return serving;
}

/** Keystroke echo through a raw terminal: ms from writing one character to seeing it come back. */
export async function echoOnce(stream: Duplex, ch: string): Promise<number> {
  return new Promise<number>((resolve) => {
    const started = performance.now();
    const timer = setTimeout(() => done(5_000), 5_000);
    const onData = (chunk: Buffer): void => {
      if (chunk.toString('latin1').includes(ch)) done(performance.now() - started);
    };
    function done(ms: number): void {
      clearTimeout(timer);
      stream.off('data', onData);
      resolve(ms);
    }
    stream.on('data', onData);
    stream.write(ch);
  });
}

export async function echoSeries(stream: Duplex, samples: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    times.push(await echoOnce(stream, 'abcdefghijklmnopqrstuvwxyz'[i % 26]!));
    stream.write('\x15');
    await sleep(20);
  }
  return times;
}

/** Freezes or thaws every process of a sandbox from the host (cgroup freezer). */
export function freeze(lab: EscapeLab, sandbox: LabSandbox, frozen: boolean): void {
  for (const folder of sandbox.cgroups) {
    if (existsSync(join(folder, 'freezer.state'))) writeFileSync(join(folder, 'freezer.state'), frozen ? 'FROZEN' : 'THAWED');
    else if (existsSync(join(folder, 'cgroup.freeze'))) writeFileSync(join(folder, 'cgroup.freeze'), frozen ? '1' : '0');
  }
}

export function cpuUsageNs(lab: EscapeLab, sandbox: LabSandbox): number {
  const v1 = lab.cgroupFile(sandbox, 'cpuacct.usage');
  if (v1) return Number(v1);
  const v2 = /^usage_usec (\d+)/m.exec(lab.cgroupFile(sandbox, 'cpu.stat') ?? '');
  return v2 ? Number(v2[1]) * 1000 : NaN;
}

