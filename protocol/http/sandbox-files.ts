import { utf8Encoder } from '../text-codec';
import { z } from '../zod';
import { parseEnvironment } from '../environment';

/**
 * The editor's view of the learner's own sandbox files (the sandbox is the
 * requesting learner's for the profile; the browser never names one):
 *   GET /api/sandbox/files?profile=dind&path=/root     → DirectoryListing
 *   GET /api/sandbox/file?profile=dind&path=/root/x    → SandboxFileBody
 *   PUT /api/sandbox/file?profile=dind  {path, content} → FileSaved
 * A refusal is an ErrorBody (error.ts): 409 no sandbox yet, 413 too big,
 * 415 not text, 404 missing, 422 not a file/folder.
 */

/** The most a file the editor opens or saves may have, bytes (UTF-8). */
export const MAX_EDITOR_FILE_BYTES = 1024 * 1024;
/** The most entries one folder listing shows. */
export const MAX_LISTING_ENTRIES = 1000;
/** The longest path accepted, characters (Linux's PATH_MAX is 4096 bytes). */
export const MAX_SANDBOX_PATH_LENGTH = 1024;

/** What is wrong with a path for the sandbox's files, or null: absolute, normalized (no ".", "..", "//", trailing "/"), no NUL or control characters. */
export function sandboxPathProblem(path: string): string | null {
  if (path.length === 0) return 'the path is empty';
  if (path.length > MAX_SANDBOX_PATH_LENGTH) return `the path is longer than ${MAX_SANDBOX_PATH_LENGTH} characters`;
  if (!path.startsWith('/')) return 'the path must be absolute (start with /)';
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'the path has a control character';
  if (path === '/') return null;
  if (path.endsWith('/')) return 'the path must not end with /';
  for (const segment of path.slice(1).split('/')) {
    if (segment === '') return 'the path has an empty segment (//)';
    if (segment === '.' || segment === '..') return 'the path must be normalized (no . or .. segments)';
    if (segment.length > 255) return 'a path segment is longer than 255 characters';
  }
  return null;
}

export const SandboxPathSchema = z.string().superRefine((path, ctx) => {
  const problem = sandboxPathProblem(path);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A lesson's environment (protocol/environment.ts: `dind`, `dind:networking`, `dind:swarm@2`); the parameter keeps its older name, profile. */
export const SandboxProfileSchema = z.string().max(80).refine((text) => parseEnvironment(text) !== undefined, 'not an environment (e.g. dind:networking)');

export const SandboxFileQuerySchema = z.object({ profile: SandboxProfileSchema, path: SandboxPathSchema });

export const DirectoryEntrySchema = z.object({
  name: z.string().min(1).max(255),
  type: z.enum(['file', 'directory', 'symlink', 'other']),
  /** For a symlink: what it leads to inside the sandbox. */
  target: z.enum(['file', 'directory', 'missing', 'other']).optional(),
  size: z.number().int().nonnegative(),
});
export type DirectoryEntry = z.infer<typeof DirectoryEntrySchema>;

export const DirectoryListingSchema = z.object({
  path: SandboxPathSchema,
  entries: z.array(DirectoryEntrySchema).max(MAX_LISTING_ENTRIES),
  /** More entries than MAX_LISTING_ENTRIES (or the listing was cut): the tree says so. */
  truncated: z.boolean(),
});
export type DirectoryListing = z.infer<typeof DirectoryListingSchema>;

export const SandboxFileBodySchema = z.object({
  path: SandboxPathSchema,
  content: z.string(),
  size: z.number().int().nonnegative(),
});
export type SandboxFileBody = z.infer<typeof SandboxFileBodySchema>;

export const SaveFileRequestSchema = z.object({
  path: SandboxPathSchema,
  content: z.string().refine((text) => utf8Encoder.encode(text).length <= MAX_EDITOR_FILE_BYTES, `the file is over ${MAX_EDITOR_FILE_BYTES / 1024} KiB, the most the editor saves`),
});
export type SaveFileRequest = z.infer<typeof SaveFileRequestSchema>;

export const FileSavedSchema = z.object({
  /** The path written (a symlink's target when the path was a link). */
  path: SandboxPathSchema,
  size: z.number().int().nonnegative(),
  created: z.boolean(),
});
export type FileSaved = z.infer<typeof FileSavedSchema>;
