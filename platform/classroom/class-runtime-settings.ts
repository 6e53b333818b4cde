import { z } from 'zod';
import { readEnvSettings } from '../../lib/config/env-settings';

/** How classes get sandboxes: environment settings, checked at start. */
export interface ClassRuntimeSettings {
  /** Start a registry mirror per class (DRYDOCK_CLASS_REGISTRY=off disables). */
  registry: boolean;
  /** The class registry image (DRYDOCK_REGISTRY_IMAGE). */
  registryImage: string;
  /** Warm sandboxes per class: the expected learners, at most this many (DRYDOCK_WARM_POOL_MAX; 0 turns warm pools off). */
  warmPoolMax: number;
}

const Settings = z.object({
  DRYDOCK_CLASS_REGISTRY: z.enum(['on', 'off']).default('on'),
  DRYDOCK_REGISTRY_IMAGE: z.string().min(1).default('drydock/registry:latest'),
  DRYDOCK_WARM_POOL_MAX: z.coerce.number().int().min(0).max(500).default(40),
});

export function classRuntimeSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): ClassRuntimeSettings {
  const settings = readEnvSettings(Settings, env);
  return { registry: settings.DRYDOCK_CLASS_REGISTRY === 'on', registryImage: settings.DRYDOCK_REGISTRY_IMAGE, warmPoolMax: settings.DRYDOCK_WARM_POOL_MAX };
}
