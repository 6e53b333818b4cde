import { sandboxPathProblem } from '../../protocol/http/sandbox-files';

/**
 * A lesson's link that opens a sandbox file in the editor:
 * `[open the Dockerfile](editor:/root/app/Dockerfile)`. The renderer turns it
 * into a button (render.ts) and the lint refuses a bad path (lint.ts), both
 * through editorLinkTarget, so a path the page shows is one the editor's
 * routes accept (protocol/http/sandbox-files.ts).
 */
export const EDITOR_SCHEME = 'editor:';

/** The sandbox path of an `editor:` href, or what is wrong with it; null when the href is not an editor link. */
export function editorLinkTarget(href: string): { ok: true; path: string } | { ok: false; problem: string } | null {
  if (!href.startsWith(EDITOR_SCHEME)) return null;
  let path: string;
  try {
    // marked percent-encodes a link's spaces and the like.
    path = decodeURIComponent(href.slice(EDITOR_SCHEME.length));
  } catch {
    return { ok: false, problem: `editor link "${href}" is not valid percent-encoding` };
  }
  const problem = sandboxPathProblem(path);
  return problem ? { ok: false, problem: `editor link "${href}": ${problem}` } : { ok: true, path };
}

const MARKDOWN_LINK = /\]\(\s*<?(editor:[^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g;

/** Every `editor:` link target in a Markdown text, as written. */
export function editorLinksIn(markdown: string): string[] {
  return [...markdown.matchAll(MARKDOWN_LINK)].map((m) => m[1]!);
}
