/**
 * A learner's inner Docker engine as the grader reads it: the engine's own
 * answers, reached from the host without any program in the sandbox
 * (SandboxDriver.innerEngine). Exactly what Docker-state checks need; the
 * Docker backend implements it over the engine's API (docker/inner-engine.ts),
 * and tests serve recorded answers (sandbox-server/test/fake-inner-engine.ts).
 *
 * The types name the fields of the Engine API's JSON that grading reads, in
 * the API's own spelling, so a recorded inspect answer is a valid value. The
 * engine answers `null` for many empty lists and maps; so do these types.
 */

export interface InnerEngine {
  /** GET /_ping: resolves once the engine answers (the grader asks when a verdict failed: was it the engine?). */
  ping(): Promise<void>;
  /** GET /containers/{name}/json; null when there is no such container. */
  inspectContainer(nameOrId: string): Promise<ContainerDetails | null>;
  /** GET /images/{name}/json; null when there is no such image. */
  inspectImage(name: string): Promise<ImageDetails | null>;
  /** GET /images/{name}/history: the image's steps, newest first. */
  imageHistory(name: string): Promise<ImageHistoryStep[]>;
  /** GET /volumes/{name}; null when there is no such volume. */
  inspectVolume(name: string): Promise<VolumeDetails | null>;
  /** GET /networks/{name}; null when there is no such network. */
  inspectNetwork(name: string): Promise<NetworkDetails | null>;
  /**
   * GET /distribution/{name}/json: the image's manifest as its registry
   * serves it, asked by the inner engine. Rejects with the registry's reason
   * (no such manifest, registry unreachable).
   */
  distribution(name: string): Promise<DistributionDetails>;
  /**
   * The first file path (relative, as `bin/sh`) in the image's layers that
   * `wanted` accepts, reading the exported image (`docker save`) no further
   * than that; null when no layer has one.
   */
  findFileInImage(image: string, wanted: (path: string) => boolean): Promise<string | null>;
  /**
   * The swarm as this engine's node sees it (GET /info, and on a manager
   * GET /nodes, /services, /tasks): which task of which service runs on
   * which node. Only a manager holds the cluster's state.
   */
  swarm(): Promise<SwarmState>;
}

/**
 * Swarm state in Drydock's own shape (not the API's): what a check or a
 * visualiser of a lab reads. Tasks carry their service's name and their
 * node's hostname, joined from the same read.
 */
export type SwarmState =
  /** inactive, pending, active (a worker), error, locked: the engine's Swarm.LocalNodeState. */
  | { kind: 'not-a-manager'; localNodeState: string }
  | { kind: 'manager'; nodeId: string; nodes: SwarmNode[]; services: SwarmService[]; tasks: SwarmTask[] };

export interface SwarmNode {
  id: string;
  hostname: string;
  role: 'manager' | 'worker';
  /** ready, down, disconnected, unknown. */
  state: string;
  /** active, pause, drain. */
  availability: string;
  /** The address the node reaches the others from. */
  address?: string;
  leader: boolean;
  engineVersion?: string;
}

export interface SwarmService {
  id: string;
  name: string;
  image: string;
  mode: 'replicated' | 'global' | 'other';
  /** The replicas asked for (replicated services). */
  replicas?: number;
  /** vip (the default) or dnsrr. */
  endpointMode: string;
  /** Published ports, e.g. { target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' }. */
  ports: { target: number; published?: number; protocol: string; mode: string }[];
}

export interface SwarmTask {
  id: string;
  serviceId: string;
  /** '' when the service is gone. */
  serviceName: string;
  /** The replica number (replicated services). */
  slot?: number;
  /** Unset until the task is scheduled. */
  nodeId?: string;
  nodeHostname?: string;
  /** running, shutdown… as the orchestrator wants it. */
  desiredState: string;
  /** new, pending, assigned, preparing, starting, running, complete, failed, rejected… */
  state: string;
  /** The reason a task failed or was rejected, as the engine says it. */
  error?: string;
  containerId?: string;
}

/** A host port binding: "9090:80" is { HostPort: "9090" } under "80/tcp". */
export interface PortBinding {
  HostIp?: string;
  HostPort: string;
}

export interface ContainerMount {
  /** bind, volume, tmpfs… */
  Type: string;
  /** A volume's name ('' for a bind mount). */
  Name?: string;
  /** Host (here: sandbox) path of a bind mount, or where the volume lives. */
  Source: string;
  Destination: string;
  RW: boolean;
}

export interface ContainerDetails {
  Id: string;
  Name: string;
  State: {
    /** created, running, exited… */
    Status: string;
    Running: boolean;
    ExitCode: number;
    OOMKilled: boolean;
    /** Only for a container with a HEALTHCHECK. */
    Health?: { Status: string };
  };
  Config: {
    /** The image as the learner named it. */
    Image: string;
    /** --user as given; '' when not set. */
    User?: string;
  };
  HostConfig: {
    /** Bytes; 0 for none. */
    Memory?: number;
    NanoCpus?: number;
    CpuQuota?: number;
    CpuPeriod?: number;
    PidsLimit?: number | null;
    ReadonlyRootfs?: boolean;
    /** --tmpfs mount points → their options. */
    Tmpfs?: Record<string, string> | null;
    /** bridge ('default' on older engines), host, none, container:<name or id>, or a network name. */
    NetworkMode?: string;
    PublishAllPorts?: boolean;
    CapDrop?: string[] | null;
    SecurityOpt?: string[] | null;
  };
  NetworkSettings: {
    /** "80/tcp" → its host bindings (null when exposed but not published). */
    Ports?: Record<string, PortBinding[] | null> | null;
    /** Network name → the container's endpoint on it. */
    Networks?: Record<string, unknown> | null;
  };
  Mounts?: ContainerMount[] | null;
}

export interface ImageDetails {
  Id: string;
  Os: string;
  Architecture: string;
  Variant?: string;
  /** Bytes. */
  Size: number;
  Config: {
    User?: string;
    /** ["NONE"] when a HEALTHCHECK NONE turned the base's off. */
    Healthcheck?: { Test?: string[] | null } | null;
    Labels?: Record<string, string> | null;
    /** "8080/tcp" → {}. */
    ExposedPorts?: Record<string, unknown> | null;
  };
  RootFS: { Layers?: string[] | null };
}

export interface ImageHistoryStep {
  /** The step as the builder recorded it, e.g. "RUN /bin/sh -c make # buildkit". */
  CreatedBy?: string;
}

export interface VolumeDetails {
  Name: string;
  /** Where the volume's files are, in the sandbox's filesystem. */
  Mountpoint: string;
}

export interface NetworkDetails {
  Name: string;
  Id: string;
}

export interface DistributionDetails {
  Descriptor?: { mediaType?: string };
  /** os/architecture/variant of each image the manifest (list) names. */
  Platforms?: { os?: string; architecture?: string; variant?: string }[] | null;
}
