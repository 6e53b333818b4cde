import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Deck } from '@/components/deck/Deck';
import { TerminalPane } from '@/components/terminal/TerminalPane';
import { listLessonIds, loadLesson } from '@/lib/lessons/loader';
import { renderInline, renderSlides } from '@/lib/lessons/render';

export const dynamicParams = false;

export function generateStaticParams(): { id: string }[] {
  return listLessonIds().map((id) => ({ id }));
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const entry = loadLesson((await params).id);
  return { title: entry?.ok ? entry.lesson.manifest.title : 'Lesson' };
}

export default async function LessonPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const entry = loadLesson(id);
  if (!entry) notFound();

  if (!entry.ok) {
    // A broken lesson shows its problems here; every other page keeps working.
    console.error(`lesson ${id} has problems:\n${entry.problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n')}`);
    return (
      <main className="mx-auto max-w-3xl px-4 py-8" data-testid="lesson-error">
        <h1 className="text-2xl font-semibold text-rose-700">This lesson cannot be shown</h1>
        <p className="mt-2 text-slate-600 dark:text-slate-300">Its file has errors. An author can fix them with the list below (also printed by the server).</p>
        <ul className="mt-4 space-y-1 font-mono text-sm">
          {entry.problems.map((p, i) => (
            <li key={i}>
              {p.file}:{p.line}: {p.message}
            </li>
          ))}
        </ul>
      </main>
    );
  }

  const { manifest, slides } = entry.lesson;
  // Checks and solutions stay on the server; the browser gets the title and hints only.
  const deckSlides = renderSlides(slides).map(({ index, title, html }) => {
    const exercise = slides[index]?.exercise;
    return { index, title, html, ...(exercise ? { exercise: { id: exercise.id, title: exercise.title, hintsHtml: exercise.hints.map(renderInline) } } : {}) };
  });
  return (
    <main className="grid min-h-0 flex-1 grid-cols-1 gap-3 p-3 lg:h-[calc(100vh-41px)] lg:grid-cols-[minmax(0,5fr)_minmax(0,6fr)]">
      <div className="flex min-h-[60vh] flex-col lg:min-h-0">
        <h1 className="mb-2 text-sm font-medium text-slate-500">
          {manifest.title} <span className="text-slate-400">· {manifest.minutes} min</span>
        </h1>
        <Deck lessonId={manifest.id} slides={deckSlides} />
      </div>
      <div className="h-[70vh] lg:h-auto lg:min-h-0">
        <TerminalPane profile={manifest.profile} />
      </div>
    </main>
  );
}
