import type Docker from 'dockerode';
import { extract, type Headers } from 'tar-stream';
import type { Readable } from 'node:stream';

/**
 * Files that only a base operating system brings. An image built FROM
 * scratch has none of them unless the learner copied one in on purpose.
 */
const BASE_OS_FILES = new Set([
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

/** Reading stops after this many bytes of the exported image (an image that large is not from scratch anyway). */
const MAX_EXPORT_BYTES = 512 * 1024 * 1024;

const normalise = (name: string): string => name.replace(/^\.?\//, '').replace(/\/$/, '');

/**
 * Streams `docker save` of one image from the inner engine and looks inside
 * each layer for a file of a base OS. Returns the first one found, or null.
 * Stops reading as soon as it has an answer.
 */
export async function findBaseOsFile(engine: Docker, image: string): Promise<string | null> {
  const exported = (await engine.getImage(image).get()) as unknown as Readable;
  return new Promise<string | null>((resolve, reject) => {
    let settled = false;
    let bytes = 0;
    const finish = (value: string | null, error?: Error): void => {
      if (settled) return;
      settled = true;
      exported.destroy();
      if (error) reject(error);
      else resolve(value);
    };
    const outer = extract();
    outer.on('entry', (header: Headers, stream, next) => {
      // Layers are tar files inside the saved tar (layer.tar, or blobs/sha256/* in the OCI layout);
      // other entries (JSON) fail to parse as tar and are simply drained.
      if (header.type !== 'file' || (header.size ?? 0) < 1024 || settled) {
        stream.on('end', next);
        stream.resume();
        return;
      }
      const inner = extract();
      inner.on('entry', (h: Headers, s, n) => {
        if (BASE_OS_FILES.has(normalise(h.name))) finish(normalise(h.name));
        s.on('end', n);
        s.resume();
      });
      let done = false;
      const proceed = (): void => {
        if (done) return;
        done = true;
        next();
      };
      inner.on('finish', proceed);
      inner.on('error', () => {
        // Not a tar (a config or manifest blob): drain the rest of this entry.
        stream.unpipe(inner);
        if (stream.readableEnded) proceed();
        else {
          stream.on('end', proceed);
          stream.resume();
        }
      });
      stream.pipe(inner);
    });
    outer.on('finish', () => finish(null));
    outer.on('error', (error: Error) => finish(null, error));
    exported.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_EXPORT_BYTES) finish(null, new Error(`${image} is larger than ${MAX_EXPORT_BYTES / 1024 / 1024} MiB; not read to the end`));
    });
    exported.on('error', (error: Error) => finish(null, error));
    exported.pipe(outer);
  });
}
