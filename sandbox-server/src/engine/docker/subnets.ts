/**
 * Addresses for sandbox networks. An engine's default address pools hold
 * about 30 bridge networks (172.17–31/16 and 192.168/16 in /20s), and each
 * sandbox has a network of its own: a class of 30 stopped at the 30th with
 * "could not find an available, non-overlapping IPv4 address pool". Sandbox
 * networks therefore take small subnets (a /28 holds the sandbox and a
 * class's two registries) from a range of their own, 10.213.0.0/16 by
 * default: 4096 networks.
 */
export class SubnetAllocator {
  private readonly base: number;
  private readonly count: number;
  private readonly reserved = new Set<string>();

  constructor(
    /** e.g. "10.213.0.0/16" [DRYDOCK_SANDBOX_SUBNETS] */
    readonly range: string,
    private readonly prefix = 28,
  ) {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(range);
    const octets = match?.slice(1, 5).map(Number) ?? [];
    const bits = Number(match?.[5]);
    if (!match || octets.some((o) => o > 255) || bits < 8 || bits > prefix) throw new Error(`DRYDOCK_SANDBOX_SUBNETS must be an IPv4 range like 10.213.0.0/16 (at most /${prefix}), got "${range}"`);
    this.base = (((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0) & (~0 << (32 - bits));
    this.count = 2 ** (prefix - bits);
  }

  /**
   * A subnet not in `inUse` (what the engine's networks already have) and not
   * handed out by this allocator and still pending. Call `release` once the
   * network exists or failed: from then on the engine's list says whether it is used.
   */
  take(inUse: ReadonlySet<string>): string {
    // Start at a random block so that two servers on one engine rarely race for the same one.
    const start = Math.floor(Math.random() * this.count);
    for (let i = 0; i < this.count; i++) {
      const subnet = this.subnet((start + i) % this.count);
      if (!inUse.has(subnet) && !this.reserved.has(subnet)) {
        this.reserved.add(subnet);
        return subnet;
      }
    }
    throw new Error(`no free /${this.prefix} left in ${this.range} for a sandbox network; widen DRYDOCK_SANDBOX_SUBNETS`);
  }

  release(subnet: string): void {
    this.reserved.delete(subnet);
  }

  private subnet(index: number): string {
    const address = (this.base + index * 2 ** (32 - this.prefix)) >>> 0;
    return `${address >>> 24}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}/${this.prefix}`;
  }
}

/** The first host address of a subnet ("10.213.4.16/28" → "10.213.4.17"): the network's gateway, never put on the host. */
export function gatewayOf(subnet: string): string {
  const [address = ''] = subnet.split('/');
  const octets = address.split('.').map(Number);
  octets[3] = (octets[3] ?? 0) + 1;
  return octets.join('.');
}
