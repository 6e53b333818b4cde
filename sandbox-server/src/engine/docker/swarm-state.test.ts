import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSwarmState } from './swarm-state';

// Shaped like Engine 26's answers in a three-machine lab (trimmed to a few fields beside those read).
const managerInfo = { ID: 'engine', Swarm: { NodeID: 'n1', NodeAddr: '10.213.0.2', LocalNodeState: 'active', ControlAvailable: true, Nodes: 3, Managers: 1 } };
const nodes = [
  {
    ID: 'n1',
    Version: { Index: 9 },
    Spec: { Labels: {}, Role: 'manager', Availability: 'active' },
    Description: { Hostname: 'node1', Platform: { Architecture: 'x86_64', OS: 'linux' }, Engine: { EngineVersion: '26.1.5+dfsg1' } },
    Status: { State: 'ready', Addr: '0.0.0.0' },
    ManagerStatus: { Leader: true, Reachability: 'reachable', Addr: '10.213.0.2:2377' },
  },
  { ID: 'n3', Spec: { Role: 'worker', Availability: 'drain' }, Description: { Hostname: 'node3' }, Status: { State: 'down', Addr: '10.213.0.4' } },
  { ID: 'n2', Spec: { Role: 'worker', Availability: 'active' }, Description: { Hostname: 'node2' }, Status: { State: 'ready', Addr: '10.213.0.3' } },
];
const services = [
  {
    ID: 's-web',
    Spec: {
      Name: 'web',
      TaskTemplate: { ContainerSpec: { Image: 'busybox:latest', Args: ['httpd', '-f'] } },
      Mode: { Replicated: { Replicas: 3 } },
      EndpointSpec: { Mode: 'dnsrr' },
    },
    Endpoint: { Spec: {} },
  },
  {
    ID: 's-mon',
    Spec: { Name: 'mon', TaskTemplate: { ContainerSpec: { Image: 'busybox' } }, Mode: { Global: {} }, EndpointSpec: { Mode: 'vip', Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8081, PublishMode: 'host' }] } },
    Endpoint: { Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8081, PublishMode: 'host' }], VirtualIPs: [] },
  },
];
const tasks = [
  { ID: 't-web-2', ServiceID: 's-web', Slot: 2, NodeID: 'n2', DesiredState: 'running', Status: { State: 'running', ContainerStatus: { ContainerID: 'c2', PID: 42 } } },
  { ID: 't-web-1', ServiceID: 's-web', Slot: 1, NodeID: 'n1', DesiredState: 'running', Status: { State: 'running', ContainerStatus: { ContainerID: 'c1' } } },
  { ID: 't-web-3', ServiceID: 's-web', Slot: 3, DesiredState: 'running', Status: { State: 'pending', Err: 'no suitable node (1 node not available for new tasks)' } },
  { ID: 't-mon', ServiceID: 's-mon', NodeID: 'n1', DesiredState: 'running', Status: { State: 'rejected', Err: 'port 8081 is already in use' } },
  { ID: 't-orphan', ServiceID: 's-gone', NodeID: 'n9', DesiredState: 'shutdown', Status: { State: 'complete' } },
];

describe('parseSwarmState', () => {
  it('reads nodes: role, state, availability, the leader, and a manager\'s real address', () => {
    const state = parseSwarmState(managerInfo, { nodes, services, tasks });
    assert.equal(state.kind, 'manager');
    if (state.kind !== 'manager') return;
    assert.equal(state.nodeId, 'n1');
    assert.deepEqual(state.nodes, [
      { id: 'n1', hostname: 'node1', role: 'manager', state: 'ready', availability: 'active', address: '10.213.0.2', leader: true, engineVersion: '26.1.5+dfsg1' },
      { id: 'n3', hostname: 'node3', role: 'worker', state: 'down', availability: 'drain', address: '10.213.0.4', leader: false },
      { id: 'n2', hostname: 'node2', role: 'worker', state: 'ready', availability: 'active', address: '10.213.0.3', leader: false },
    ]);
  });

  it('reads services: mode, replicas, endpoint mode, published ports', () => {
    const state = parseSwarmState(managerInfo, { nodes, services, tasks });
    assert.ok(state.kind === 'manager');
    assert.deepEqual(state.services, [
      { id: 's-web', name: 'web', image: 'busybox:latest', mode: 'replicated', replicas: 3, endpointMode: 'dnsrr', ports: [] },
      { id: 's-mon', name: 'mon', image: 'busybox', mode: 'global', endpointMode: 'vip', ports: [{ target: 80, published: 8081, protocol: 'tcp', mode: 'host' }] },
    ]);
  });

  it('says which task runs on which node (service name and hostname joined), sorted by service and replica', () => {
    const state = parseSwarmState(managerInfo, { nodes, services, tasks });
    assert.ok(state.kind === 'manager');
    assert.deepEqual(
      state.tasks.map((t) => [t.serviceName, t.slot, t.nodeHostname, t.state, t.error]),
      [
        ['', undefined, undefined, 'complete', undefined],
        ['mon', undefined, 'node1', 'rejected', 'port 8081 is already in use'],
        ['web', 1, 'node1', 'running', undefined],
        ['web', 2, 'node2', 'running', undefined],
        ['web', 3, undefined, 'pending', 'no suitable node (1 node not available for new tasks)'],
      ],
    );
    const first = state.tasks.find((t) => t.id === 't-web-1');
    assert.deepEqual(first, { id: 't-web-1', serviceId: 's-web', serviceName: 'web', slot: 1, nodeId: 'n1', nodeHostname: 'node1', desiredState: 'running', state: 'running', containerId: 'c1' });
    assert.equal(state.tasks.find((t) => t.id === 't-web-3')?.nodeId, undefined, 'an unscheduled task has no node');
  });

  it('a worker, or an engine in no swarm, is not a manager: its local state is all it knows', () => {
    assert.deepEqual(parseSwarmState({ Swarm: { NodeID: 'n2', LocalNodeState: 'active', ControlAvailable: false } }), { kind: 'not-a-manager', localNodeState: 'active' });
    assert.deepEqual(parseSwarmState({ Swarm: { NodeID: '', LocalNodeState: 'inactive', ControlAvailable: false } }), { kind: 'not-a-manager', localNodeState: 'inactive' });
    assert.deepEqual(parseSwarmState({}), { kind: 'not-a-manager', localNodeState: 'inactive' });
  });

  it('refuses answers that are not the API\'s shape rather than guessing', () => {
    assert.throws(() => parseSwarmState(managerInfo, { nodes: [{ Spec: {} }], services: [], tasks: [] }));
    assert.throws(() => parseSwarmState(managerInfo, { nodes: [], services: 'nope', tasks: [] }));
  });
});
