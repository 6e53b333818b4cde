import type Docker from 'dockerode';
import type { SandboxMachine } from '../driver';
import { ConflictError, isConflict, mapDockerError } from '../errors';
import { Label, SANDBOX_PREFIX } from './labels';
import { removeNetwork, type SandboxNetworks } from './networks';

/**
 * A lab: several sandboxes ("machines") of one learner on one private
 * network, so that they reach each other by hostname (a Docker Swarm across
 * them needs 2377/tcp, 7946/tcp+udp and 4789/udp between them, nothing else).
 * The network is made like every sandbox network (internal, no host address,
 * a /28 of Drydock's range, a firewalled bridge name), so a lab is walled off
 * from other labs and sandboxes exactly as one sandbox is. A /28 holds 13
 * addresses past its gateway: a lab of up to 11 machines beside a class's two
 * registries.
 *
 * The network belongs to the lab, not to a machine: the first machine makes
 * it and it goes when the last one is removed. "Last" is read from the
 * engine (containers labelled with the lab), so it holds across crashes and
 * restarts; the orphan sweep removes a lab network no machine is left on.
 */

/** A lab id: it names the lab's network (drydock-sb-lab-<lab>). */
const LAB_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/;
/** A hostname is one DNS label (RFC 1123): it is also the machine's alias on the lab network. */
const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function checkMachine(machine: SandboxMachine): void {
  if (!LAB_ID.test(machine.lab)) throw new Error(`a lab id is letters, digits, "_", "." and "-" (at most 64, starting with a letter or digit), got "${machine.lab}"`);
  if (!HOSTNAME.test(machine.hostname)) throw new Error(`a machine's hostname is lowercase letters, digits and "-" (one DNS label), got "${machine.hostname}"`);
}

/** The lab's network. In the sandbox prefix, so removal and the orphan sweep know it as a sandbox's. */
export function labNetworkName(lab: string): string {
  return `${SANDBOX_PREFIX}lab-${lab}`;
}

/** A machine's own labels on top of its sandbox's. */
export function machineLabels(machine: SandboxMachine): Record<string, string> {
  return { [Label.lab]: machine.lab, [Label.machine]: machine.hostname };
}

/** The lab network's labels: the lab's, not a machine's (no session: it outlives the machine that made it). */
function labNetworkLabels(sandboxLabels: Record<string, string>): Record<string, string> {
  const keep = [Label.server, Label.lab, Label.learner, Label.class, Label.created] as const;
  return Object.fromEntries(keep.filter((key) => sandboxLabels[key] !== undefined).map((key) => [key, sandboxLabels[key] as string]));
}

/** The machine a sandbox's labels name, if it is one. */
export function machineFromLabels(labels: Record<string, string>): SandboxMachine | undefined {
  const lab = labels[Label.lab];
  const hostname = labels[Label.machine];
  return lab && hostname ? { lab, hostname } : undefined;
}

/**
 * Lab networks of one server. Making a machine (network + container) and
 * removing a lab's network when its last machine went are serialised per
 * lab in this process, so a machine being created never loses its network
 * to a sibling being removed at the same moment. A lab belongs to one server
 * (its network carries the server's label), so no other process races for
 * it; a network of the lab's name that another server made is refused.
 */
export class LabNetworks {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly docker: Docker,
    private readonly networks: SandboxNetworks,
    private readonly serverId: string,
  ) {}

  /** Runs `work` (which creates a machine of the lab) once the lab's network exists. */
  withNetwork<T>(lab: string, sandboxLabels: Record<string, string>, work: (network: string) => Promise<T>): Promise<T> {
    return this.serialised(lab, async () => {
      const network = labNetworkName(lab);
      const existing = (await this.docker
        .getNetwork(network)
        .inspect()
        .catch(() => null)) as { Labels?: Record<string, string> | null } | null;
      // A network of that name made by another server on this engine (or not for a lab) is not this lab's: never join it.
      if (existing && (existing.Labels?.[Label.server] !== this.serverId || existing.Labels?.[Label.lab] !== lab)) {
        throw new ConflictError(`network ${network} exists and is not lab ${lab} of this server`);
      }
      if (!existing) {
        try {
          await this.networks.create(network, labNetworkLabels(sandboxLabels));
        } catch (error) {
          // Made since the inspect above (CheckDuplicate refused a second one): use it.
          if (!isConflict(mapDockerError(error, `create lab network ${network}`))) throw error;
        }
      }
      return work(network);
    });
  }

  /** Removes the lab's network if no machine of the lab is left (call after removing a machine). Whether it went. */
  releaseIfEmpty(lab: string): Promise<boolean> {
    return this.serialised(lab, async () => {
      if ((await this.machinesOf(lab)) > 0) return false;
      await removeNetwork(this.docker, labNetworkName(lab));
      return true;
    });
  }

  private async machinesOf(lab: string): Promise<number> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${Label.server}=${this.serverId}`, `${Label.lab}=${lab}`] } });
    return containers.length;
  }

  private serialised<T>(lab: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(lab) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(lab, settled);
    void settled.then(() => {
      if (this.queues.get(lab) === settled) this.queues.delete(lab);
    });
    return next;
  }
}
