import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Presenter } from '@/components/deck/Presenter';
import { LessonProblems } from '@/components/ui/LessonProblems';
import { deckSlides } from '@/lib/lesson-format/deck-data';
import { lessons } from '@/lib/lesson-format/lesson-library';

/** What the presenter's two pages (`present` and `notes`) share; each page file only picks its mode. */
type Mode = 'slides' | 'notes';
type Params = { params: Promise<{ id: string }> };

export function presenterStaticParams(): { id: string }[] {
  return lessons().ids().map((id) => ({ id }));
}

export async function presenterMetadata({ params }: Params, mode: Mode): Promise<Metadata> {
  const entry = lessons().get((await params).id);
  const title = entry?.ok ? entry.lesson.manifest.title : 'lesson';
  return { title: `${mode === 'slides' ? 'Present' : 'Speaker notes'}: ${title}` };
}

export function renderPresenter(id: string, mode: Mode) {
  const entry = lessons().get(id);
  if (!entry) notFound();
  if (!entry.ok) return <LessonProblems id={id} problems={entry.problems} />;
  return <Presenter lessonId={id} title={entry.lesson.manifest.title} slides={deckSlides(entry.lesson, { withNotes: mode === 'notes' })} mode={mode} />;
}
