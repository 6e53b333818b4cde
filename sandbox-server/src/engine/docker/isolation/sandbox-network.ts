import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';

/**
 * Host bridges of sandbox networks share a name prefix, so that Drydock's
 * engine set-up can firewall them with one rule each (INPUT and FORWARD drop
 * for `drysb+`, scripts/engine/drydock-engine.sh). Linux allows 15 characters.
 */
export const BRIDGE_PREFIX = 'drysb';

export function bridgeNameFor(networkName: string): string {
  return BRIDGE_PREFIX + createHash('sha256').update(networkName).digest('hex').slice(0, 10);
}

/**
 * No IPv6 on the host side of a sandbox bridge. The sandbox owns its network
 * namespace, so it can switch IPv6 on for itself (`sysctl
 * net.ipv6.conf.eth0.disable_ipv6=0`); link-local needs no address plan, and
 * reached services listening on the host's [::]. With IPv6 off on the bridge
 * the host drops every IPv6 packet that arrives there.
 */
export async function closeIpv6(bridge: string): Promise<void> {
  const knob = `/proc/sys/net/ipv6/conf/${bridge}/disable_ipv6`;
  if (!existsSync(knob)) return; // no IPv6 in this kernel at all
  await writeFile(knob, '1');
}
