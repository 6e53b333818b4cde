import type { ClassGrid, DashboardEvent } from '../../../protocol/http';
import { DisposableStore, MutableDisposable, disposableInterval, disposableTimeout, listen, toDisposable, type IDisposable } from '../../../lib/lifecycle/disposable';
import type { AttemptEvent, HelpEvent, MemberJoinedEvent } from '../../classroom/class-events';
import type { Classroom } from '../../classroom/class-services';
import type { AppContext } from '../common/context';
import { serveEventStream } from '../common/sse';

/** After a check, a hint or solution opened, or a join, wait this long for more before sending (a burst of checks becomes one update). */
const COALESCE_MS = 60;
/** Connection state (sockets, idleness) has no events of its own: it is refreshed this often. */
export const GRID_REFRESH_MS = 5_000;
/** The dashboard's EventSource reconnects this long after its stream drops. */
const RETRY_MS = 2000;

/**
 * The instructor dashboards' Server-Sent Events streams: the whole grid
 * snapshot as a `grid` event at once, after every check, hint, solution or join that concerns
 * the class, and every 5 s. Snapshots rather than deltas: a class is a few
 * dozen learners, and a client that missed an event is right again at the next.
 */
export class DashboardStreams implements IDisposable {
  private readonly open = new Set<IDisposable>();

  constructor(private readonly classroom: Classroom) {}

  /** Answers GET /api/instructor/classes/:classId/events with the stream of `first`'s class. */
  serve(c: AppContext, first: ClassGrid): Response {
    return serveEventStream<DashboardEvent>(c, { retryMs: RETRY_MS }, (connection, sink) => {
      const { classroom } = this;
      const classId = first.class.id;
      let members = new Set(first.rows.map((r) => r.learnerId));
      let lessons = new Set(first.class.lessonIds);
      const subscriptions = new DisposableStore();
      /** The coalescing timer, while an update waits. */
      const pending = subscriptions.add(new MutableDisposable());

      const send = (grid: ClassGrid | null = classroom.grid(classId)): void => {
        pending.clear();
        if (!grid) return;
        members = new Set(grid.rows.map((r) => r.learnerId));
        lessons = new Set(grid.class.lessonIds);
        sink.send({ event: 'grid', data: grid });
      };
      const soon = (): void => {
        pending.value ??= disposableTimeout(() => send(), COALESCE_MS);
      };
      subscriptions.add(
        listen(classroom.events, 'attempt', (e: AttemptEvent) => {
          if (members.has(e.learnerId) && lessons.has(e.lessonId)) soon();
        }),
      );
      subscriptions.add(
        listen(classroom.events, 'help', (e: HelpEvent) => {
          if (members.has(e.learnerId) && lessons.has(e.lessonId)) soon();
        }),
      );
      subscriptions.add(
        listen(classroom.events, 'joined', (e: MemberJoinedEvent) => {
          if (e.classId === classId) soon();
        }),
      );
      subscriptions.add(disposableInterval(() => send(), GRID_REFRESH_MS));

      // Shutdown (dispose) ends the stream; the stream ending, for any reason, releases the rest.
      const ending = toDisposable(() => sink.end());
      this.open.add(ending);
      subscriptions.add(toDisposable(() => this.open.delete(ending)));
      connection.onClose(() => subscriptions.dispose());
      send(first);
      return true;
    });
  }

  /** Streams open now (tests, and shutdown). */
  get size(): number {
    return this.open.size;
  }

  dispose(): void {
    for (const ending of [...this.open]) ending.dispose();
  }
}

