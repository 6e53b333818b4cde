import type Docker from 'dockerode';
import type { SandboxInfo, SandboxSpec } from '../driver';
import { Label, parseSandboxName, sandboxName } from './labels';
import { labNetworkName, machineFromLabels, machineLabels } from './lab-network';
import { securityHostConfig, type IsolationTier } from './isolation/tier';
import { sandboxTmpfs } from './isolation/tmpfs';

/**
 * What a sandbox container is made of: its labels, its create options, and
 * how its facts are read back (see sandbox-server/images/sandbox/README.md
 * for why each option is there).
 */

/** The labels of a sandbox and of everything made for it (network, volumes). */
export function sandboxLabels(spec: SandboxSpec, serverId: string, createdAt: number): Record<string, string> {
  return {
    [Label.learner]: spec.learnerId,
    [Label.profile]: spec.profile,
    [Label.session]: spec.sessionId,
    [Label.server]: serverId,
    [Label.created]: String(createdAt),
    [Label.expires]: String(spec.expiresAt),
    ...(spec.classId ? { [Label.class]: spec.classId } : {}),
    ...(spec.pool ? { [Label.pool]: spec.pool } : {}),
    ...(spec.machine ? machineLabels(spec.machine) : {}),
  };
}

export interface SandboxContainerParts {
  name: string;
  image: string;
  labels: Record<string, string>;
  tier: IsolationTier;
  capabilities: string[];
  /** Its own network's name (its lab's for a lab machine), or 'bridge'. */
  networkMode: string;
  mounts: Docker.MountSettings[];
}

export function sandboxCreateOptions(spec: SandboxSpec, parts: SandboxContainerParts): Docker.ContainerCreateOptions {
  return {
    name: parts.name,
    Image: parts.image,
    Hostname: spec.machine?.hostname ?? 'sandbox',
    Tty: true,
    OpenStdin: true,
    StdinOnce: false,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Env: ['TERM=xterm-256color', ...registryEnv(spec), ...machineEnv(spec)],
    Labels: parts.labels,
    // The machine's hostname resolves to it for the other machines of its lab (`ping node2`, `docker swarm join node1:2377`).
    ...(spec.machine ? { NetworkingConfig: { EndpointsConfig: { [parts.networkMode]: { Aliases: [spec.machine.hostname] } } } } : {}),
    HostConfig: {
      // The inner engine's data must not be overlay-on-overlay. Named,
      // labelled volumes, so what a class leaves behind can be counted.
      Mounts: parts.mounts,
      // Reaps the zombie containerd-shims that inner `docker run --rm` leaves.
      Init: true,
      ...securityHostConfig(parts.tier, parts.capabilities),
      // Sized below the memory limit: a full tmpfs must be ENOSPC, not an OOM that ends the sandbox.
      Tmpfs: sandboxTmpfs(spec.limits.memoryBytes),
      Memory: spec.limits.memoryBytes,
      MemorySwap: spec.limits.memoryBytes,
      NanoCpus: Math.round(spec.limits.cpus * 1e9),
      PidsLimit: spec.limits.pids,
      NetworkMode: parts.networkMode,
      RestartPolicy: { Name: 'no' },
      ...registryDns(spec),
    },
  };
}

/** The capability tier's one volume: the inner engine's data. */
export function innerEngineVolume(name: string, labels: Record<string, string>): Docker.MountSettings {
  return { Type: 'volume', Source: `${name}-docker`, Target: '/var/lib/docker', VolumeOptions: { Labels: labels, NoCopy: false, DriverConfig: { Name: 'local', Options: {} } } };
}

/** The entrypoint writes these into the inner engine's daemon.json (images/sandbox/entrypoint.sh). */
function registryEnv(spec: SandboxSpec): string[] {
  if (!spec.registry) return [];
  const env = [`DRYDOCK_REGISTRY_MIRROR=${spec.registry.mirrorUrl}`];
  if (spec.registry.insecureRegistries.length > 0) env.push(`DRYDOCK_INSECURE_REGISTRIES=${spec.registry.insecureRegistries.join(',')}`);
  return env;
}

/**
 * A swarm node pulls a service's image before each task even when it has
 * the image, unless told to prefer it (moby's executor reads this from
 * dockerd's environment, which the entrypoint passes on). A lab has no route
 * to Docker Hub, so without it every task waits out a failed lookup first.
 */
function machineEnv(spec: SandboxSpec): string[] {
  return spec.machine ? ['DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1'] : [];
}

/**
 * On an internal network Docker's embedded DNS never answers for outside
 * names, and the inner dockerd looks up `docker.io` before every Hub pull
 * (even one a mirror serves): 2 × 5 s of resolver timeout per `docker pull`.
 * One 1-second try makes a pull from the mirror take ~1 s instead of ~10 s.
 */
function registryDns(spec: SandboxSpec): { DnsOptions?: string[] } {
  return spec.registry ? { DnsOptions: ['timeout:1', 'attempts:1'] } : {};
}

/** A sandbox's facts: fixed ones from its labels, those that changed later from its name (see labels.ts). */
export function infoFromLabels(id: string, labels: Record<string, string>, running: boolean, name: string, networkMode: string | undefined): SandboxInfo {
  const record = parseSandboxName(name);
  const learnerId = labels[Label.learner] || record.learnerId || '';
  const sessionId = labels[Label.session] ?? '';
  const machine = machineFromLabels(labels);
  return {
    id,
    learnerId,
    profile: record.environment ?? labels[Label.profile] ?? '',
    sessionId,
    createdAt: Number(labels[Label.created] ?? 0),
    expiresAt: Math.max(Number(labels[Label.expires] ?? 0), record.expiresAt ?? 0),
    running,
    classId: labels[Label.class] || undefined,
    pool: learnerId ? undefined : labels[Label.pool] || undefined,
    // Only a network of its own (isolated networks) or its lab's: never the shared default bridge.
    network: (sessionId && networkMode === sandboxName(sessionId)) || (machine && networkMode === labNetworkName(machine.lab)) ? networkMode : undefined,
    ...(machine ? { machine } : {}),
  };
}
