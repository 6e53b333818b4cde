import type Docker from 'dockerode';
import { canonicalImageName } from '../../../lib/image-reference/image-reference';
import type { DockerCheck } from '../../../lib/lesson-format/schema';
import type { SandboxFile } from '../engine/driver';
import { isRootUser } from './dockerfile/parse';
import { findBaseOsFile } from './image-filesystem';

/**
 * Where the assertions look: the sandbox's inner engine (its API, through a
 * socket the server reaches from the host) and, for files inside volumes,
 * the sandbox's filesystem as the outer engine reads it.
 */
export interface StateSources {
  engine: Docker;
  readFile(path: string, maxBytes: number): Promise<SandboxFile>;
}

type Assertion = DockerCheck['docker'];

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

async function judgeContainer(engine: Docker, a: Extract<Assertion, { container: string }>): Promise<AssertionResult> {
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
  if (a.image) expectations.push([canonicalImageName(info.Config.Image) === canonicalImageName(a.image), `${a.container} should run ${a.image}; it runs ${info.Config.Image}`]);
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
  await judgeContainerSettings(engine, a, info, expectations);
  const failure = firstFailure(expectations);
  return { passed: failure === null, found: failure ?? `${a.container} is as expected` };
}

const MiB = 1024 * 1024;
const capName = (c: string): string => c.toUpperCase().replace(/^CAP_/, '');
/** --security-opt no-new-privileges is stored as given: bare, "=true" or ":true". */
const hasSecurityOpt = (opts: string[], wanted: string): boolean => opts.some((o) => o === wanted || o === `${wanted}=true` || o === `${wanted}:true`);

/** The resource limits and hardening options of `docker run`, as the engine recorded them. */
async function judgeContainerSettings(engine: Docker, a: Extract<Assertion, { container: string }>, info: Docker.ContainerInspectInfo, expectations: [boolean, string][]): Promise<void> {
  const host = info.HostConfig;
  const name = a.container;
  if (a.oomKilled !== undefined) expectations.push([info.State.OOMKilled === a.oomKilled, `${name} should ${a.oomKilled ? '' : 'not '}have been killed for running out of memory; OOMKilled is ${info.State.OOMKilled}`]);
  if (a.health) {
    const status = (info.State as { Health?: { Status?: string } }).Health?.Status;
    expectations.push([status === a.health, `${name} should be ${a.health}; ${status ? `it is ${status}` : 'it has no HEALTHCHECK'}`]);
  }
  if (a.memoryMB !== undefined) {
    const mb = (host.Memory ?? 0) / MiB;
    expectations.push([Math.abs(mb - a.memoryMB) < 0.5, `${name} should have a ${a.memoryMB} MiB memory limit; ${mb ? `it has ${+mb.toFixed(1)} MiB` : 'it has none'}`]);
  }
  if (a.cpus !== undefined) {
    const cpus = host.NanoCpus ? host.NanoCpus / 1e9 : host.CpuQuota && host.CpuQuota > 0 ? host.CpuQuota / (host.CpuPeriod || 100_000) : 0;
    expectations.push([Math.abs(cpus - a.cpus) < 0.005, `${name} should be limited to ${a.cpus} CPUs; ${cpus ? `it has ${+cpus.toFixed(3)}` : 'it has no CPU limit'}`]);
  }
  if (a.pidsLimit !== undefined) {
    const pids = host.PidsLimit ?? 0;
    expectations.push([pids === a.pidsLimit, `${name} should have a pids limit of ${a.pidsLimit}; ${pids > 0 ? `it has ${pids}` : 'it has none'}`]);
  }
  if (a.readOnlyRootfs !== undefined) expectations.push([Boolean(host.ReadonlyRootfs) === a.readOnlyRootfs, `${name}'s root filesystem should be ${a.readOnlyRootfs ? 'read-only' : 'writable'}; it is ${host.ReadonlyRootfs ? 'read-only' : 'writable'}`]);
  if (a.tmpfs) {
    const tmpfs = [...Object.keys((host as { Tmpfs?: Record<string, string> }).Tmpfs ?? {}), ...(info.Mounts ?? []).filter((m) => (m.Type as string) === 'tmpfs').map((m) => m.Destination)];
    for (const path of a.tmpfs) expectations.push([tmpfs.includes(path), `${name} should have a tmpfs at ${path}; ${tmpfs.length ? `it has ${tmpfs.sort().join(', ')}` : 'it has none'}`]);
  }
  const user = info.Config.User ?? '';
  if (a.user !== undefined) expectations.push([user === a.user, `${name} should run as user ${a.user}; it runs as ${user || 'the image default (root unless the image has a USER)'}`]);
  if (a.nonRootUser) expectations.push([!isRootUser(user), `${name} should run as a non-root user; its user is ${user || 'not set (root)'}`]);
  if (a.networkMode !== undefined) {
    const mode = host.NetworkMode === 'default' ? 'bridge' : (host.NetworkMode ?? '');
    let met = mode === a.networkMode;
    if (!met && a.networkMode.startsWith('container:') && mode.startsWith('container:')) {
      // Stored as given (a name or an id); compare the containers themselves.
      const [wanted, actual] = await Promise.all([a.networkMode, mode].map((m) => engine.getContainer(m.slice('container:'.length)).inspect().then((c) => c.Id).catch(() => m)));
      met = wanted === actual;
    }
    expectations.push([met, `${name} should use network mode ${a.networkMode}; it uses ${mode}`]);
  }
  if (a.publishAll !== undefined) expectations.push([Boolean(host.PublishAllPorts) === a.publishAll, `${name} should ${a.publishAll ? '' : 'not '}publish all exposed ports (-P); it does${host.PublishAllPorts ? '' : ' not'}`]);
  const dropped = (host.CapDrop ?? []).map(capName);
  for (const cap of a.capDrop ?? []) expectations.push([dropped.includes(capName(cap)), `${name} should drop ${cap}; it drops ${dropped.join(', ') || 'nothing'}`]);
  const opts = host.SecurityOpt ?? [];
  for (const opt of a.securityOpt ?? []) expectations.push([hasSecurityOpt(opts, opt), `${name} should run with --security-opt ${opt}; it has ${opts.join(', ') || 'none'}`]);
}

