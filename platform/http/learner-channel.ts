import type { IncomingMessage, ServerResponse } from 'node:http';
import { openEventStream } from './http-helpers';

/** What a learner's page hears from the classroom (Server-Sent Events, one stream per open page). */
export type LearnerEvent =
  | { event: 'class'; data: { classId: string; name: string; endsAt: number; presenting: FollowPosition | null } }
  | { event: 'message'; data: { text: string; at: number; to: 'all' | 'you' } }
  | { event: 'follow'; data: FollowPosition | null }
  | { event: 'sandbox'; data: { action: 'reset' | 'extended'; expiresAt?: number } }
  | { event: 'ended'; data: Record<string, never> };

export interface FollowPosition {
  lessonId: string;
  slide: number;
}

/** Comment line sent this often so proxies and browsers keep an idle stream open. */
const KEEPALIVE_MS = 25_000;

/**
 * The learner side of live classroom events: which page streams are open,
 * per class and learner, and sending to one learner or a whole class. Events
 * are not stored: a page that opens later gets the class's current state in
 * its first `class` event, and messages are for whoever is there.
 */
export class LearnerChannel {
  private readonly streams = new Map<string, Set<{ learnerId: string; res: ServerResponse }>>();

  /** Serves one page's stream; `first` is sent at once. */
  serve(req: IncomingMessage, res: ServerResponse, classId: string, learnerId: string, first: LearnerEvent): void {
    openEventStream(res, 3000);
    const entry = { learnerId, res };
    const set = this.streams.get(classId) ?? new Set();
    this.streams.set(classId, set);
    set.add(entry);
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
    keepalive.unref(); // an open page must not keep a stopping server alive
    const close = (): void => {
      clearInterval(keepalive);
      set.delete(entry);
      if (set.size === 0) this.streams.delete(classId);
      if (!res.writableEnded) res.end();
    };
    req.on('close', close);
    res.on('error', close);
    write(res, first);
  }

  /** Sends to every open page of the class (or of one learner in it); returns how many learners it reached. */
  send(classId: string, event: LearnerEvent, learnerId?: string): number {
    const reached = new Set<string>();
    for (const { learnerId: who, res } of this.streams.get(classId) ?? []) {
      if (learnerId && who !== learnerId) continue;
      write(res, event);
      reached.add(who);
    }
    return reached.size;
  }

  /** Ends every stream of a class (after `ended` was sent). */
  closeClass(classId: string): void {
    for (const { res } of this.streams.get(classId) ?? []) res.end();
    this.streams.delete(classId);
  }

  closeAll(): void {
    for (const classId of [...this.streams.keys()]) this.closeClass(classId);
  }
}

function write(res: ServerResponse, { event, data }: LearnerEvent): void {
  if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
