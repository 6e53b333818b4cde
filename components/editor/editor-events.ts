/**
 * How a lesson (or anything else on the page) opens a sandbox file in the
 * editor: a window event, like RUN_IN_TERMINAL_EVENT, so the deck and the
 * editor stay independent. The editor shows itself and opens the file
 * (an empty new file when it does not exist yet).
 */
export const OPEN_IN_EDITOR_EVENT = 'drydock:open-file';

export interface OpenInEditorDetail {
  /** An absolute, normalized path in the learner's sandbox (protocol/http/sandbox-files.ts). */
  path: string;
}

export function openInEditor(path: string): void {
  window.dispatchEvent(new CustomEvent<OpenInEditorDetail>(OPEN_IN_EDITOR_EVENT, { detail: { path } }));
}
