import type { SandboxFile } from '../engine/driver';
import type { InnerEngine } from '../engine/inner-engine';
import { clip, platformMatches, type Assertion, type AssertionResult } from './judgement';

/** Bytes of a volume file read for an equals/contains comparison. */
const VOLUME_FILE_BYTES = 64 * 1024;

/** A volume, and optionally a file in it, read from where the inner engine says the volume lives. */
export async function judgeVolume(engine: InnerEngine, readFile: (path: string, maxBytes: number) => Promise<SandboxFile>, a: Extract<Assertion, { volume: string }>): Promise<AssertionResult> {
  const volume = await engine.inspectVolume(a.volume);
  if (!volume) return { passed: !a.exists, found: `there is no volume named ${a.volume}` };
  if (!a.exists) return { passed: false, found: `the volume ${a.volume} exists` };
  if (!a.file) return { passed: true, found: `the volume ${a.volume} exists` };
  // The engine's own record of where the volume lives, not a guessed path: a
  // directory made by hand under /var/lib/docker/volumes is not a volume.
  const where = `${a.volume}:/${a.file.path}`;
  const file = await readFile(`${volume.Mountpoint}/${a.file.path}`, VOLUME_FILE_BYTES);
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

export async function judgeNetwork(engine: InnerEngine, name: string, exists: boolean): Promise<AssertionResult> {
  const present = (await engine.inspectNetwork(name)) !== null;
  return { passed: present === exists, found: `the network ${name} ${present ? 'exists' : 'does not exist'}` };
}

const MANIFEST_LISTS = new Set(['application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.oci.image.index.v1+json']);

/** An image in a registry, read by the inner engine from that registry: it exists, and (platforms) is a list naming each. */
export async function judgeManifest(engine: InnerEngine, a: Extract<Assertion, { manifest: string }>): Promise<AssertionResult> {
  let info;
  try {
    info = await engine.distribution(a.manifest);
  } catch (error) {
    return { passed: false, found: `could not read ${a.manifest} from its registry: ${clip((error as Error).message, 160)}` };
  }
  const found = (info.Platforms ?? []).map((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/'));
  const isList = MANIFEST_LISTS.has(info.Descriptor?.mediaType ?? '');
  if (!a.platforms) return { passed: true, found: `${a.manifest} is in its registry (${isList ? `a list: ${found.join(', ')}` : `one image, ${found.join(', ') || 'platform unknown'}`})` };
  const missing = a.platforms.filter((p) => !found.some((f) => platformMatches(p, f)));
  if (!isList) return { passed: false, found: `${a.manifest} should be a manifest list for ${a.platforms.join(', ')}; it is a single-platform image (${found.join(', ') || 'platform unknown'})` };
  if (missing.length) return { passed: false, found: `${a.manifest} should list ${a.platforms.join(', ')}; it lists ${found.join(', ')}` };
  return { passed: true, found: `${a.manifest} lists ${found.join(', ')}` };
}
