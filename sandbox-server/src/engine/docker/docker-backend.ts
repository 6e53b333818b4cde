import type { SandboxBackend } from '../backend';
import { DockerClassRegistryBackend } from './registry-services';
import { DockerDriver, type DockerDriverOptions } from './docker';

/** The Docker backend: one engine client shared by the driver and the class registries. */
export function dockerBackend(options: DockerDriverOptions): SandboxBackend {
  const driver = new DockerDriver(options);
  return {
    driver,
    classRegistries: new DockerClassRegistryBackend(driver.docker, options.serverId),
    ping: () => driver.ping(),
    removeOrphans: () => driver.removeOrphanNetworks(),
  };
}
