import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { HostOwner } from './sandbox-disk';

/**
 * A tar stream with owners moved back from an engine's remapped host ids to
 * the ids a container sees. An engine with userns-remap hands out a
 * container's files (the archive API) owned by the host ids of its user
 * namespace; imported as they are, an image built from them carries owner
 * 1073741824, which no other engine can map ("failed to Lchown / for UID …").
 * Ids outside the remapped range pass unchanged.
 *
 * Such ids do not fit a ustar header, so the engine writes them as PAX
 * records (`uid=`, `gid=`), which win over the header fields on reading:
 * both are rewritten.
 */
export function unmapOwners(input: Readable, remap: HostOwner, size = 65536): Readable {
  const extract = tar.extract();
  const pack = tar.pack();
  const back = (id: number, base: number) => (id >= base && id < base + size ? id - base : id);
  extract.on('entry', (plain, stream, next) => {
    // tar-stream keeps the PAX records it read; its types do not say so.
    const header = plain as tar.Headers & { pax?: Record<string, string> };
    const pax = header.pax ? { ...header.pax } : undefined;
    let uid = header.uid ?? 0;
    let gid = header.gid ?? 0;
    if (pax?.uid !== undefined) uid = Number(pax.uid);
    if (pax?.gid !== undefined) gid = Number(pax.gid);
    uid = back(uid, remap.uid);
    gid = back(gid, remap.gid);
    if (pax?.uid !== undefined) pax.uid = String(uid);
    if (pax?.gid !== undefined) pax.gid = String(gid);
    stream.pipe(pack.entry({ ...header, uid, gid, pax } as tar.Headers, next));
  });
  extract.on('finish', () => pack.finalize());
  extract.on('error', (error) => pack.destroy(error));
  input.on('error', (error) => pack.destroy(error));
  input.pipe(extract);
  return pack;
}
