import type { SandboxFile } from '../engine/driver';
import type { InnerEngine } from '../engine/inner-engine';
import { judgeContainer } from './container-state';
import { judgeImage } from './image-state';
import type { Assertion, AssertionResult } from './judgement';
import { judgeManifest, judgeNetwork, judgeVolume } from './resource-state';

export type { Assertion, AssertionResult } from './judgement';

/**
 * Where the assertions look: the sandbox's inner engine (its API, through a
 * socket the server reaches from the host) and, for files inside volumes,
 * the sandbox's filesystem as the outer engine reads it.
 */
export interface StateSources {
  engine: InnerEngine;
  readFile(path: string, maxBytes: number): Promise<SandboxFile>;
}

/** Evaluates one Docker-state assertion against the sandbox's inner engine. */
export async function judgeDockerState(sources: StateSources, assertion: Assertion): Promise<AssertionResult> {
  if ('container' in assertion) return judgeContainer(sources.engine, assertion);
  if ('volume' in assertion) return judgeVolume(sources.engine, sources.readFile, assertion);
  if ('network' in assertion) return judgeNetwork(sources.engine, assertion.network, assertion.exists);
  if ('manifest' in assertion) return judgeManifest(sources.engine, assertion);
  return judgeImage(sources.engine, assertion);
}
