/**
 * The one parser of Docker image references (`[host[:port]/]path[:tag][@digest]`),
 * after the grammar of distribution/reference, which the engine itself uses.
 * Hand-written: the npm packages for this are unmaintained, and the grammar
 * is a dozen lines.
 */
export interface ImageReference {
  /** Registry host ('docker.io' when the reference names none). */
  domain: string;
  /** Repository path on that registry; Docker Hub's official images get 'library/'. */
  path: string;
  /** '' when the reference has none (the engine then means 'latest', unless a digest pins it). */
  tag: string;
  /** 'sha256:…' or ''. */
  digest: string;
}

export const DOCKER_HUB = 'docker.io';
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

export class ImageReferenceError extends Error {}

/** Parses a reference as a Dockerfile's FROM or `docker run` takes it; surrounding quotes are dropped. Throws ImageReferenceError. */
export function parseImageReference(input: string): ImageReference {
  const text = input.trim().replace(/^["']|["']$/g, '');
  if (!text || /\s/.test(text)) throw new ImageReferenceError(`"${input}" is not an image reference`);
  let rest = text;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new ImageReferenceError(`"${input}": "${digest}" is not a digest`);
  }
  let tag = '';
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new ImageReferenceError(`"${input}": "${tag}" is not a tag`);
  }
  let domain = DOCKER_HUB;
  const first = rest.split('/')[0] ?? '';
  // Like the engine: the first component is a host only if it has a dot or a port, or is localhost, and more follows.
  if (rest.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())) {
    domain = HUB_ALIASES.has(first) ? DOCKER_HUB : first;
    rest = rest.slice(first.length + 1);
  }
  if (!rest.split('/').every((part) => PATH_COMPONENT.test(part))) throw new ImageReferenceError(`"${input}": "${rest}" is not a repository name`);
  const path = domain === DOCKER_HUB && !rest.includes('/') ? `library/${rest}` : rest;
  return { domain, path, tag, digest };
}

/** The shortest form the CLI prints: `busybox:latest`, `me/app:1`, `localhost:5000/x:latest`, `alpine@sha256:…`. */
export function familiarName(ref: ImageReference): string {
  const repo = ref.domain === DOCKER_HUB ? ref.path.replace(/^library\//, '') : `${ref.domain}/${ref.path}`;
  if (ref.digest) return `${repo}${ref.tag ? `:${ref.tag}` : ''}@${ref.digest}`;
  return `${repo}:${ref.tag || 'latest'}`;
}

/**
 * One spelling per image, to compare what two texts name: `busybox`,
 * `busybox:latest` and `docker.io/library/busybox` are one image. Text that is
 * no reference (an image id, `$IMAGE`, a name in capitals) stands for itself,
 * without surrounding quotes.
 */
export function canonicalImageName(text: string): string {
  try {
    return familiarName(parseImageReference(text));
  } catch (error) {
    if (!(error instanceof ImageReferenceError)) throw error;
    return text.trim().replace(/^["']|["']$/g, '');
  }
}

/** Whether the reference names an exact version: a digest, or a tag other than 'latest'. */
export const isPinned = (ref: ImageReference): boolean => Boolean(ref.digest) || (ref.tag !== '' && ref.tag !== 'latest');
