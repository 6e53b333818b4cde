import { RateLimiter } from '../../../lib/web-guards/rate-limiter';
import {
  DirectoryListingSchema,
  FileSavedSchema,
  MAX_EDITOR_FILE_BYTES,
  MAX_LISTING_ENTRIES,
  SandboxFileBodySchema,
  SandboxFileQuerySchema,
  SandboxProfileSchema,
  SaveFileRequestSchema,
  parseBody,
} from '../../../protocol/http';
import type { SandboxDriver } from '../../../sandbox-server/src/engine/driver';
import { EngineUnavailableError, SandboxNotFoundError } from '../../../sandbox-server/src/engine/errors';
import type { AppContext, AppRouter } from '../common/context';
import { HttpError } from '../common/errors';
import { sendJson } from '../common/responses';
import { limitBody, readJson } from '../middleware/body-limit';

/** How the editor's routes reach the learner's own sandbox (platform.ts wires the sandbox service's). */
export interface SandboxFiles {
  /** The learner's sandbox for a profile, or undefined when they have none. */
  sandboxIdOf(learnerId: string, profile: string): string | undefined;
  driver: Pick<SandboxDriver, 'listDirectory' | 'readFile' | 'writeFile'>;
}

const KIB = MAX_EDITOR_FILE_BYTES / 1024;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The editor's file routes (protocol/http/sandbox-files.ts): list a folder,
 * read and write a text file of the requesting learner's own sandbox. The
 * sandbox is looked up from the learner cookie and the lesson's profile;
 * the browser never names a sandbox. Everything goes through the driver,
 * i.e. the engine's API, never a host path.
 */
export function addSandboxFileRoutes(app: AppRouter, deps: SandboxFiles): void {
  // Opening folders and files is a click each: 30 at once, then 5 a second. Saving: 10, then 2 a second.
  const readLimiter = new RateLimiter(30, 5);
  const writeLimiter = new RateLimiter(10, 2);

  function sandboxOf(c: AppContext, profile: string, limiter: RateLimiter): string {
    const wait = limiter.take(c.var.learnerId);
    if (wait > 0) throw new HttpError(429, `too many file requests; try again in ${wait} s`, { 'retry-after': String(wait) });
    const id = deps.sandboxIdOf(c.var.learnerId, profile);
    if (!id) throw new HttpError(409, 'you have no sandbox yet: open the terminal first, then the editor can show its files');
    return id;
  }

  function query(c: AppContext): { profile: string; path: string } {
    const parsed = parseBody(SandboxFileQuerySchema, { profile: c.req.query('profile'), path: c.req.query('path') });
    if (!parsed.ok) throw new HttpError(400, parsed.error);
    return parsed.value;
  }

  /** The engine's typed failures as answers the learner can act on. */
  async function engine<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (error instanceof SandboxNotFoundError) throw new HttpError(409, 'your sandbox is gone; reload the page for a fresh one');
      if (error instanceof EngineUnavailableError) throw new HttpError(503, 'the Docker engine is not answering; tell your instructor');
      throw error;
    }
  }

  app.get('/api/sandbox/files', async (c) => {
    const { profile, path } = query(c);
    const id = sandboxOf(c, profile, readLimiter);
    const listing = await engine(deps.driver.listDirectory(id, path, MAX_LISTING_ENTRIES));
    if (listing.kind === 'missing') throw new HttpError(404, `${path} does not exist in your sandbox`);
    if (listing.kind === 'not-a-directory') throw new HttpError(422, `${path} is not a folder`);
    return sendJson(c, DirectoryListingSchema, { path, entries: listing.entries, truncated: listing.truncated });
  });

  app.get('/api/sandbox/file', async (c) => {
    const { profile, path } = query(c);
    const id = sandboxOf(c, profile, readLimiter);
    const file = await engine(deps.driver.readFile(id, path, MAX_EDITOR_FILE_BYTES));
    if (file.kind === 'missing') throw new HttpError(404, `${path} does not exist in your sandbox`);
    if (file.kind === 'not-a-file') throw new HttpError(422, `${path} is not a file (${file.type})`);
    if (file.truncated) throw new HttpError(413, `${path} is ${file.size} bytes; the editor opens files up to ${KIB} KiB (use the terminal: less, vim)`);
    const content = textOf(file.content);
    if (content === undefined) throw new HttpError(415, `${path} is a binary file; the editor opens text (UTF-8) only`);
    return sendJson(c, SandboxFileBodySchema, { path, content, size: file.size });
  });

  app.put('/api/sandbox/file', limitBody('sandboxFile'), async (c) => {
    const profile = SandboxProfileSchema.safeParse(c.req.query('profile'));
    if (!profile.success) throw new HttpError(400, `profile: ${profile.error.issues[0]?.message ?? 'invalid'}`);
    const body = await readJson(c, SaveFileRequestSchema);
    const id = sandboxOf(c, profile.data, writeLimiter);
    const written = await engine(deps.driver.writeFile(id, body.path, Buffer.from(body.content, 'utf8')));
    if (written.kind === 'not-a-file') throw new HttpError(422, `cannot save ${body.path}: ${written.type}`);
    if (written.kind === 'read-only') throw new HttpError(422, `cannot save ${body.path}: that part of the sandbox is read-only (save under /root, for one)`);
    return sendJson(c, FileSavedSchema, { path: written.path, size: written.size, created: written.created });
  });
}

/** The text of a file, or undefined for a binary one (a NUL byte, or not UTF-8). */
export function textOf(content: Buffer): string | undefined {
  if (content.includes(0)) return undefined;
  try {
    return strictUtf8.decode(content);
  } catch {
    return undefined;
  }
}
