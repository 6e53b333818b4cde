import { formatEnvironment } from '../../protocol/environment';
import type { LessonManifest } from './schema';

/**
 * Which environment a lesson runs in, from its manifest and those of the
 * lessons it continues: a fresh lesson starts its own (named after it); a
 * continuing one follows the chain back to the lesson that started it.
 */
export interface LessonEnvironment {
  /** The environment string the terminal, the grader, the editor and the preview use (protocol/environment.ts). */
  environment: string;
  /** The lesson whose environment it is (the one that started it). */
  startedBy: string;
  /** Machines in it (the starting lesson's `machines`). */
  machines: number;
}

export type EnvironmentResolution = { ok: true; value: LessonEnvironment } | { ok: false; problem: string };

/** Follows `environment: { continues }` from `manifest` back to a fresh lesson; a broken chain comes back as its problem. */
export function resolveLessonEnvironment(manifest: LessonManifest, manifestOf: (id: string) => LessonManifest | undefined): EnvironmentResolution {
  const chain = [manifest.id];
  let current = manifest;
  while (current.environment !== 'fresh') {
    const next = current.environment.continues;
    if (chain.includes(next)) return { ok: false, problem: `environment: continues forms a cycle: ${[...chain, next].join(' → ')}` };
    const found = manifestOf(next);
    if (!found) return { ok: false, problem: `environment: continues "${next}", which is not a lesson (or has errors)` };
    chain.push(next);
    current = found;
  }
  if (manifest.machines !== 1 && manifest.machines !== current.machines && current !== manifest) {
    return { ok: false, problem: `machines: ${manifest.machines} differs from the ${current.machines} of "${current.id}", whose environment this lesson continues (leave machines out)` };
  }
  return { ok: true, value: { environment: formatEnvironment({ profile: current.profile, name: current.id }), startedBy: current.id, machines: current.machines } };
}
