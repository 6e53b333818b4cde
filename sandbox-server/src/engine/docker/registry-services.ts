import type Docker from 'dockerode';
import type { ClassRegistryBackend, MirrorSeed, RegistryImage, RegistryService, RegistryServiceSpec } from '../class-registry-backend';
import { dockerErrorText, ignoreNotFound } from '../errors';
import { execInContainer } from './container-exec';
import { waitForLogLine } from './container-logs';
import { classRegistryNames, Label, REGISTRY_ROLE } from './labels';
import { createInternalNetwork } from './networks';
import { seedMirrorVolume } from './registry-seeding';
import { REGISTRY_HARDENING } from './registry-hardening';

/**
 * A class's registry services as Docker containers (ClassRegistryBackend):
 * each on the class's own internal network under its alias, its store a
 * labelled volume, joined to each sandbox's network for as long as the
 * sandbox lives. What they serve and why is sandbox-server/src/registry/.
 */

/** How long a registry service has to say it serves. */
const READY_TIMEOUT_MS = 20_000;
/** How long a command in a registry service may run (the gate's users file: well under a second). */
const EXEC_TIMEOUT_MS = 30_000;

export class DockerClassRegistryBackend implements ClassRegistryBackend {
  constructor(
    private readonly docker: Docker,
    /** This sandbox-server's id (label drydock.server). */
    private readonly serverId: string,
  ) {}

  private labels(classId: string): Record<string, string> {
    return { [Label.server]: this.serverId, [Label.class]: classId, [Label.role]: REGISTRY_ROLE };
  }

  async requireImage(image: string, what: string): Promise<void> {
    const found = await ignoreNotFound(this.docker.getImage(image).inspect(), `inspect image ${image}`);
    if (!found) throw new Error(`${what} ${image} is not in the engine: build it with \`npm run images\` (scripts/images/ensure-images.sh)`);
  }

  async createClassSpace(classId: string): Promise<string> {
    const names = classRegistryNames(classId);
    const labels = this.labels(classId);
    const existing = await this.docker.listContainers({ all: true, filters: { name: [`^/${names.mirror}$`, `^/${names.registry}$`] } });
    if (existing.length > 0) {
      throw new Error(`a registry for class ${classId} already exists on this engine (${existing.map((c) => c.Names[0]).join(', ')}); remove it first`);
    }
    try {
      // Like a sandbox's network: no route out, no host address, a bridge name the engine firewalls.
      await createInternalNetwork(this.docker, names.network, labels);
      await this.docker.createVolume({ Name: names.mirrorVolume, Labels: labels });
      await this.docker.createVolume({ Name: names.registryVolume, Labels: labels });
      return names.network;
    } catch (error) {
      await this.removeClass(classId).catch(() => undefined);
      throw error;
    }
  }

  seedMirror(classId: string, registry: RegistryImage, seeds: readonly MirrorSeed[], sourceImage: string): Promise<void> {
    return seedMirrorVolume(this.docker, { names: classRegistryNames(classId), labels: this.labels(classId), registry, seeds, sourceImage, requireImage: (image, what) => this.requireImage(image, what) });
  }

  /** Creates and starts one registry on the class network; resolves once its log says it serves. */
  async startService(classId: string, registry: RegistryImage, spec: RegistryServiceSpec): Promise<RegistryService> {
    const names = classRegistryNames(classId);
    const name = spec.kind === 'mirror' ? names.mirror : names.registry;
    const container = await this.docker.createContainer({
      name,
      Image: registry.name,
      Labels: this.labels(classId),
      Env: spec.env,
      HostConfig: {
        Mounts: [{ Type: 'volume', Source: spec.kind === 'mirror' ? names.mirrorVolume : names.registryVolume, Target: registry.storePath, ReadOnly: spec.readOnlyStore }],
        NetworkMode: names.network,
        ...REGISTRY_HARDENING,
      },
      NetworkingConfig: { EndpointsConfig: { [names.network]: { Aliases: [spec.alias] } } },
    });
    await container.start();
    await waitForLogLine(this.docker, container.id, `registry ${name}`, spec.readyMarker, READY_TIMEOUT_MS);
    return { id: container.id, alias: spec.alias };
  }

  async connect(service: RegistryService, network: string): Promise<void> {
    try {
      await this.docker.getNetwork(network).connect({ Container: service.id, EndpointConfig: { Aliases: [service.alias] } });
    } catch (error) {
      // Already attached (a retried create): fine.
      if (!/already exists/i.test(dockerErrorText(error))) throw new Error(`attach ${service.alias} to network ${network}: ${dockerErrorText(error)}`);
    }
  }

  async exec(service: RegistryService, cmd: string[], input: string): Promise<{ exitCode: number | null; output: string }> {
    const result = await execInContainer(this.docker, service.id, cmd, { stdin: input, timeoutMs: EXEC_TIMEOUT_MS });
    return { exitCode: result.exitCode, output: result.stdout + result.stderr };
  }

  /**
   * The class's sandboxes carry its label too, hence the role filter; their
   * networks are left to them (removing a container detaches it from all its
   * networks).
   */
  async removeClass(classId: string): Promise<void> {
    const filters = { label: Object.entries(this.labels(classId)).map(([key, value]) => `${key}=${value}`) };
    for (const c of await this.docker.listContainers({ all: true, filters })) {
      await ignoreNotFound(this.docker.getContainer(c.Id).remove({ force: true, v: true }), `remove container ${c.Names[0] ?? c.Id}`);
    }
    for (const v of (await this.docker.listVolumes({ filters })).Volumes ?? []) {
      await ignoreNotFound(this.docker.getVolume(v.Name).remove(), `remove volume ${v.Name}`);
    }
    for (const n of await this.docker.listNetworks({ filters })) {
      await ignoreNotFound(this.docker.getNetwork(n.Id).remove(), `remove network ${n.Name}`);
    }
  }
}
