/**
 * How the deck asks the terminal to run a command: a window event, so the two
 * components stay independent (either can be on the page without the other).
 */
export const RUN_IN_TERMINAL_EVENT = 'drydock:run';

export interface RunInTerminalDetail {
  command: string;
  /** Send Ctrl-C first, to stop whatever holds the foreground. */
  interrupt: boolean;
}

export function runInTerminal(detail: RunInTerminalDetail): void {
  window.dispatchEvent(new CustomEvent<RunInTerminalDetail>(RUN_IN_TERMINAL_EVENT, { detail }));
}

/** The keystrokes that type a (possibly multi-line) command and press Enter after each line. */
export function commandKeystrokes(command: string): string {
  return command
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .filter((line, i, all) => line !== '' || i < all.length - 1)
    .map((line) => `${line}\r`)
    .join('');
}
