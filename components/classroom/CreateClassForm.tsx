'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { CLASS_DURATION_MINUTES, CLASS_NAME_MAX, EXPECTED_LEARNERS, NewClassResponseSchema, type NewClassRequest } from '../../protocol/http/instructor';
import { fetchJson, jsonBody } from '../http/fetch-json';

export interface CourseLesson {
  id: string;
  title: string;
  level: string;
  minutes: number;
  exercises: number;
}

/** The request's fields as the form names them. */
const FIELD_LABELS = new Map(
  Object.entries({ name: 'Class name', lessonIds: 'Lessons', durationMinutes: 'Duration', expectedLearners: 'Expected learners' } satisfies Record<keyof NewClassRequest, string>),
);

const input =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-500/30 dark:border-slate-600 dark:bg-slate-950';

/** New class: a name, lessons from the course (kept in course order), a duration and how many learners are expected. */
export function CreateClassForm({ lessons }: { lessons: CourseLesson[] }) {
  const router = useRouter();
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [duration, setDuration] = useState('90');
  const [expected, setExpected] = useState('20');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const picked = lessons.filter((l) => chosen.has(l.id));
  const toggle = (id: string) => setChosen((old) => (old.has(id) ? new Set([...old].filter((x) => x !== id)) : new Set([...old, id])));

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const request: NewClassRequest = { name, lessonIds: picked.map((l) => l.id), durationMinutes: Number(duration), expectedLearners: Number(expected) };
    const created = await fetchJson('/api/instructor/classes', NewClassResponseSchema, jsonBody('POST', request));
    if (created.ok) {
      router.push(`/instructor/classes/${created.value.class.id}`);
      return;
    }
    // The API names the field ("durationMinutes: …"); the form says it in its own words.
    const message = created.error.replace(/^(\w+): /, (all, field: string) => (FIELD_LABELS.has(field) ? `${FIELD_LABELS.get(field)}: ` : all));
    setError(message.charAt(0).toUpperCase() + message.slice(1));
    setBusy(false);
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="space-y-4" data-testid="create-class-form">
      <label className="block">
        <span className="text-sm font-medium">Class name</span>
        <input className={input} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Docker basics — Tuesday group" maxLength={CLASS_NAME_MAX} name="name" />
      </label>
      <div className="grid grid-cols-2 gap-3">
        <label className="block">
          <span className="text-sm font-medium">Duration (minutes)</span>
          <input className={input} type="number" min={CLASS_DURATION_MINUTES.min} max={CLASS_DURATION_MINUTES.max} step={5} value={duration} onChange={(e) => setDuration(e.target.value)} name="duration" />
        </label>
        <label className="block">
          <span className="text-sm font-medium">Expected learners</span>
          <input className={input} type="number" min={EXPECTED_LEARNERS.min} max={EXPECTED_LEARNERS.max} value={expected} onChange={(e) => setExpected(e.target.value)} name="expected" />
        </label>
      </div>
      <fieldset className="min-w-0">
        <legend className="flex w-full items-baseline text-sm font-medium">
          Lessons
          <span className="ml-auto space-x-2 text-xs font-normal">
            <button type="button" className="text-sky-700 hover:underline dark:text-sky-400" onClick={() => setChosen(new Set(lessons.map((l) => l.id)))}>
              all
            </button>
            <button type="button" className="text-sky-700 hover:underline dark:text-sky-400" onClick={() => setChosen(new Set())}>
              none
            </button>
          </span>
        </legend>
        <ol className="mt-1 max-h-80 divide-y divide-slate-100 overflow-y-auto rounded-md border border-slate-300 dark:divide-slate-800 dark:border-slate-600">
          {lessons.map((lesson, i) => (
            <li key={lesson.id}>
              <label className="flex cursor-pointer items-center gap-3 px-3 py-2 hover:bg-slate-50 dark:hover:bg-slate-800/60">
                <input type="checkbox" className="h-4 w-4 accent-sky-600" checked={chosen.has(lesson.id)} onChange={() => toggle(lesson.id)} data-lesson={lesson.id} />
                <span className="w-5 text-right text-xs tabular-nums text-slate-500 dark:text-slate-400">{i + 1}</span>
                <span className="min-w-0 flex-1 truncate text-sm">{lesson.title}</span>
                <span className="shrink-0 text-xs text-slate-500 dark:text-slate-400">
                  {lesson.exercises} ex · {lesson.minutes} min
                </span>
              </label>
            </li>
          ))}
        </ol>
        <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
          {picked.length === 0
            ? 'Choose the lessons of this class; they keep the course order.'
            : `${picked.length} ${picked.length === 1 ? 'lesson' : 'lessons'} · ${picked.reduce((n, l) => n + l.exercises, 0)} exercises · about ${picked.reduce((n, l) => n + l.minutes, 0)} min of material`}
        </p>
      </fieldset>
      {error && (
        <p role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:border-rose-900 dark:bg-rose-950/50 dark:text-rose-200" data-testid="create-error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy} className="w-full rounded-md bg-sky-700 px-4 py-2 font-medium text-white hover:bg-sky-800 disabled:opacity-60">
        {busy ? 'Creating…' : 'Create class'}
      </button>
    </form>
  );
}
