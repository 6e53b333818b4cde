import {
  DirectoryListingSchema,
  FileSavedSchema,
  SandboxFileBodySchema,
  type DirectoryListing,
  type FileSaved,
  type SandboxFileBody,
} from '../../protocol/http/sandbox-files';
import { fetchJson, type ApiResult } from '../http/fetch-json';

/** The editor's calls to /api/sandbox (protocol/http/sandbox-files.ts); the server picks the learner's own sandbox. */
export function listFolder(profile: string, path: string): Promise<ApiResult<DirectoryListing>> {
  return fetchJson(`/api/sandbox/files?${new URLSearchParams({ profile, path })}`, DirectoryListingSchema);
}

export function readSandboxFile(profile: string, path: string): Promise<ApiResult<SandboxFileBody>> {
  return fetchJson(`/api/sandbox/file?${new URLSearchParams({ profile, path })}`, SandboxFileBodySchema);
}

export function saveSandboxFile(profile: string, path: string, content: string): Promise<ApiResult<FileSaved>> {
  return fetchJson(`/api/sandbox/file?${new URLSearchParams({ profile })}`, FileSavedSchema, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ path, content }),
  });
}
