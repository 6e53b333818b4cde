'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useCallback, useEffect, useReducer } from 'react';
import { showSlide } from '../deck/use-slide-hash';
import { channelEnabled, followStep, INITIAL_CHANNEL_STATE, reduceChannel, type ChannelAction, type ChannelState } from './channel-model';
import type { LearnerEvent } from '../../protocol/http/classroom';
import { ClassNotices } from './ClassNotices';
import { FollowToggle } from './FollowToggle';
import { useClassEvents } from './use-class-events';
import { useFollowChoice } from './use-follow-choice';

/** reduceChannel stamped with the current time (useReducer passes no third argument). */
const channelReducer = (state: ChannelState, action: ChannelAction): ChannelState => reduceChannel(state, action);

/**
 * A learner's live link to their class, mounted once in the site header:
 * the way back to the class page, the instructor's messages and news (a
 * notice stack), and following the instructor's slides while they present.
 * Renders nothing for a learner in no class, on instructor pages and in
 * the presenter's own windows.
 */
export function ClassroomChannel() {
  const pathname = usePathname();
  const router = useRouter();
  const enabled = channelEnabled(pathname);
  const [state, dispatch] = useReducer(channelReducer, INITIAL_CHANNEL_STATE);
  const [followChoice, setFollowChoice] = useFollowChoice();
  const onEvent = useCallback((event: LearnerEvent) => dispatch(event), []);
  const dismiss = useCallback((id: number) => dispatch({ event: 'dismiss', id }), []);
  useClassEvents(enabled, pathname, onEvent);

  // Follow: on every slide the instructor shows (and when switched on), go there. Only then: a learner who
  // looks elsewhere between two slides is brought back by the next one, not pulled back at once.
  const lessonId = state.presenting?.lessonId;
  const slide = state.presenting?.slide;
  useEffect(() => {
    if (!enabled || !followChoice || lessonId === undefined || slide === undefined) return;
    const step = followStep(window.location.pathname, window.location.hash, { lessonId, slide });
    if (step?.kind === 'hash') showSlide(step.slide); // the deck follows; the terminal stays as it is
    else if (step) router.push(step.href);
  }, [enabled, followChoice, lessonId, slide, router]);

  if (!enabled) return null;
  const { info } = state;
  return (
    <>
      {info && (
        <Link
          href={`/class/${info.classId}`}
          className="flex min-w-0 items-center gap-1.5 text-sm text-slate-500 dark:text-slate-400 hover:text-slate-900 dark:hover:text-slate-200"
          title={`Back to your class: ${info.name}`}
          data-testid="class-link"
        >
          <span className="hidden sm:inline">Class:</span>
          <span className="max-w-[7rem] truncate font-medium sm:max-w-[14rem] text-slate-700 dark:text-slate-300">{info.name}</span>
          {state.ended && <span className="rounded bg-slate-100 px-1.5 py-px text-[11px] text-slate-500 dark:text-slate-400 dark:bg-slate-800">ended</span>}
        </Link>
      )}
      {state.presenting && !state.ended && <FollowToggle on={followChoice} slide={state.presenting.slide} onChange={setFollowChoice} />}
      <ClassNotices notices={state.notices} onDismiss={dismiss} />
    </>
  );
}
