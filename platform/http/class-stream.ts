import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AttemptEvent, MemberJoinedEvent } from '../classroom/class-events';
import type { ClassGrid } from '../classroom/class-grid';
import type { Classroom } from '../classroom/class-services';
import { openEventStream } from './http-helpers';

/** After a check or a join, wait this long for more before sending (a burst of checks becomes one update). */
const COALESCE_MS = 60;
/** Connection state (sockets, idleness) has no events of its own: it is refreshed this often. */
export const GRID_REFRESH_MS = 5_000;

/**
 * One instructor dashboard's Server-Sent Events stream: the whole grid
 * snapshot as a `grid` event at once, after every check or join that concerns
 * the class, and every 5 s. Snapshots rather than deltas: a class is a few
 * dozen learners, and a client that missed an event is right again at the next.
 */
export function createGridStreams(classroom: Classroom) {
  const open = new Set<() => void>();

  function serve(req: IncomingMessage, res: ServerResponse, first: ClassGrid): void {
    const classId = first.class.id;
    let members = new Set(first.rows.map((r) => r.learnerId));
    let lessons = new Set(first.class.lessonIds);
    let pending: NodeJS.Timeout | undefined;

    openEventStream(res, 2000);

    const send = (grid: ClassGrid | null = classroom.grid(classId)): void => {
      clearTimeout(pending);
      pending = undefined;
      if (!grid || res.writableEnded) return;
      members = new Set(grid.rows.map((r) => r.learnerId));
      lessons = new Set(grid.class.lessonIds);
      res.write(`event: grid\ndata: ${JSON.stringify(grid)}\n\n`);
    };
    const soon = (): void => {
      pending ??= setTimeout(() => send(), COALESCE_MS);
    };
    const onAttempt = (e: AttemptEvent): void => {
      if (members.has(e.learnerId) && lessons.has(e.lessonId)) soon();
    };
    const onJoined = (e: MemberJoinedEvent): void => {
      if (e.classId === classId) soon();
    };
    classroom.events.on('attempt', onAttempt);
    classroom.events.on('joined', onJoined);
    const refresh = setInterval(() => send(), GRID_REFRESH_MS);

    const close = (): void => {
      clearInterval(refresh);
      clearTimeout(pending);
      classroom.events.off('attempt', onAttempt);
      classroom.events.off('joined', onJoined);
      open.delete(close);
      if (!res.writableEnded) res.end();
    };
    open.add(close);
    req.on('close', close);
    res.on('error', close);
    send(first);
  }

  return {
    serve,
    /** Streams open now (tests, and shutdown). */
    get size(): number {
      return open.size;
    },
    closeAll(): void {
      for (const close of [...open]) close();
    },
  };
}
