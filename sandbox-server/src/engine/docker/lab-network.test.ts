import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type Docker from 'dockerode';
import { ConflictError } from '../errors';
import { checkMachine, LabNetworks, labNetworkName, machineFromLabels, machineLabels } from './lab-network';
import { SandboxNetworks } from './networks';

/** An engine that keeps networks and lab containers in memory, enough for LabNetworks. */
function memoryEngine() {
  const networks = new Map<string, { Name: string; Labels: Record<string, string>; IPAM: { Config: { Subnet: string }[] } }>();
  const containers: { Labels: Record<string, string> }[] = [];
  const log: string[] = [];
  const engine = {
    listNetworks: async () => [...networks.values()],
    createNetwork: async (options: { Name: string; Labels: Record<string, string>; IPAM?: { Config: { Subnet: string }[] } }) => {
      await new Promise((r) => setTimeout(r, 5)); // slow enough for a race to show
      if (networks.has(options.Name)) throw Object.assign(new Error('network with name exists'), { statusCode: 409 });
      networks.set(options.Name, { Name: options.Name, Labels: options.Labels, IPAM: { Config: options.IPAM?.Config ?? [] } });
      log.push(`create ${options.Name}`);
    },
    getNetwork: (name: string) => ({
      inspect: async () => {
        const n = networks.get(name);
        if (!n) throw Object.assign(new Error('network not found'), { statusCode: 404, json: { message: `network ${name} not found` } });
        return n;
      },
      remove: async () => {
        if (!networks.delete(name)) throw Object.assign(new Error('network not found'), { statusCode: 404, json: { message: `network ${name} not found` } });
        log.push(`remove ${name}`);
      },
    }),
    listContainers: async ({ filters }: { filters: { label: string[] } }) =>
      containers.filter((c) => filters.label.every((l) => {
        const [key, value] = l.split('=') as [string, string];
        return c.Labels[key] === value;
      })),
  } as unknown as Docker;
  return { engine, networks, containers, log };
}

describe('lab machines', () => {
  it('a lab id names a network; a hostname is one DNS label', () => {
    assert.doesNotThrow(() => checkMachine({ lab: 'test-1a.b_c', hostname: 'node1' }));
    assert.throws(() => checkMachine({ lab: 'a lab', hostname: 'node1' }), /lab id/);
    assert.throws(() => checkMachine({ lab: '-lab', hostname: 'node1' }), /lab id/);
    for (const hostname of ['Node1', 'node_1', 'node1-', 'node1.lab', '', 'a'.repeat(64)]) assert.throws(() => checkMachine({ lab: 'lab', hostname }), /hostname/, hostname);
    assert.equal(labNetworkName('lab-7'), 'drydock-sb-lab-lab-7');
  });

  it('labels carry the machine and give it back; an ordinary sandbox has none', () => {
    const labels = { 'drydock.session': 's', ...machineLabels({ lab: 'l', hostname: 'node2' }) };
    assert.deepEqual(machineFromLabels(labels), { lab: 'l', hostname: 'node2' });
    assert.equal(machineFromLabels({ 'drydock.session': 's' }), undefined);
  });
});

describe('LabNetworks', () => {
  const sandboxLabels = (session: string) => ({ 'drydock.server': 'srv', 'drydock.session': session, 'drydock.learner': 'ann', 'drydock.created': '1', 'drydock.lab': 'lab1', 'drydock.machine': 'node1' });

  it('machines created at once share one network, labelled for the lab and not for the machine that made it', async () => {
    const { engine, networks, log } = memoryEngine();
    const labs = new LabNetworks(engine, new SandboxNetworks(engine, '10.213.0.0/16'), 'srv');
    const seen = await Promise.all(['a', 'b', 'c'].map((s) => labs.withNetwork('lab1', sandboxLabels(s), async (network) => network)));
    assert.deepEqual(seen, Array(3).fill('drydock-sb-lab-lab1'));
    assert.deepEqual(log, ['create drydock-sb-lab-lab1']);
    assert.deepEqual(networks.get('drydock-sb-lab-lab1')?.Labels, { 'drydock.server': 'srv', 'drydock.lab': 'lab1', 'drydock.learner': 'ann', 'drydock.created': '1' });
  });

  it('the network goes only when no machine of the lab is left, counted on the engine', async () => {
    const { engine, networks, containers } = memoryEngine();
    const labs = new LabNetworks(engine, new SandboxNetworks(engine, '10.213.0.0/16'), 'srv');
    await labs.withNetwork('lab1', sandboxLabels('a'), async () => void containers.push({ Labels: sandboxLabels('a') }));
    // Another server's machine of a lab with the same id does not count.
    containers.push({ Labels: { ...sandboxLabels('x'), 'drydock.server': 'other' } });
    assert.equal(await labs.releaseIfEmpty('lab1'), false);
    assert.ok(networks.has('drydock-sb-lab-lab1'));
    containers.shift();
    assert.equal(await labs.releaseIfEmpty('lab1'), true);
    assert.equal(networks.has('drydock-sb-lab-lab1'), false);
    assert.equal(await labs.releaseIfEmpty('lab1'), true, 'again: nothing to remove, no error');
  });

  it('a machine being created is never left without its network by a sibling removed at the same moment', async () => {
    const { engine, networks, containers } = memoryEngine();
    const labs = new LabNetworks(engine, new SandboxNetworks(engine, '10.213.0.0/16'), 'srv');
    await labs.withNetwork('lab1', sandboxLabels('a'), async () => undefined); // machine a, already removed: no container left
    const releasing = labs.releaseIfEmpty('lab1');
    const creating = labs.withNetwork('lab1', sandboxLabels('b'), async (network) => {
      containers.push({ Labels: sandboxLabels('b') });
      return networks.has(network);
    });
    await releasing;
    assert.equal(await creating, true, 'machine b was created on an existing network');
    assert.ok(networks.has('drydock-sb-lab-lab1'));
  });

  it('refuses to put a machine on a network of the lab\'s name that another server made', async () => {
    const { engine, networks } = memoryEngine();
    networks.set('drydock-sb-lab-lab1', { Name: 'drydock-sb-lab-lab1', Labels: { 'drydock.server': 'other', 'drydock.lab': 'lab1' }, IPAM: { Config: [] } });
    const labs = new LabNetworks(engine, new SandboxNetworks(engine, '10.213.0.0/16'), 'srv');
    await assert.rejects(labs.withNetwork('lab1', sandboxLabels('a'), async () => 'joined'), ConflictError);
  });
});
