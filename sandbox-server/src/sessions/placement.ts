import type { SandboxRegistryAccess } from '../engine/driver';
import type { RegistryAdmission } from '../registry/registry-auth';

/**
 * Where a learner's new sandbox belongs: the platform answers from its class
 * records (a learner in a running class gets a sandbox of that class, from its
 * warm pool when one waits, with its registry mirror).
 */
export interface Placement {
  classId: string;
  pool?: string;
  registry?: SandboxRegistryAccess;
  /**
   * The learner's login to the class registry, and the registry learning it
   * (asked once the sandbox is theirs: created for them or claimed from the
   * pool). It is written into the sandbox then, so a warm sandbox holds
   * nobody's login.
   */
  registryLogin?: () => RegistryAdmission;
}
export type PlacementLookup = (learnerId: string, profile: string) => Placement | undefined;
