import { judge } from './judge';
import { execScript, fetchText, neighbourService, type Attack } from './attack-kit';

/** Routes to the host and to other sandboxes over the network. */
export const NETWORK_ATTACKS: readonly Attack[] = [
  {
    id: 'host-ports-ipv4',
    route: "the host's services over IPv4: every host address, the network's gateway and default route, directly and on-link (ARP on its own bridge), plus common ports",
    stage: 'shared',
    async run(lab) {
      const { port, nonce, ipv4 } = lab.host;
      const hostControls = await Promise.all(ipv4.map(async (ip) => ({ name: `the host answers itself at ${ip}:${port}`, ok: (await fetchText(`http://${ip}:${port}/`)) === nonce })));
      const r = await execScript(lab, lab.attacker, 'host-ports-ipv4.sh', {
        DRYDOCK_HOST_IPV4: ipv4.join(' '),
        DRYDOCK_GATEWAY: lab.attacker.gateway,
        DRYDOCK_PORT: String(port),
        DRYDOCK_NONCE: nonce,
      });
      return judge(r, { hostControls });
    },
  },
  {
    id: 'ipv6-host',
    route: "IPv6 switched on in the sandbox (sysctl disable_ipv6=0), then the host's [::] service at every host IPv6 address (global, link-local) and at whatever answers ff02::1",
    stage: 'shared',
    async run(lab) {
      const { port, nonce, ipv6 } = lab.host;
      const reachable = ipv6.filter((a) => !a.address.startsWith('fe80:'));
      const hostControls = await Promise.all(reachable.map(async (a) => ({ name: `the host answers itself at [${a.address}]:${port}`, ok: (await fetchText(`http://[${a.address}]:${port}/`)) === nonce })));
      const r = await execScript(lab, lab.attacker, 'ipv6-host.sh', { DRYDOCK_HOST_IPV6: [...new Set(ipv6.map((a) => a.address))].join(' '), DRYDOCK_PORT: String(port), DRYDOCK_NONCE: nonce });
      return judge(r, { controls: ['ipv6-on'], hostControls: hostControls.length > 0 ? hostControls : [{ name: 'the host has an IPv6 address', ok: false }] });
    },
  },
  {
    id: 'neighbour-ipv4',
    route: "another learner's sandbox over IPv4: directly, on-link, and through the host as a router",
    stage: 'shared',
    async run(lab) {
      const n = await neighbourService(lab);
      const r = await execScript(lab, lab.attacker, 'neighbour-ipv4.sh', { DRYDOCK_NEIGHBOUR_V4: n.v4, DRYDOCK_HOST_IPV4: lab.host.ipv4.join(' '), DRYDOCK_NONCE: lab.host.nonce });
      return judge(r, { hostControls: n.controls.filter((c) => c.name.startsWith('neighbour-v4')) });
    },
  },
  {
    id: 'neighbour-ipv6',
    route: "another learner's sandbox over IPv6 (both switched on): its link-local address and every ff02::1 responder",
    stage: 'shared',
    async run(lab) {
      const n = await neighbourService(lab);
      const r = await execScript(lab, lab.attacker, 'neighbour-ipv6.sh', { DRYDOCK_NEIGHBOUR_V6: n.v6, DRYDOCK_NONCE: lab.host.nonce });
      return judge(r, { controls: ['ipv6-on'], hostControls: n.controls.filter((c) => c.name.startsWith('neighbour-v6')) });
    },
  },
  {
    id: 'metadata-service',
    route: 'a cloud metadata service at 169.254.169.254:80 (the host stands one up), directly and on-link',
    stage: 'shared',
    async run(lab) {
      const hostOk = lab.host.metadata.ok && (await fetchText('http://169.254.169.254/')) === lab.host.nonce;
      const r = await execScript(lab, lab.attacker, 'metadata.sh', { DRYDOCK_NONCE: lab.host.nonce });
      return judge(r, { hostControls: [{ name: 'the host answers itself at 169.254.169.254:80', ok: hostOk, detail: lab.host.metadata.ok ? '' : lab.host.metadata.reason }] });
    },
  },
];
