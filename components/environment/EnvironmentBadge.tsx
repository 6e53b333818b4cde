/**
 * Which environment the lesson's terminal is in, in the lesson's header: a
 * fresh one of its own, or the one an earlier lesson started (whose files,
 * images and history are there). Rendered on the server: it is a fact of the
 * lesson, not of the connection.
 */
export interface EnvironmentBadgeProps {
  /** The lesson this page shows. */
  lessonId: string;
  /** The lesson whose environment it is, and its title. */
  startedBy: { id: string; title: string };
  machines: number;
}

export function EnvironmentBadge({ lessonId, startedBy, machines }: EnvironmentBadgeProps) {
  const own = startedBy.id === lessonId;
  const lab = machines > 1 ? ` · ${machines} machines` : '';
  // Short: it shares the header with the title, Web preview and Present.
  const text = own ? `Fresh environment${lab}` : `Continues “${startedBy.title}”${lab}`;
  const explain = own
    ? 'This lesson has a sandbox of its own: nothing from other lessons is in it. Leave and come back within days and it is as you left it; Reset in the terminal starts it fresh.'
    : `This lesson carries on in the sandbox of “${startedBy.title}”: your files, images and history from there are here. Reset in the terminal starts it fresh.`;
  return (
    <span
      data-testid="environment-badge"
      data-environment-of={startedBy.id}
      className="min-w-0 truncate rounded border border-slate-300 px-1.5 text-xs text-slate-600 dark:border-slate-600 dark:text-slate-300"
      title={explain}
      aria-label={`Environment: ${text}. ${explain}`}
    >
      {text}
    </span>
  );
}
