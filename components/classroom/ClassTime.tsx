'use client';

import { clock, timeLeft } from './dashboard-model';
import { useNow } from './use-now';

/** "until 15:30 · 54 min left", in the browser's time zone (blank while the server renders). */
export function ClassTime({ endsAt, endedAt = null }: { endsAt: number; endedAt?: number | null }) {
  const now = useNow(15_000);
  if (now === null) return <span>&nbsp;</span>;
  const end = endedAt ?? endsAt;
  if (end <= now) return <span>ended {clock(end)}</span>;
  return (
    <span>
      until {clock(endsAt)} · <span className="font-medium text-slate-700 dark:text-slate-300">{timeLeft(endsAt, now)}</span>
    </span>
  );
}