/** "linux/arm64" also matches an image for linux/arm64/v8; a variant, when asked for, must match. */
const platformMatches = (wanted: string, actual: string): boolean => actual === wanted || (wanted.split('/').length === 2 && actual.startsWith(`${wanted}/`));

/** A history step as the learner wrote it: "RUN /bin/sh -c x # buildkit" → "RUN x"; "/bin/sh -c #(nop)  CMD …" → "CMD …". */
const describeStep = (createdBy: string): string =>
  createdBy
    .replace(/ # buildkit$/, '')
    .replace(/^\/bin\/sh -c #\(nop\)\s*/, '')
    .replace(/^\/bin\/sh -c /, 'RUN ')
    .replace(/^RUN \/bin\/sh -c /, 'RUN ')
    .trim();

const clip = (text: string, max = 100): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

async function judgeImage(engine: Docker, a: Extract<Assertion, { image: string; container?: never }>): Promise<AssertionResult> {
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
  if (a.nonRootUser) expectations.push([!isRootUser(user), `${a.image} should run as a non-root USER; its user is ${user || 'not set (root)'}`]);
  if (a.healthcheck) expectations.push([test.length > 0 && test[0] !== 'NONE', `${a.image} should have a HEALTHCHECK; it has none`]);
  for (const [key, value] of Object.entries(a.labels ?? {})) {
    expectations.push([labels[key] === value, `${a.image} should have the label ${key}=${value}; ${key} is ${labels[key] === undefined ? 'not set' : `"${labels[key]}"`}`]);
  }
  if (a.maxSizeMB !== undefined) expectations.push([sizeMB <= a.maxSizeMB, `${a.image} should be at most ${a.maxSizeMB} MB; it is ${sizeMB.toFixed(1)} MB`]);
  if (a.maxLayers !== undefined) expectations.push([layers <= a.maxLayers, `${a.image} should have at most ${a.maxLayers} layer(s); it has ${layers}`]);
  if (a.historyExcludes?.length) {
    // Newest first from the engine; numbered oldest-first like the Dockerfile's steps.
    const history = (await engine.getImage(a.image).history()) as { CreatedBy?: string }[];
    const steps = history.map((h) => h.CreatedBy ?? '').reverse();
    for (const pattern of a.historyExcludes) {
      const regex = new RegExp(pattern);
      const at = steps.findIndex((step) => regex.test(step));
      expectations.push([at < 0, `${a.image} should have no step matching /${pattern}/ in its history; step ${at + 1} of ${steps.length} is "${clip(describeStep(steps[at] ?? ''))}"`]);
    }
  }
  if (a.platform) {
    const platform = [info.Os, info.Architecture, (info as { Variant?: string }).Variant].filter(Boolean).join('/');
    expectations.push([platformMatches(a.platform, platform), `${a.image} should be for ${a.platform}; it is for ${platform}`]);
  }
  if (a.exposes) {
    const exposed = Object.keys(info.Config.ExposedPorts ?? {});
    for (const port of a.exposes) {
      const key = port.includes('/') ? port : `${port}/tcp`;
      expectations.push([exposed.includes(key), `${a.image} should EXPOSE ${key}; it exposes ${exposed.sort().join(', ') || 'nothing'}`]);
    }
  }
  if (a.fromScratch && !firstFailure(expectations)) {
    // Reads the exported image, so only when everything cheaper already holds.
    const found = await findBaseOsFile(engine, a.image);
    expectations.push([found === null, `${a.image} should be built FROM scratch; it contains /${found ?? ''} from a base operating system`]);
  }
  const failure = firstFailure(expectations);
  return { passed: failure === null, found: failure ?? `${a.image} is as expected` };
}

/** Bytes of a volume file read for an equals/contains comparison. */
const VOLUME_FILE_BYTES = 64 * 1024;

async function judgeVolume(sources: StateSources, a: Extract<Assertion, { volume: string }>): Promise<AssertionResult> {
  let mountpoint: string;
  try {
    mountpoint = (await sources.engine.getVolume(a.volume).inspect()).Mountpoint;
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return { passed: !a.exists, found: `there is no volume named ${a.volume}` };
  }
  if (!a.exists) return { passed: false, found: `the volume ${a.volume} exists` };
  if (!a.file) return { passed: true, found: `the volume ${a.volume} exists` };
  // The engine's own record of where the volume lives, not a guessed path: a
  // directory made by hand under /var/lib/docker/volumes is not a volume.
  const where = `${a.volume}:/${a.file.path}`;
  const file = await sources.readFile(`${mountpoint}/${a.file.path}`, VOLUME_FILE_BYTES);
  if (file.kind === 'missing') return { passed: false, found: `the volume ${a.volume} has no file ${a.file.path}` };
  if (file.kind === 'not-a-file') return { passed: false, found: `${where} is a ${file.type}, not a regular file` };
  const text = file.content.toString('utf8');
  const shown = JSON.stringify(clip(text.trim(), 80));
  if (a.file.equals !== undefined && text.trim() !== a.file.equals.trim()) {
    return { passed: false, found: `${where} should hold ${JSON.stringify(a.file.equals.trim())}; it holds ${shown}` };
  }
  if (a.file.contains !== undefined && !text.includes(a.file.contains)) {
    return { passed: false, found: `${where} should contain ${JSON.stringify(a.file.contains)}; it holds ${shown}` };
  }
  return { passed: true, found: `${where} holds ${shown}` };
}

interface DistributionInfo {
  Descriptor?: { mediaType?: string };
  Platforms?: { os?: string; architecture?: string; variant?: string }[];
}

const MANIFEST_LISTS = new Set(['application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.oci.image.index.v1+json']);

/** Asks the inner engine to read the image's manifest from its registry (GET /distribution/{name}/json). */
async function judgeManifest(engine: Docker, a: Extract<Assertion, { manifest: string }>): Promise<AssertionResult> {
  let info: DistributionInfo;
  try {
    info = (await engine.getImage(a.manifest).distribution({})) as DistributionInfo;
  } catch (error) {
    const reason = ((error as { json?: { message?: string } }).json?.message ?? (error as Error).message).split('\n')[0] ?? '';
    return { passed: false, found: `could not read ${a.manifest} from its registry: ${clip(reason, 160)}` };
  }
  const found = (info.Platforms ?? []).map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/'));
  const isList = MANIFEST_LISTS.has(info.Descriptor?.mediaType ?? '');
  if (!a.platforms) return { passed: true, found: `${a.manifest} is in its registry (${isList ? `a list: ${found.join(', ')}` : `one image, ${found.join(', ') || 'platform unknown'}`})` };
  const missing = a.platforms.filter((p) => !found.some((f) => platformMatches(p, f)));
  if (!isList) return { passed: false, found: `${a.manifest} should be a manifest list for ${a.platforms.join(', ')}; it is a single-platform image (${found.join(', ') || 'platform unknown'})` };
  if (missing.length) return { passed: false, found: `${a.manifest} should list ${a.platforms.join(', ')}; it lists ${found.join(', ')}` };
  return { passed: true, found: `${a.manifest} lists ${found.join(', ')}` };
}

async function judgeNetwork(engine: Docker, name: string, exists: boolean): Promise<AssertionResult> {
  let present = true;
  try {
    await engine.getNetwork(name).inspect();
  } catch (error) {
    if (!isNotFound(error)) throw error;
    present = false;
  }
  return { passed: present === exists, found: `the network ${name} ${present ? 'exists' : 'does not exist'}` };
}

/** Evaluates one Docker-state assertion against the sandbox's inner engine. */
export async function judgeDockerState(sources: StateSources, assertion: Assertion): Promise<AssertionResult> {
  if ('container' in assertion) return judgeContainer(sources.engine, assertion);
  if ('volume' in assertion) return judgeVolume(sources, assertion);
  if ('network' in assertion) return judgeNetwork(sources.engine, assertion.network, assertion.exists);
  if ('manifest' in assertion) return judgeManifest(sources.engine, assertion);
  return judgeImage(sources.engine, assertion);
}
