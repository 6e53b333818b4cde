import { createHash } from 'node:crypto';
import { firstMachineOf, machineHostname, parseEnvironment } from '../../../protocol/environment';
import type { SandboxMachine } from '../engine/driver';
import { keyOf, splitKey } from './session-index';

/**
 * Keys as environments see them: the machines of one multi-machine
 * environment are one unit for the per-learner caps, eviction and reset.
 */

/** The key every machine of the key's environment shares (its first machine's key). */
export function groupKeyOf(key: string): string {
  const { learnerId, environment } = splitKey(key);
  return keyOf(learnerId, firstMachineOf(environment));
}

/** The profile an environment's sandboxes are made of (what warm pools hold): `dind` for `dind:networking`. */
export function profileOf(environment: string): string {
  return parseEnvironment(environment)?.profile ?? environment;
}

/** Whether the environment names a machine after the first of a multi-machine environment (those never come from a warm pool). */
export function isLaterMachine(environment: string): boolean {
  return (parseEnvironment(environment)?.machine ?? 1) > 1;
}

/** How many machines a named environment has (its lesson's `machines`); undefined when no lesson declares it (then 1). */
export type EnvironmentMachines = (name: string) => number | undefined;

/** Whether the environment is a lab of several machines (its lesson's `machines` above 1). */
export function isLab(environment: string, machinesOf: EnvironmentMachines): boolean {
  const name = parseEnvironment(environment)?.name;
  return name !== undefined && (machinesOf(name) ?? 1) > 1;
}

/**
 * The machine a sandbox of this environment is, when the environment is a
 * lab of several: its lab (one private network per learner and environment:
 * a hash, so it is unguessable from outside and fits a network name) and
 * its hostname. Undefined for a one-machine environment.
 */
export function labMachineOf(learnerId: string, environment: string, machinesOf: EnvironmentMachines): SandboxMachine | undefined {
  const ref = parseEnvironment(environment);
  if (!ref?.name || !isLab(environment, machinesOf)) return undefined;
  const lab = createHash('sha256').update(`${learnerId}\u0000${ref.profile}:${ref.name}`).digest('hex').slice(0, 20);
  return { lab, hostname: machineHostname(ref.machine ?? 1) };
}
