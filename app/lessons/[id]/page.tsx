import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { SplitView } from '@/components/deck/SplitView';
import { Deck } from '@/components/deck/Deck';
import { TerminalTabs } from '@/components/terminal/TerminalTabs';
import { TerminalEditorSwitch } from '@/components/editor/TerminalEditorSwitch';
import { LessonProblems } from '@/components/ui/LessonProblems';
import { PreviewMenu } from '@/components/preview/PreviewMenu';
import { EnvironmentBadge } from '@/components/environment/EnvironmentBadge';
import { MachineTabs } from '@/components/terminal/MachineTabs';
import { lessons } from '@/lib/lesson-format/lesson-library';
import Link from 'next/link';
import { deckSlides } from '@/lib/lesson-format/deck-data';

export const dynamicParams = false;

export function generateStaticParams(): { id: string }[] {
  return lessons().ids().map((id) => ({ id }));
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const entry = lessons().get((await params).id);
  return { title: entry?.ok ? entry.lesson.manifest.title : 'Lesson' };
}

export default async function LessonPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const entry = lessons().get(id);
  if (!entry) notFound();

  if (!entry.ok) return <LessonProblems id={id} problems={entry.problems} />;

  const { manifest } = entry.lesson;
  const environment = lessons().environmentOf(id)!; // defined for a lesson without errors
  const starter = lessons().get(environment.startedBy);
  const startedBy = { id: environment.startedBy, title: starter?.ok ? starter.lesson.manifest.title : environment.startedBy };
  const slidesForDeck = deckSlides(entry.lesson, { withNotes: false });
  const course = lessons().inCourseOrder();
  const after = course.slice(course.findIndex((l) => l.id === id) + 1).find((l) => l.ok);
  const next = after?.ok ? { id: after.id, title: after.lesson.manifest.title } : null;
  return (
    <SplitView
      left={
        <div className="flex min-h-[60vh] flex-col md:min-h-0">
          <div className="mb-2 flex items-baseline gap-3 text-sm">
            <h1 className="font-medium text-slate-500 dark:text-slate-400">
              {manifest.title} <span className="text-slate-500 dark:text-slate-400">· {manifest.minutes} min</span>
            </h1>
            <span className="ml-auto">
              <PreviewMenu />
            </span>
            <Link href={`/lessons/${manifest.id}/present`} className=" text-sky-700 hover:underline dark:text-sky-400" title="Full-screen slides with a speaker-notes window">
              Present
            </Link>
          </div>
          <Deck lessonId={manifest.id} slides={slidesForDeck} lesson={{ title: manifest.title, next }} />
        </div>
      }
      right={
        <div className="h-[70vh] md:h-auto md:min-h-0">
          <TerminalEditorSwitch profile={environment.environment} aside={<EnvironmentBadge lessonId={manifest.id} startedBy={startedBy} machines={environment.machines} />}>
            {environment.machines > 1 ? <MachineTabs environment={environment.environment} machines={environment.machines} /> : <TerminalTabs profile={environment.environment} />}
          </TerminalEditorSwitch>
        </div>
      }
    />
  );
}
