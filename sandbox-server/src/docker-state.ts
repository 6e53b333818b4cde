import type Docker from 'dockerode';
import { normaliseImage } from '../../lib/lessons/image-references';
import type { DockerCheck } from '../../lib/lessons/schema';

/** The verdict on one assertion, with what was found (shown to the learner and kept as evidence). */
export interface AssertionResult {
  passed: boolean;
  found: string;
}

const isNotFound = (error: unknown): boolean => (error as { statusCode?: number }).statusCode === 404;

/** The first unmet expectation, or null. Each entry is [met?, "expected …, found …"]. */
function firstFailure(expectations: [boolean, string][]): string | null {
  return expectations.find(([met]) => !met)?.[1] ?? null;
}

async function judgeContainer(engine: Docker, a: Extract<DockerCheck['docker'], { container: string }>): Promise<AssertionResult> {
  let info: Docker.ContainerInspectInfo;
  try {
    info = await engine.getContainer(a.container).inspect();
  } catch (error) {
    if (isNotFound(error)) return { passed: false, found: `there is no container named ${a.container}` };
    throw error;
  }
  const ports = info.NetworkSettings.Ports ?? {};
  const mounts = info.Mounts ?? [];
  const networks = Object.keys(info.NetworkSettings.Networks ?? {});
  const expectations: [boolean, string][] = [];
  if (a.running !== undefined) expectations.push([info.State.Running === a.running, `${a.container} should ${a.running ? '' : 'not '}be running; it is ${info.State.Status}`]);
  if (a.image) expectations.push([normaliseImage(info.Config.Image) === normaliseImage(a.image), `${a.container} should run ${a.image}; it runs ${info.Config.Image}`]);
  if (a.exitCode !== undefined) {
    expectations.push([!info.State.Running && info.State.ExitCode === a.exitCode, `${a.container} should have exited with ${a.exitCode}; it is ${info.State.Status}${info.State.Running ? '' : ` (${info.State.ExitCode})`}`]);
  }
  for (const mapping of a.publishes ?? []) {
    const [host, rest] = mapping.split(':') as [string, string];
    const key = rest.includes('/') ? rest : `${rest}/tcp`;
    const bound = (ports[key] ?? []).map((b) => b.HostPort);
    const published = Object.entries(ports).flatMap(([p, b]) => (b ?? []).map((x) => `${x.HostPort}:${p.replace('/tcp', '')}`));
    expectations.push([bound.includes(host), `${a.container} should publish ${mapping}; it publishes ${published.join(', ') || 'nothing'}`]);
  }
  for (const m of a.mounts ?? []) {
    const mount = mounts.find((x) => x.Destination === m.target);
    // Sorted: the engine lists mounts in no fixed order.
    const shown = [...mounts].sort((x, y) => x.Destination.localeCompare(y.Destination)).map((x) => `${x.Source || x.Name}→${x.Destination}${x.RW ? '' : ':ro'}`).join(', ') || 'none';
    expectations.push([Boolean(mount), `${a.container} should have something mounted at ${m.target}; its mounts: ${shown}`]);
    if (mount && m.source) expectations.push([mount.Source === m.source || mount.Name === m.source, `${m.target} should come from ${m.source}; it comes from ${mount.Source || mount.Name}`]);
    if (mount && m.readOnly !== undefined) expectations.push([mount.RW === !m.readOnly, `${m.target} should be ${m.readOnly ? 'read-only' : 'writable'}; it is ${mount.RW ? 'writable' : 'read-only'}`]);
  }
  for (const n of a.networks ?? []) expectations.push([networks.includes(n), `${a.container} should be on network ${n}; it is on ${networks.join(', ') || 'none'}`]);
  const failure = firstFailure(expectations);
  return { passed: failure === null, found: failure ?? `${a.container} is as expected` };
}

const ROOT_USERS = new Set(['', 'root', '0', 'root:root', '0:0', 'root:0', '0:root']);

async function judgeImage(engine: Docker, a: Extract<DockerCheck['docker'], { image: string; container?: never }>): Promise<AssertionResult> {
  let info: Docker.ImageInspectInfo;
  try {
    info = await engine.getImage(a.image).inspect();
  } catch (error) {
    if (isNotFound(error)) return { passed: false, found: `there is no image ${a.image}` };
    throw error;
  }
  const user = info.Config.User ?? '';
  const test = info.Config.Healthcheck?.Test ?? [];
  const labels = info.Config.Labels ?? {};
  const sizeMB = info.Size / 1e6;
  const layers = info.RootFS.Layers?.length ?? 0;
  const expectations: [boolean, string][] = [];
  if (a.nonRootUser) expectations.push([!ROOT_USERS.has(user), `${a.image} should run as a non-root USER; its user is ${user || 'not set (root)'}`]);
  if (a.healthcheck) expectations.push([test.length > 0 && test[0] !== 'NONE', `${a.image} should have a HEALTHCHECK; it has none`]);
  for (const [key, value] of Object.entries(a.labels ?? {})) {
    expectations.push([labels[key] === value, `${a.image} should have the label ${key}=${value}; ${key} is ${labels[key] === undefined ? 'not set' : `"${labels[key]}"`}`]);
  }
  if (a.maxSizeMB !== undefined) expectations.push([sizeMB <= a.maxSizeMB, `${a.image} should be at most ${a.maxSizeMB} MB; it is ${sizeMB.toFixed(1)} MB`]);
  if (a.maxLayers !== undefined) expectations.push([layers <= a.maxLayers, `${a.image} should have at most ${a.maxLayers} layer(s); it has ${layers}`]);
  const failure = firstFailure(expectations);
  return { passed: failure === null, found: failure ?? `${a.image} is as expected` };
}

async function judgeResource(engine: Docker, kind: 'volume' | 'network', name: string, exists: boolean): Promise<AssertionResult> {
  let present = true;
  try {
    await (kind === 'volume' ? engine.getVolume(name).inspect() : engine.getNetwork(name).inspect());
  } catch (error) {
    if (!isNotFound(error)) throw error;
    present = false;
  }
  return { passed: present === exists, found: `the ${kind} ${name} ${present ? 'exists' : 'does not exist'}` };
}

/** Evaluates one Docker-state assertion against the sandbox's inner engine. */
export async function judgeDockerState(engine: Docker, assertion: DockerCheck['docker']): Promise<AssertionResult> {
  if ('container' in assertion) return judgeContainer(engine, assertion);
  if ('volume' in assertion) return judgeResource(engine, 'volume', assertion.volume, assertion.exists);
  if ('network' in assertion) return judgeResource(engine, 'network', assertion.network, assertion.exists);
  return judgeImage(engine, assertion);
}
