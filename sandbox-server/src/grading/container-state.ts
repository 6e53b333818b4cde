import { canonicalImageName } from '../../../lib/image-reference/image-reference';
import type { ContainerDetails, InnerEngine } from '../engine/inner-engine';
import { isRootUser } from './dockerfile/parse';
import { verdict, type Assertion, type AssertionResult, type Expectations } from './judgement';

type ContainerAssertion = Extract<Assertion, { container: string }>;

/** A learner's container against what the lesson asks of it, judged on the inner engine's inspect answer. */
export async function judgeContainer(engine: InnerEngine, a: ContainerAssertion): Promise<AssertionResult> {
  const info = await engine.inspectContainer(a.container);
  if (!info) return { passed: false, found: `there is no container named ${a.container}` };
  const mode = a.networkMode === undefined ? undefined : await networkMode(engine, a.container, a.networkMode, info);
  return verdict([...runAndWiring(a, info), ...limitsAndHardening(a, info, mode)], a.container);
}

/** Whether it runs, from what image, and how it is wired: ports, mounts, networks. */
function runAndWiring(a: ContainerAssertion, info: ContainerDetails): Expectations {
  const ports = info.NetworkSettings.Ports ?? {};
  const mounts = info.Mounts ?? [];
  const networks = Object.keys(info.NetworkSettings.Networks ?? {});
  const expectations: Expectations = [];
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
  return expectations;
}

const MiB = 1024 * 1024;
const capName = (c: string): string => c.toUpperCase().replace(/^CAP_/, '');
/** --security-opt no-new-privileges is stored as given: bare, "=true" or ":true". */
const hasSecurityOpt = (opts: string[], wanted: string): boolean => opts.some((o) => o === wanted || o === `${wanted}=true` || o === `${wanted}:true`);

/** The resource limits and hardening options of `docker run`, as the engine recorded them (the network mode judged already). */
function limitsAndHardening(a: ContainerAssertion, info: ContainerDetails, mode: [boolean, string] | undefined): Expectations {
  const host = info.HostConfig;
  const name = a.container;
  const expectations: Expectations = [];
  if (a.oomKilled !== undefined) expectations.push([info.State.OOMKilled === a.oomKilled, `${name} should ${a.oomKilled ? '' : 'not '}have been killed for running out of memory; OOMKilled is ${info.State.OOMKilled}`]);
  if (a.health) {
    const status = info.State.Health?.Status;
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
    const tmpfs = [...Object.keys(host.Tmpfs ?? {}), ...(info.Mounts ?? []).filter((m) => m.Type === 'tmpfs').map((m) => m.Destination)];
    for (const path of a.tmpfs) expectations.push([tmpfs.includes(path), `${name} should have a tmpfs at ${path}; ${tmpfs.length ? `it has ${tmpfs.sort().join(', ')}` : 'it has none'}`]);
  }
  const user = info.Config.User ?? '';
  if (a.user !== undefined) expectations.push([user === a.user, `${name} should run as user ${a.user}; it runs as ${user || 'the image default (root unless the image has a USER)'}`]);
  if (a.nonRootUser) expectations.push([!isRootUser(user), `${name} should run as a non-root user; its user is ${user || 'not set (root)'}`]);
  if (mode) expectations.push(mode);
  if (a.publishAll !== undefined) expectations.push([Boolean(host.PublishAllPorts) === a.publishAll, `${name} should ${a.publishAll ? '' : 'not '}publish all exposed ports (-P); it does${host.PublishAllPorts ? '' : ' not'}`]);
  const dropped = (host.CapDrop ?? []).map(capName);
  for (const cap of a.capDrop ?? []) expectations.push([dropped.includes(capName(cap)), `${name} should drop ${cap}; it drops ${dropped.join(', ') || 'nothing'}`]);
  const opts = host.SecurityOpt ?? [];
  for (const opt of a.securityOpt ?? []) expectations.push([hasSecurityOpt(opts, opt), `${name} should run with --security-opt ${opt}; it has ${opts.join(', ') || 'none'}`]);
  return expectations;
}

/** --network as the learner gave it; container:<x> is stored as given (a name or an id), so the containers themselves are compared. */
async function networkMode(engine: InnerEngine, name: string, wanted: string, info: ContainerDetails): Promise<[boolean, string]> {
  const mode = info.HostConfig.NetworkMode === 'default' ? 'bridge' : (info.HostConfig.NetworkMode ?? '');
  let met = mode === wanted;
  if (!met && wanted.startsWith('container:') && mode.startsWith('container:')) {
    const idOf = async (m: string) => (await engine.inspectContainer(m.slice('container:'.length)).catch(() => null))?.Id ?? m;
    const [wantedId, actualId] = await Promise.all([idOf(wanted), idOf(mode)]);
    met = wantedId === actualId;
  }
  return [met, `${name} should use network mode ${wanted}; it uses ${mode}`];
}
