import { useEffect, useState } from 'react';
import { LessonValuesResponseSchema } from '../../protocol/http/lesson-values';
import type { DeckSlide } from '../../protocol/http/deck';
import { fillLearnerValues, fillText, hasLearnerValues, type LearnerValues } from '../../protocol/lesson-values';
import { fetchJson } from '../http/fetch-json';

/**
 * Values drawn per learner, in the browser: the lesson page is the same for
 * everyone (built once), and its slides hold elements naming each value
 * (protocol/lesson-values.ts); the deck asks the server for this learner's
 * values and shows the slides with them in.
 */

/** Whether a lesson's slides name any value (else there is nothing to fetch). */
export function slidesNameValues(slides: readonly DeckSlide[]): boolean {
  return slides.some((s) => hasLearnerValues(s.html) || (s.exercise && (/\$\{\{/.test(s.exercise.title) || s.exercise.hintsHtml.some(hasLearnerValues))));
}

/** A slide with the learner's values in; its exercise title shows a value's name until the values are here. */
export function fillSlide(slide: DeckSlide, values: LearnerValues): DeckSlide {
  return {
    ...slide,
    html: fillLearnerValues(slide.html, values),
    notesHtml: fillLearnerValues(slide.notesHtml, values),
    ...(slide.exercise
      ? { exercise: { ...slide.exercise, title: fillText(slide.exercise.title, values, (name) => name), hintsHtml: slide.exercise.hintsHtml.map((h) => fillLearnerValues(h, values)) } }
      : {}),
  };
}

/** This learner's values of the lesson (null until they arrive); asked again every few seconds while the server does not answer. */
export function useLearnerValues(lessonId: string, needed: boolean): LearnerValues | null {
  const [values, setValues] = useState<LearnerValues | null>(null);
  useEffect(() => {
    if (!needed) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = (tries: number) => {
      void fetchJson(`/api/lessons/${lessonId}/values`, LessonValuesResponseSchema).then((result) => {
        if (!live) return;
        if (result.ok) setValues(result.value.values);
        else if (tries < 20) timer = setTimeout(() => ask(tries + 1), 3000);
      });
    };
    ask(1);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [lessonId, needed]);
  return values;
}
