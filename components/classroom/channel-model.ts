/**
 * The learner's side of a class, as data: the events of
 * /api/classes/events (Server-Sent Events) read into types, the state they
 * build (which class, what the instructor presents, the notices to show),
 * and where following the instructor leads. Pure, so it is tested without a
 * browser; ClassroomChannel.tsx wires it to EventSource and the router.
 */

export interface Presenting {
  lessonId: string;
  /** 0-based, as the server sends it (the URL hash is 1-based). */
  slide: number;
}

export interface ClassInfo {
  classId: string;
  name: string;
  endsAt: number;
}

export type ClassEvent =
  | ({ type: 'class'; presenting: Presenting | null } & ClassInfo)
  | { type: 'message'; text: string; at: number; to: 'all' | 'you' }
  | { type: 'follow'; presenting: Presenting | null }
  | { type: 'sandbox'; action: 'reset' | 'extended'; expiresAt?: number }
  | { type: 'ended' };

export const CLASS_EVENT_TYPES = ['class', 'message', 'follow', 'sandbox', 'ended'] as const;
export type ClassEventType = (typeof CLASS_EVENT_TYPES)[number];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
// Lesson ids are also path segments here: only what the server's lesson ids can be.
const LESSON_ID = /^[a-z0-9-]{1,64}$/;

function readPresenting(value: unknown): Presenting | null | undefined {
  if (value === null) return null;
  if (!isRecord(value) || typeof value.lessonId !== 'string' || !LESSON_ID.test(value.lessonId)) return undefined;
  const { slide } = value;
  if (typeof slide !== 'number' || !Number.isInteger(slide) || slide < 0) return undefined;
  return { lessonId: value.lessonId, slide };
}

/** One SSE event (its name and data line) as a ClassEvent, or null when it is not one we know. */
export function parseClassEvent(type: string, data: string): ClassEvent | null {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return null;
  }
  switch (type) {
    case 'class': {
      if (!isRecord(body) || typeof body.classId !== 'string' || typeof body.name !== 'string' || !isTime(body.endsAt)) return null;
      const presenting = readPresenting(body.presenting ?? null);
      if (presenting === undefined) return null;
      return { type, classId: body.classId, name: body.name, endsAt: body.endsAt, presenting };
    }
    case 'message':
      if (!isRecord(body) || typeof body.text !== 'string' || !isTime(body.at) || (body.to !== 'all' && body.to !== 'you')) return null;
      return { type, text: body.text, at: body.at, to: body.to };
    case 'follow': {
      const presenting = readPresenting(body);
      return presenting === undefined ? null : { type, presenting };
    }
    case 'sandbox':
      if (!isRecord(body) || (body.action !== 'reset' && body.action !== 'extended')) return null;
      return { type, action: body.action, ...(isTime(body.expiresAt) ? { expiresAt: body.expiresAt } : {}) };
    case 'ended':
      return { type };
    default:
      return null;
  }
}

/** Something shown in the learner's notice stack. */
export type Notice =
  | { id: number; kind: 'message'; text: string; at: number; to: 'all' | 'you' }
  | { id: number; kind: 'sandbox'; action: 'reset' | 'extended'; expiresAt: number | null; at: number }
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

export type ChannelAction = ClassEvent | { type: 'dismiss'; id: number };

/** A notice before it has its id (Omit over each member of the union, keeping `kind` tied to its fields). */
type NewNotice = Notice extends infer N ? (N extends Notice ? Omit<N, 'id'> : never) : never;

function withNotice(state: ChannelState, notice: NewNotice): ChannelState {
  const notices: Notice[] = [...state.notices, { ...notice, id: state.nextId }];
  return { ...state, notices: notices.slice(-MAX_NOTICES), nextId: state.nextId + 1 };
}

/** `now` stamps notices that carry no time of their own. */
export function reduceChannel(state: ChannelState, action: ChannelAction, now: number = Date.now()): ChannelState {
  switch (action.type) {
    case 'class':
      return { ...state, info: { classId: action.classId, name: action.name, endsAt: action.endsAt }, presenting: action.presenting, ended: false };
    case 'follow':
      return { ...state, presenting: action.presenting };
    case 'message':
      return withNotice(state, { kind: 'message', text: action.text, at: action.at, to: action.to });
    case 'sandbox':
      return withNotice(state, { kind: 'sandbox', action: action.action, expiresAt: action.expiresAt ?? null, at: now });
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
