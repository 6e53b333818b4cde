import { z } from 'zod';
import type { SwarmNode, SwarmService, SwarmState, SwarmTask } from '../inner-engine';

/**
 * The Engine API's swarm answers (GET /info's Swarm, /nodes, /services,
 * /tasks), read into Drydock's SwarmState. Parsed, not cast: the engine is
 * the learner's, so what it says is checked field by field and anything
 * else it says is ignored. Only the fields read here are named.
 */

const Info = z.object({
  Swarm: z.object({ NodeID: z.string().default(''), LocalNodeState: z.string().default('inactive'), ControlAvailable: z.boolean().default(false) }).partial().prefault({}),
});

const Node = z.object({
  ID: z.string(),
  Spec: z.object({ Role: z.string().optional(), Availability: z.string().optional() }).prefault({}),
  Description: z.object({ Hostname: z.string().optional(), Engine: z.object({ EngineVersion: z.string().optional() }).optional() }).prefault({}),
  Status: z.object({ State: z.string().optional(), Addr: z.string().optional() }).prefault({}),
  ManagerStatus: z.object({ Leader: z.boolean().optional(), Addr: z.string().optional() }).nullish(),
});

const Port = z.object({ TargetPort: z.number(), PublishedPort: z.number().optional(), Protocol: z.string().default('tcp'), PublishMode: z.string().default('ingress') });

const Service = z.object({
  ID: z.string(),
  Spec: z.object({
    Name: z.string().default(''),
    TaskTemplate: z.object({ ContainerSpec: z.object({ Image: z.string().default('') }).prefault({}) }).prefault({}),
    Mode: z.object({ Replicated: z.object({ Replicas: z.number().optional() }).optional(), Global: z.object({}).passthrough().optional() }).prefault({}),
    EndpointSpec: z.object({ Mode: z.string().optional(), Ports: z.array(Port).nullish() }).nullish(),
  }),
  Endpoint: z.object({ Ports: z.array(Port).nullish() }).nullish(),
});

const Task = z.object({
  ID: z.string(),
  ServiceID: z.string().default(''),
  NodeID: z.string().optional(),
  Slot: z.number().optional(),
  DesiredState: z.string().default(''),
  Status: z.object({ State: z.string().default(''), Err: z.string().optional(), ContainerStatus: z.object({ ContainerID: z.string().optional() }).nullish() }).prefault({}),
});

export function swarmRole(info: unknown): { nodeId: string; localNodeState: string; manager: boolean } {
  const swarm = Info.parse(info).Swarm;
  return { nodeId: swarm.NodeID ?? '', localNodeState: swarm.LocalNodeState ?? 'inactive', manager: swarm.ControlAvailable === true };
}

/** A manager's answers as SwarmState; an engine that is not a manager gets `not-a-manager` from the info alone. */
export function parseSwarmState(info: unknown, answers?: { nodes: unknown; services: unknown; tasks: unknown }): SwarmState {
  const role = swarmRole(info);
  if (!role.manager || !answers) return { kind: 'not-a-manager', localNodeState: role.localNodeState };
  const nodes = z.array(Node).parse(answers.nodes).map(toNode);
  const services = z.array(Service).parse(answers.services).map(toService);
  const hostnames = new Map(nodes.map((n) => [n.id, n.hostname]));
  const names = new Map(services.map((s) => [s.id, s.name]));
  const tasks = z
    .array(Task)
    .parse(answers.tasks)
    .map((t): SwarmTask => ({
      id: t.ID,
      serviceId: t.ServiceID,
      serviceName: names.get(t.ServiceID) ?? '',
      ...(t.Slot !== undefined ? { slot: t.Slot } : {}),
      // The API spells "not scheduled yet" as an absent or empty NodeID.
      ...(t.NodeID ? { nodeId: t.NodeID } : {}),
      ...(t.NodeID && hostnames.has(t.NodeID) ? { nodeHostname: hostnames.get(t.NodeID) } : {}),
      desiredState: t.DesiredState,
      state: t.Status.State,
      ...(t.Status.Err ? { error: t.Status.Err } : {}),
      ...(t.Status.ContainerStatus?.ContainerID ? { containerId: t.Status.ContainerStatus.ContainerID } : {}),
    }))
    // Stable order for a reader: by service, then replica, then id.
    .sort((a, b) => a.serviceName.localeCompare(b.serviceName) || (a.slot ?? 0) - (b.slot ?? 0) || a.id.localeCompare(b.id));
  return { kind: 'manager', nodeId: role.nodeId, nodes, services, tasks };
}

function toNode(n: z.infer<typeof Node>): SwarmNode {
  return {
    id: n.ID,
    hostname: n.Description.Hostname ?? '',
    role: n.Spec.Role === 'manager' ? 'manager' : 'worker',
    state: n.Status.State ?? 'unknown',
    availability: n.Spec.Availability ?? 'active',
    // A manager's Status.Addr can read 0.0.0.0; its ManagerStatus.Addr (ip:2377) is the real one.
    ...(nodeAddress(n) ? { address: nodeAddress(n) } : {}),
    leader: n.ManagerStatus?.Leader === true,
    ...(n.Description.Engine?.EngineVersion ? { engineVersion: n.Description.Engine.EngineVersion } : {}),
  };
}

function nodeAddress(n: z.infer<typeof Node>): string | undefined {
  const status = n.Status.Addr;
  if (status && status !== '0.0.0.0') return status;
  return n.ManagerStatus?.Addr?.replace(/:\d+$/, '') ?? status;
}

function toService(s: z.infer<typeof Service>): SwarmService {
  const mode = s.Spec.Mode.Replicated ? 'replicated' : s.Spec.Mode.Global ? 'global' : 'other';
  const ports = s.Endpoint?.Ports ?? s.Spec.EndpointSpec?.Ports ?? [];
  return {
    id: s.ID,
    name: s.Spec.Name,
    image: s.Spec.TaskTemplate.ContainerSpec.Image,
    mode,
    ...(mode === 'replicated' ? { replicas: s.Spec.Mode.Replicated?.Replicas ?? 1 } : {}),
    endpointMode: s.Spec.EndpointSpec?.Mode ?? 'vip',
    ports: ports.map((p) => ({ target: p.TargetPort, ...(p.PublishedPort !== undefined ? { published: p.PublishedPort } : {}), protocol: p.Protocol, mode: p.PublishMode })),
  };
}
