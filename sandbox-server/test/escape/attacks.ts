import { type Attack } from './attack-kit';
import { CONFINEMENT_ATTACKS } from './attacks-confinement';
import { KERNEL_ATTACKS } from './attacks-kernel';
import { NETWORK_ATTACKS } from './attacks-network';
import { RESOURCES_ATTACKS } from './attacks-resources';

export { runAttack, script, type Attack } from './attack-kit';

/**
 * Every attack of the escape suite, by the route it takes (attack-kit.ts says
 * how an attack runs and what the stages mean).
 */
export const ATTACKS: readonly Attack[] = [...CONFINEMENT_ATTACKS, ...NETWORK_ATTACKS, ...KERNEL_ATTACKS, ...RESOURCES_ATTACKS];

export function attacksInOrder(attacks: readonly Attack[] = ATTACKS): Attack[] {
  const rank = { host: 0, shared: 1, victim: 2 } as const;
  return [...attacks].sort((a, b) => rank[a.stage] - rank[b.stage]);
}
