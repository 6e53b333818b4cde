import { readFileSync } from 'node:fs';
import { canonicalImageName } from '../../lib/image-reference/image-reference';
import type { SandboxFile } from '../src/engine/driver';
import type { ContainerDetails, DistributionDetails, ImageDetails, ImageHistoryStep, InnerEngine, NetworkDetails, SwarmState, VolumeDetails } from '../src/engine/inner-engine';

/** A file of the sandbox as readFile found it (text, so a recording stays readable). */
export type RecordedFile = { kind: 'file'; text: string } | { kind: 'missing' } | { kind: 'not-a-file'; type: string };

/** What an inner engine answered, by name (capture-grading-fixtures.ts records one). */
export interface InnerEngineRecording {
  containers: Record<string, ContainerDetails>;
  images: Record<string, { inspect: ImageDetails; history: ImageHistoryStep[]; /** Every file path of its layers, when recorded. */ files?: string[] }>;
  volumes: Record<string, VolumeDetails>;
  networks: Record<string, NetworkDetails>;
  /** A manifest, or the registry's refusal. */
  distributions: Record<string, DistributionDetails | { error: string }>;
  /** Sandbox paths (under volumes' mountpoints) → what readFile found there. */
  files: Record<string, RecordedFile>;
  /** The swarm as the engine's node saw it; a recording without one is of an engine in no swarm. */
  swarm?: SwarmState;
}

/** The recording in a fixtures folder: one JSON file per kind. */
export function loadRecording(folder: URL): InnerEngineRecording {
  const read = <K extends keyof InnerEngineRecording>(kind: K): InnerEngineRecording[K] => JSON.parse(readFileSync(new URL(`${kind}.json`, folder), 'utf8')) as InnerEngineRecording[K];
  return { containers: read('containers'), images: read('images'), volumes: read('volumes'), networks: read('networks'), distributions: read('distributions'), files: read('files') };
}

/**
 * An inner engine that answers from a recording, the way the real one does:
 * a container by name or id, an image however its name is spelt, null for
 * what it does not have. `recording` may be changed by a test (a copy of the
 * loaded one) to make a verdict; `asked` lists what the grader asked.
 */
export class FakeInnerEngine implements InnerEngine {
  readonly asked: string[] = [];

  constructor(readonly recording: InnerEngineRecording) {}

  async ping(): Promise<void> {
    await Promise.resolve();
  }

  async inspectContainer(nameOrId: string): Promise<ContainerDetails | null> {
    await Promise.resolve();
    this.asked.push(`container ${nameOrId}`);
    const all = Object.entries(this.recording.containers);
    const found = all.find(([name, c]) => name === nameOrId || c.Id === nameOrId || (nameOrId.length >= 12 && c.Id.startsWith(nameOrId)));
    return found ? structuredClone(found[1]) : null;
  }

  async inspectImage(name: string): Promise<ImageDetails | null> {
    await Promise.resolve();
    this.asked.push(`image ${name}`);
    const image = this.image(name);
    return image ? structuredClone(image.inspect) : null;
  }

  async imageHistory(name: string): Promise<ImageHistoryStep[]> {
    await Promise.resolve();
    this.asked.push(`history ${name}`);
    return structuredClone(this.requireImage(name).history);
  }

  async inspectVolume(name: string): Promise<VolumeDetails | null> {
    await Promise.resolve();
    this.asked.push(`volume ${name}`);
    return this.recording.volumes[name] ?? null;
  }

  async inspectNetwork(name: string): Promise<NetworkDetails | null> {
    await Promise.resolve();
    this.asked.push(`network ${name}`);
    return Object.values(this.recording.networks).find((n) => n.Name === name || n.Id === name) ?? null;
  }

  async swarm(): Promise<SwarmState> {
    await Promise.resolve();
    this.asked.push('swarm');
    return structuredClone(this.recording.swarm ?? { kind: 'not-a-manager', localNodeState: 'inactive' });
  }

  async distribution(name: string): Promise<DistributionDetails> {
    await Promise.resolve();
    this.asked.push(`distribution ${name}`);
    const answer = this.recording.distributions[name];
    if (!answer) throw new Error(`no recorded answer for the manifest ${name}`);
    if ('error' in answer) throw new Error(answer.error);
    return structuredClone(answer);
  }

  async findFileInImage(image: string, wanted: (path: string) => boolean): Promise<string | null> {
    await Promise.resolve();
    this.asked.push(`files ${image}`);
    const files = this.requireImage(image).files;
    if (!files) throw new Error(`the recording has no file list for ${image}`);
    return files.find(wanted) ?? null;
  }

  /** readFile of the sandbox, for volume files (StateSources.readFile). */
  readFile = async (path: string, maxBytes: number): Promise<SandboxFile> => {
    await Promise.resolve();
    const file = this.recording.files[path] ?? { kind: 'missing' };
    if (file.kind !== 'file') return file;
    const content = Buffer.from(file.text);
    return { kind: 'file', content: content.subarray(0, maxBytes), size: content.length, truncated: content.length > maxBytes };
  };

  private image(name: string) {
    const key = canonicalImageName(name);
    return Object.entries(this.recording.images).find(([recorded, image]) => canonicalImageName(recorded) === key || image.inspect.Id === name)?.[1];
  }

  private requireImage(name: string) {
    const image = this.image(name);
    // The engine's own words for an image it does not have.
    if (!image) throw Object.assign(new Error(`No such image: ${name}`), { statusCode: 404 });
    return image;
  }
}
