import type { FollowPosition, LearnerEvent } from '../../protocol/http';
import { toDisposable, type IDisposable } from '../../lib/lifecycle/disposable';

export type { FollowPosition, LearnerEvent };

/**
 * Where one open page's events go. The HTTP layer makes one per stream and
 * frames what it is given as Server-Sent Events (platform/http/learner-events.ts);
 * nothing here knows the transport.
 */
export interface LearnerSink {
  send(event: LearnerEvent): void;
  /** The class ended: the stream is closed from this side. */
  end(): void;
}

/** The page's side of the stream: tells when it went away (closed the tab, lost the network). */
export interface LearnerConnection {
  onClose(listener: () => void): void;
}

interface OpenPage {
  learnerId: string;
  sink: LearnerSink;
}

/**
 * The learner side of live classroom events: which pages are listening, per
 * class and learner, and sending to one learner or a whole class. Events are
 * not stored: a page that opens later gets the class's current state in its
 * first `class` event, and messages are for whoever is there.
 */
export class LearnerChannel implements IDisposable {
  private readonly pages = new Map<string, Set<OpenPage>>();

  /** Registers one page's stream until its connection closes; `first` is sent at once. */
  serve(connection: LearnerConnection, sink: LearnerSink, classId: string, learnerId: string, first: LearnerEvent): IDisposable {
    const page: OpenPage = { learnerId, sink };
    const set = this.pages.get(classId) ?? new Set();
    this.pages.set(classId, set);
    set.add(page);
    const registration = toDisposable(() => {
      set.delete(page);
      if (set.size === 0 && this.pages.get(classId) === set) this.pages.delete(classId);
    });
    connection.onClose(() => registration.dispose());
    sink.send(first);
    return registration;
  }

  /** Sends to every open page of the class (or of one learner in it); returns how many learners it reached. */
  send(classId: string, event: LearnerEvent, learnerId?: string): number {
    const reached = new Set<string>();
    for (const { learnerId: who, sink } of this.pages.get(classId) ?? []) {
      if (learnerId && who !== learnerId) continue;
      sink.send(event);
      reached.add(who);
    }
    return reached.size;
  }

  /** Ends every stream of a class (after `ended` was sent). */
  closeClass(classId: string): void {
    const set = this.pages.get(classId);
    this.pages.delete(classId);
    for (const { sink } of set ?? []) sink.end();
  }

  /** Pages listening now, all classes together (tests, and the curious). */
  get size(): number {
    let n = 0;
    for (const set of this.pages.values()) n += set.size;
    return n;
  }

  closeAll(): void {
    for (const classId of [...this.pages.keys()]) this.closeClass(classId);
  }

  dispose(): void {
    this.closeAll();
  }
}
