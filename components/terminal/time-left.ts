/** From this many minutes before its end, the terminal's header warns that the sandbox is about to go. */
export const WARN_BEFORE_MINUTES = 10;

export interface TimeLeft {
  /** What the header shows: "3 h 12 min left", "42 min left", "under a minute left". */
  text: string;
  /** Close to the end: shown as a warning, and said to a screen reader. */
  warn: boolean;
}

/** How long a sandbox that ends at `expiresAt` has left at `now` (both epoch ms), as the learner reads it. */
export function timeLeft(expiresAt: number, now: number): TimeLeft {
  const minutes = Math.floor((expiresAt - now) / 60_000);
  const warn = minutes < WARN_BEFORE_MINUTES;
  if (minutes < 1) return { text: 'under a minute left', warn };
  if (minutes < 60) return { text: `${minutes} min left`, warn };
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return { text: rest === 0 ? `${hours} h left` : `${hours} h ${rest} min left`, warn };
}
