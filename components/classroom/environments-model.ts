import { firstMachineOf, machineHostname, parseEnvironment } from '../../protocol/environment';
import type { LearnerEnvironmentEntry } from '../../protocol/http/environments';

/**
 * What the instructor's Environments dialog says about a learner's
 * environments: pure, so the wording is tested without a browser.
 */

/**
 * The name an instructor reads: the environment's name (usually the lesson
 * that starts it), the machine of a multi-machine lab ("swarm · node2"), or
 * "course-wide" for the profile's shared environment (`dind`). Machine 1 of a
 * lab says "· node1" when the list holds another machine of it (`all`).
 */
export function environmentLabel(environment: string, all: readonly string[] = []): string {
  const ref = parseEnvironment(environment);
  if (!ref) return environment;
  if (!ref.name) return 'course-wide';
  const machine = ref.machine ?? 1;
  const isLab = machine > 1 || all.some((other) => other !== environment && firstMachineOf(other) === environment);
  return isLab ? `${ref.name} · ${machineHostname(machine)}` : ref.name;
}

/** How many machines of the lab `environment` belongs to are in `all` (1 for an environment of one machine). */
export function machinesOf(environment: string, all: readonly string[]): number {
  const first = firstMachineOf(environment);
  return Math.max(1, all.filter((other) => firstMachineOf(other) === first).length);
}

/** What deleting takes away, as the confirm step asks it: every machine of a lab goes with it. */
export function deleteQuestion(environment: string, all: readonly string[]): string {
  const machines = machinesOf(environment, all);
  const name = environmentLabel(firstMachineOf(environment));
  const what = machines === 2 ? `${name} and both its machines` : machines > 2 ? `${name} and all ${machines} of its machines` : name;
  return `Delete ${what}? Its files, images, volumes and shell history are gone for good; the learner starts fresh next time.`;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** `at` as seen from `now`: "just now", "5 minutes ago", "3 hours ago", "yesterday", "in 7 days", "in 5 hours". */
export function relativeTime(at: number, now: number): string {
  const delta = at - now;
  if (Math.abs(delta) < 45_000) return delta <= 0 ? 'just now' : 'in a moment';
  // The largest unit the distance holds at least once, rounded in it: 90 minutes is "2 hours ago", 36 hours "2 days ago".
  const [unit, ms] = UNITS.find(([, size]) => Math.abs(delta) >= size) ?? ['minute', 60_000];
  return relative.format(Math.sign(delta) * Math.round(Math.abs(delta) / ms), unit); // (Math.round(-1.5) is -1)
}

/** keepMs as a length of time: "7 days", "1 day", "12 hours", "30 minutes". */
export function duration(ms: number): string {
  const found = UNITS.find(([, size]) => ms >= size);
  if (!found) return 'under a minute';
  const count = Math.round(ms / found[1]);
  return `${count} ${found[0]}${count === 1 ? '' : 's'}`;
}

export interface StateText {
  /** "Running" or "Parked". */
  state: string;
  /** Running: "active 5 minutes ago"; parked: "parked 3 hours ago". */
  since: string;
  /** Parked only: "removed in 7 days" (or "removed soon" once that time has passed: the next sweep takes it). */
  removal?: string;
  /** Parked only: when it is removed, epoch ms. */
  removedAt?: number;
}

/** The state column of one environment. */
export function stateText(entry: LearnerEnvironmentEntry, keepMs: number, now: number): StateText {
  // `since` is the server's clock: a browser clock a little behind it must not read "in 1 minute".
  const since = Math.min(entry.since, now);
  if (entry.state === 'running') return { state: 'Running', since: `active ${relativeTime(since, now)}` };
  const removedAt = entry.since + keepMs;
  return {
    state: 'Parked',
    since: `parked ${relativeTime(since, now)}`,
    removal: removedAt > now ? `removed ${relativeTime(removedAt, now)}` : 'removed soon',
    removedAt,
  };
}
