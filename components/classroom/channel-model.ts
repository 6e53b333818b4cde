import type { FollowPosition, LearnerEvent } from '../../protocol/http/classroom';

/**
 * The learner's side of a class, as data: the state that the events of
 * /api/classes/events (LearnerEventSchema) build (which class, what the
 * instructor presents, the notices to show), and where following the
 * instructor leads. Pure, so it is tested without a browser;
 * ClassroomChannel.tsx wires it to the event stream and the router.
 */

/** The slide the instructor presents; `slide` is 0-based, as the server sends it (the URL hash is 1-based). */
export type Presenting = FollowPosition;

export interface ClassInfo {
  classId: string;
  name: string;
  endsAt: number;
}

type EventData<Name extends LearnerEvent['event']> = Extract<LearnerEvent, { event: Name }>['data'];

/** Something shown in the learner's notice stack. */
export type Notice =
  | { id: number; kind: 'message'; text: string; at: number; to: EventData<'message'>['to'] }
  | { id: number; kind: 'sandbox'; action: EventData<'sandbox'>['action']; expiresAt: number | null; at: number }
  | { id: number; kind: 'ended'; className: string | null; classId: string | null; at: number };

export interface ChannelState {
  info: ClassInfo | null;
  presenting: Presenting | null;
  ended: boolean;
  notices: Notice[];
  nextId: number;
}

export const INITIAL_CHANNEL_STATE: ChannelState = { info: null, presenting: null, ended: false, notices: [], nextId: 1 };

/** More than this and the oldest go: a stack taller than the screen helps nobody. */
export const MAX_NOTICES = 5;

export type ChannelAction = LearnerEvent | { event: 'dismiss'; id: number };

/** A notice before it has its id (Omit over each member of the union, keeping `kind` tied to its fields). */
type NewNotice = Notice extends infer N ? (N extends Notice ? Omit<N, 'id'> : never) : never;

function withNotice(state: ChannelState, notice: NewNotice): ChannelState {
  const notices: Notice[] = [...state.notices, { ...notice, id: state.nextId }];
  return { ...state, notices: notices.slice(-MAX_NOTICES), nextId: state.nextId + 1 };
}

/** `now` stamps notices that carry no time of their own. */
export function reduceChannel(state: ChannelState, action: ChannelAction, now: number = Date.now()): ChannelState {
  switch (action.event) {
    case 'class': {
      const { classId, name, endsAt, presenting } = action.data;
      return { ...state, info: { classId, name, endsAt }, presenting, ended: false };
    }
    case 'follow':
      return { ...state, presenting: action.data };
    case 'message':
      return withNotice(state, { kind: 'message', text: action.data.text, at: action.data.at, to: action.data.to });
    case 'sandbox':
      return withNotice(state, { kind: 'sandbox', action: action.data.action, expiresAt: action.data.expiresAt ?? null, at: now });
    case 'ended':
      if (state.ended) return state;
      return withNotice({ ...state, ended: true, presenting: null }, { kind: 'ended', className: state.info?.name ?? null, classId: state.info?.classId ?? null, at: now });
    case 'dismiss':
      return { ...state, notices: state.notices.filter((n) => n.id !== action.id) };
  }
}

/** The presenter's own windows and the instructor's pages have no learner channel. */
export function channelEnabled(pathname: string): boolean {
  if (pathname === '/instructor' || pathname.startsWith('/instructor/')) return false;
  return !/^\/lessons\/[^/]+\/(present|notes)\/?$/.test(pathname);
}

export type FollowStep = { kind: 'hash'; slide: number } | { kind: 'navigate'; href: string };

/**
 * Where a follower goes for the instructor's slide: on that lesson's page
 * already, only the slide (its hash) changes, so the terminal stays;
 * elsewhere, to the lesson at that slide. Null when already there.
 */
export function followStep(pathname: string, hash: string, presenting: Presenting): FollowStep | null {
  const lessonPath = `/lessons/${presenting.lessonId}`;
  const wanted = `#${presenting.slide + 1}`;
  if (pathname === lessonPath || pathname === `${lessonPath}/`) return hash === wanted ? null : { kind: 'hash', slide: presenting.slide };
  return { kind: 'navigate', href: `${lessonPath}${wanted}` };
}
