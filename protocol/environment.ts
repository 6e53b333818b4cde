/**
 * A learner's environment: which sandbox of theirs a terminal, a check, the
 * editor or a preview talks to. Lessons declare theirs in the manifest
 * (`environment: fresh` or `environment: { continues: <lesson> }`), so a
 * learner moving between lessons never meets another lesson's leftovers.
 *
 * Written as one string, because it travels in URLs (`/ws/terminal?env=`),
 * query strings and container names:
 *
 *   dind                 the profile's one shared environment (a sandbox for the whole course:
 *                        what every lesson had before environments, and what tools and tests use)
 *   dind:networking      the environment named `networking` (usually the lesson that starts it)
 *   dind:swarm@2         machine 2 of the multi-machine environment `swarm` (machine 1 is `dind:swarm`)
 *
 * The profile says what a sandbox is made of (today only `dind`: a sandbox
 * with its own Docker engine); the name says whose work is in it.
 */

export interface EnvironmentRef {
  /** What the sandbox is made of (sandbox-server's PROFILES). */
  profile: string;
  /** The environment's name; absent for the profile's shared environment. */
  name?: string;
  /** Which machine of a multi-machine environment, from 1; absent means 1. */
  machine?: number;
}

const PROFILE = /^[a-z][a-z0-9-]{0,15}$/;
/** Lesson ids are environment names: lowercase letters, digits, single dashes. */
export const ENVIRONMENT_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_NAME = 48;
/** A lesson may ask for at most this many machines. */
export const MAX_MACHINES = 5;

/** The reference as one string (see the file comment); machine 1 is written without `@1`. */
export function formatEnvironment(ref: EnvironmentRef): string {
  let text = ref.profile;
  if (ref.name) text += `:${ref.name}`;
  if (ref.name && ref.machine && ref.machine > 1) text += `@${ref.machine}`;
  return text;
}

/** Parses an environment string; undefined when it is not one (bad characters, a machine number out of range…). */
export function parseEnvironment(text: string): EnvironmentRef | undefined {
  const match = /^([^:@]+)(?::([^:@]+)(?:@(\d{1,2}))?)?$/.exec(text);
  if (!match) return undefined;
  const [, profile = '', name, machine] = match;
  if (!PROFILE.test(profile)) return undefined;
  if (name === undefined) return { profile };
  if (name.length > MAX_NAME || !ENVIRONMENT_NAME.test(name)) return undefined;
  if (machine === undefined) return { profile, name };
  const number = Number(machine);
  if (number < 1 || number > MAX_MACHINES || String(number) !== machine) return undefined;
  return number === 1 ? { profile, name } : { profile, name, machine: number };
}

/** The environment string of machine `machine` of the same environment. */
export function machineOf(environment: string, machine: number): string {
  const ref = parseEnvironment(environment);
  if (!ref) throw new Error(`not an environment: ${environment}`);
  return formatEnvironment({ ...ref, machine });
}

/** The environment's first machine (itself when it has one): where its terminal opens and its checks run by default. */
export function firstMachineOf(environment: string): string {
  const ref = parseEnvironment(environment);
  return ref ? formatEnvironment({ profile: ref.profile, name: ref.name }) : environment;
}

/** The hostname machine n has inside the lab (node1, node2…): what `docker node ls` shows. */
export const machineHostname = (machine: number): string => `node${machine}`;
