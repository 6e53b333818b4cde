'use client';

import { useEffect, useRef } from 'react';
import { LEARNER_EVENT_NAMES, LearnerEventSchema, type LearnerEvent } from '../../protocol/http/classroom';
import { readServerEvent } from '../http/server-events';

export const CLASS_EVENTS_URL = '/api/classes/events';

interface Stream {
  source: EventSource | null;
  /** Where the stream stopped for good (204: in no open class; the class ended), or null while it runs. */
  stoppedAt: string | null;
}

/**
 * The learner's class events while `enabled`. One EventSource for the whole
 * visit (the root layout keeps this mounted across navigations); EventSource
 * reconnects by itself after network errors.
 *
 * It stops for good when the server answers 204 (in no open class: the
 * browser closes the source and does not retry) or after `ended`. A stopped
 * stream is tried again once on the next navigation, since joining a class
 * (/join → /class/<id>) is a client-side navigation: one cheap 204 per page
 * change for learners in no class.
 */
export function useClassEvents(enabled: boolean, pathname: string, onEvent: (event: LearnerEvent) => void): void {
  const stream = useRef<Stream>({ source: null, stoppedAt: null });
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  }, [onEvent]);

  useEffect(() => {
    const s = stream.current;
    if (!enabled) {
      s.source?.close();
      s.source = null;
      s.stoppedAt = null;
      return;
    }
    if (s.source || s.stoppedAt === pathname) return;
    s.stoppedAt = null;
    const source = new EventSource(CLASS_EVENTS_URL);
    s.source = source;
    const stop = () => {
      source.close();
      if (s.source === source) {
        s.source = null;
        s.stoppedAt = window.location.pathname;
      }
    };
    for (const name of LEARNER_EVENT_NAMES) {
      source.addEventListener(name, (message) => {
        const event = readServerEvent(LearnerEventSchema, name, message.data);
        if (!event) return;
        handler.current(event);
        if (event.event === 'ended') stop();
      });
    }
    source.onerror = () => {
      // CLOSED: the browser gave up (204, or an error status); CONNECTING: it retries by itself.
      if (source.readyState === EventSource.CLOSED) stop();
    };
  }, [enabled, pathname]);

  useEffect(() => {
    const s = stream.current;
    return () => {
      s.source?.close();
      s.source = null;
    };
  }, []);
}
