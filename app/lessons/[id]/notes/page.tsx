import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Presenter } from '@/components/deck/Presenter';
import { LessonProblems } from '@/components/ui/LessonProblems';
import { deckSlides } from '@/lib/lessons/deck-data';
import { listLessonIds, loadLesson } from '@/lib/lessons/loader';

export const dynamicParams = false;

export function generateStaticParams(): { id: string }[] {
  return listLessonIds().map((id) => ({ id }));
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const entry = loadLesson((await params).id);
  return { title: `Speaker notes: ${entry?.ok ? entry.lesson.manifest.title : 'lesson'}` };
}

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const entry = loadLesson(id);
  if (!entry) notFound();
  if (!entry.ok) return <LessonProblems id={id} problems={entry.problems} />;
  return <Presenter lessonId={id} title={entry.lesson.manifest.title} slides={deckSlides(entry.lesson, { withNotes: true })} mode="notes" />;
}
