import { renderInline, renderSlides } from './render';
import type { Lesson } from './schema';

export interface DeckSlideData {
  index: number;
  title: string;
  html: string;
  notesHtml: string;
  exercise?: { id: string; title: string; hintsHtml: string[] };
}

/**
 * What a page sends to the browser about a lesson's slides. Checks and
 * solutions stay on the server; an exercise travels as its title and hints.
 */
export function deckSlides(lesson: Lesson, { withNotes }: { withNotes: boolean }): DeckSlideData[] {
  return renderSlides(lesson.slides).map(({ index, title, html, notesHtml }) => {
    const exercise = lesson.slides[index]?.exercise;
    return {
      index,
      title,
      html,
      notesHtml: withNotes ? notesHtml : '',
      ...(exercise ? { exercise: { id: exercise.id, title: exercise.title, hintsHtml: exercise.hints.map(renderInline) } } : {}),
    };
  });
}
