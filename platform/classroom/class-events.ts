import { EventEmitter } from 'node:events';

/** A graded attempt, published after it was stored (api.ts's check handler). */
export interface AttemptEvent {
  learnerId: string;
  lessonId: string;
  exerciseId: string;
  passed: boolean;
  attempt: number;
  at: number;
}

/** A learner opened a hint or the solution of an exercise, published after it was stored. */
export interface HelpEvent {
  learnerId: string;
  lessonId: string;
  exerciseId: string;
  kind: 'hint' | 'solution';
  at: number;
}

/** A learner joined a class, or joined again (resumed, possibly with a new display name). */
export interface MemberJoinedEvent {
  classId: string;
  learnerId: string;
  resumed: boolean;
  at: number;
}

interface ClassEventMap {
  attempt: [AttemptEvent];
  joined: [MemberJoinedEvent];
  help: [HelpEvent];
}

/**
 * In-process bus between what learners do and the instructor dashboards
 * listening (one Server-Sent Events stream each). Publishing never throws:
 * a broken listener must not turn a learner's stored check into an error.
 */
export class ClassEvents extends EventEmitter<ClassEventMap> {
  constructor(private readonly onListenerError: (error: Error) => void = (e) => console.error(`class events: ${e.stack ?? e.message}`)) {
    super();
    // One listener per open dashboard; dozens are normal, not a leak.
    this.setMaxListeners(0);
  }

  publishAttempt(event: AttemptEvent): void {
    this.deliver('attempt', event);
  }

  publishJoined(event: MemberJoinedEvent): void {
    this.deliver('joined', event);
  }

  publishHelp(event: HelpEvent): void {
    this.deliver('help', event);
  }

  private deliver<K extends keyof ClassEventMap>(name: K, ...args: ClassEventMap[K]): void {
    for (const listener of this.listeners(name) as ((...a: ClassEventMap[K]) => void)[]) {
      try {
        listener(...args);
      } catch (error) {
        this.onListenerError(error as Error);
      }
    }
  }
}
