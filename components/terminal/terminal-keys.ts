/**
 * Which keys the terminal keeps and which the page keeps while the terminal
 * has focus (xterm's custom key handler asks for every keydown, keypress and
 * keyup). Without this a focused terminal swallows every key: Tab, Shift+Tab
 * and Esc cannot leave it, and the page's shortcuts never fire.
 *
 * - Esc, then Tab or Shift+Tab within LEAVE_WINDOW_MS: the browser moves focus
 *   out of the terminal (the Esc still reaches the shell; CodeMirror's
 *   convention for editors that keep Tab).
 * - Alt+1…9 and Alt+C: the deck's "run block N" and "Check" (Deck.tsx).
 * - Ctrl+Shift+C copies the selection, Ctrl+Shift+V pastes (the browser's
 *   paste, which xterm reads); Ctrl+C copies when text is selected and is ^C
 *   otherwise.
 */
export const LEAVE_WINDOW_MS = 1000;

/** 'terminal': xterm handles the key. 'page': xterm ignores it (the browser and the page's listeners get it). 'copy': copy the selection. */
export type KeyRoute = 'terminal' | 'page' | 'copy';

export type KeyEventLike = Pick<KeyboardEvent, 'type' | 'key' | 'code' | 'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey'>;

/** The page's own shortcuts, which work from inside the terminal too. */
export function isPageShortcut(event: KeyEventLike): boolean {
  return event.altKey && !event.ctrlKey && !event.metaKey && (/^Digit[1-9]$/.test(event.code) || event.code === 'KeyC');
}

export class TerminalKeys {
  private escapeAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly hasSelection: () => boolean,
    private readonly now: () => number = () => performance.now(),
  ) {}

  route(event: KeyEventLike): KeyRoute {
    if (isPageShortcut(event)) return 'page';
    const ctrlOnly = event.ctrlKey && !event.altKey && !event.metaKey;
    if (ctrlOnly && event.shiftKey && event.code === 'KeyV') return 'page';
    if (ctrlOnly && event.code === 'KeyC' && (event.shiftKey || this.hasSelection())) return event.type === 'keydown' ? 'copy' : 'page';
    if (event.type !== 'keydown') return 'terminal';
    if (event.key === 'Tab' && !event.altKey && !event.ctrlKey && !event.metaKey && this.now() - this.escapeAt <= LEAVE_WINDOW_MS) {
      this.escapeAt = Number.NEGATIVE_INFINITY;
      return 'page';
    }
    // Modifier keys alone (Shift before the Tab) do not break an Esc-Tab; any other key does.
    if (!['Shift', 'Control', 'Alt', 'Meta'].includes(event.key)) this.escapeAt = event.key === 'Escape' ? this.now() : Number.NEGATIVE_INFINITY;
    return 'terminal';
  }
}
