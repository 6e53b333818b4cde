import type Docker from 'dockerode';
import { ignoreNotFound, isConflict, mapDockerError } from '../errors';
import { bridgeNameFor, closeIpv6 } from './isolation/sandbox-network';
import { gatewayOf, SubnetAllocator } from './subnets';

/**
 * Creates a network the way every Drydock network is made (a sandbox's, a
 * class's): no route out of it (nor to other networks), no host address on
 * its bridge, no IPv6 on the host side, and a bridge name in the prefix
 * Drydock's engine firewalls (scripts/engine/drydock-engine.sh).
 */
export async function createInternalNetwork(docker: Docker, name: string, labels: Record<string, string>, subnet?: string): Promise<void> {
  await docker.createNetwork({
    Name: name,
    Driver: 'bridge',
    // No route out of the network (nor to other sandboxes' networks)…
    Internal: true,
    // …and no host address on the bridge: an internal network still gives the host an IP
    // (the gateway) through which a container reaches every port the host listens on,
    // Drydock's own included. Without it the sandbox can reach nothing but itself.
    Options: { 'com.docker.network.bridge.inhibit_ipv4': 'true', 'com.docker.network.bridge.name': bridgeNameFor(name) },
    ...(subnet ? { IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: gatewayOf(subnet) }] } } : {}),
    Labels: labels,
    CheckDuplicate: true,
  });
  await closeIpv6(bridgeNameFor(name));
}

/**
 * Sandbox networks, each on a /28 of Drydock's range (see subnets.ts): the
 * engine's default pools run out at about 30 networks.
 */
export class SandboxNetworks {
  private readonly subnets: SubnetAllocator;

  constructor(
    private readonly docker: Docker,
    /** e.g. 10.213.0.0/16 [DRYDOCK_SANDBOX_SUBNETS] */
    range: string,
  ) {
    this.subnets = new SubnetAllocator(range);
  }

  async create(name: string, labels: Record<string, string>): Promise<void> {
    const inUse = new Set((await this.docker.listNetworks()).flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? '')));
    for (let attempt = 1; ; attempt++) {
      const subnet = this.subnets.take(inUse);
      try {
        await createInternalNetwork(this.docker, name, labels, subnet);
        return;
      } catch (error) {
        // Another server (or a network made since we listed) took it: try the next one.
        if (attempt >= 5 || !/overlap/i.test((error as Error).message)) throw error;
        inUse.add(subnet);
      } finally {
        this.subnets.release(subnet);
      }
    }
  }
}

/**
 * Removes a network; a missing one is fine. One that still has members (a
 * class registry attached to a gone sandbox's network) is emptied first.
 */
export async function removeNetwork(docker: Docker, name: string): Promise<void> {
  const network = docker.getNetwork(name);
  const context = `remove network ${name}`;
  try {
    await ignoreNotFound(network.remove(), context);
  } catch (error) {
    // "has active endpoints": a class registry is still attached to this
    // sandbox's network. The sandbox is gone, so detach whatever is left.
    if (!isConflict(error)) throw mapDockerError(error, context);
    const detail = await network.inspect().catch(() => null);
    for (const id of Object.keys(detail?.Containers ?? {})) {
      await network.disconnect({ Container: id, Force: true }).catch(() => undefined);
    }
    await ignoreNotFound(network.remove(), context);
  }
}
