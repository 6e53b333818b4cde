import { isIP } from 'node:net';

/**
 * What a per-address limit counts: an IPv4 address as it is, an IPv6 address
 * by its /64. One subscriber's IPv6 network is a /64 (often more), and a
 * host there may take any of its 2^64 addresses, so counting single IPv6
 * addresses would give a stranger as many sandboxes as they care to ask for.
 * Anything that is not an IP address (ClientAddresses says 'unknown' when
 * the socket has none) is one group of its own.
 */
export function addressGroup(address: string): string {
  if (isIP(address) !== 6) return address;
  const bare = address.split('%')[0]!.toLowerCase(); // a zone index (fe80::1%eth0) names the interface, not the host
  const [head = '', tail] = bare.split('::');
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])));
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const all = [...front, ...Array(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back];
  return `${all.slice(0, 4).map((g) => Number.parseInt(g, 16).toString(16)).join(':')}::/64`;
}
