import type { InnerEngine } from '../engine/inner-engine';
import { isRootUser } from './dockerfile/parse';
import { clip, firstFailure, platformMatches, verdict, type Assertion, type AssertionResult, type Expectations } from './judgement';

type ImageAssertion = Extract<Assertion, { image: string; container?: never }>;

/**
 * Files that only a base operating system brings. An image built FROM
 * scratch has none of them unless the learner copied one in on purpose.
 */
export const BASE_OS_FILES: ReadonlySet<string> = new Set([
  'bin/sh',
  'bin/bash',
  'bin/busybox',
  'usr/bin/busybox',
  'etc/os-release',
  'usr/lib/os-release',
  'etc/debian_version',
  'etc/alpine-release',
  'var/lib/dpkg/status',
  'lib/apk/db/installed',
]);

/** A history step as the learner wrote it: "RUN /bin/sh -c x # buildkit" → "RUN x"; "/bin/sh -c #(nop)  CMD …" → "CMD …". */
const describeStep = (createdBy: string): string =>
  createdBy
    .replace(/ # buildkit$/, '')
    .replace(/^\/bin\/sh -c #\(nop\)\s*/, '')
    .replace(/^\/bin\/sh -c /, 'RUN ')
    .replace(/^RUN \/bin\/sh -c /, 'RUN ')
    .trim();

/** A learner's image against what the lesson asks of it: its inspect answer, its history and, for fromScratch, its files. */
export async function judgeImage(engine: InnerEngine, a: ImageAssertion): Promise<AssertionResult> {
  const info = await engine.inspectImage(a.image);
  if (!info) return { passed: false, found: `there is no image ${a.image}` };
  const user = info.Config.User ?? '';
  const test = info.Config.Healthcheck?.Test ?? [];
  const labels = info.Config.Labels ?? {};
  const sizeMB = info.Size / 1e6;
  const layers = info.RootFS.Layers?.length ?? 0;
  const expectations: Expectations = [];
  if (a.nonRootUser) expectations.push([!isRootUser(user), `${a.image} should run as a non-root USER; its user is ${user || 'not set (root)'}`]);
  if (a.healthcheck) expectations.push([test.length > 0 && test[0] !== 'NONE', `${a.image} should have a HEALTHCHECK; it has none`]);
  for (const [key, value] of Object.entries(a.labels ?? {})) {
    expectations.push([labels[key] === value, `${a.image} should have the label ${key}=${value}; ${key} is ${labels[key] === undefined ? 'not set' : `"${labels[key]}"`}`]);
  }
  if (a.maxSizeMB !== undefined) expectations.push([sizeMB <= a.maxSizeMB, `${a.image} should be at most ${a.maxSizeMB} MB; it is ${sizeMB.toFixed(1)} MB`]);
  if (a.maxLayers !== undefined) expectations.push([layers <= a.maxLayers, `${a.image} should have at most ${a.maxLayers} layer(s); it has ${layers}`]);
  if (a.historyExcludes?.length) {
    // Newest first from the engine; numbered oldest-first like the Dockerfile's steps.
    const steps = (await engine.imageHistory(a.image)).map((h) => h.CreatedBy ?? '').reverse();
    for (const pattern of a.historyExcludes) {
      const regex = new RegExp(pattern);
      const at = steps.findIndex((step) => regex.test(step));
      expectations.push([at < 0, `${a.image} should have no step matching /${pattern}/ in its history; step ${at + 1} of ${steps.length} is "${clip(describeStep(steps[at] ?? ''))}"`]);
    }
  }
  if (a.platform) {
    const platform = [info.Os, info.Architecture, info.Variant].filter(Boolean).join('/');
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
    const found = await engine.findFileInImage(a.image, (path) => BASE_OS_FILES.has(path));
    expectations.push([found === null, `${a.image} should be built FROM scratch; it contains /${found ?? ''} from a base operating system`]);
  }
  return verdict(expectations, a.image);
}
