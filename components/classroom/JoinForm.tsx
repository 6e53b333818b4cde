'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { DISPLAY_NAME_MAX, JoinResponseSchema, type JoinRequest } from '../../protocol/http/classroom';
import { fetchJson, jsonBody } from '../http/fetch-json';

const field =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-500/30 dark:border-slate-600 dark:bg-slate-950';

/** Code and display name; on success, on to the class page. The server validates both and says what is wrong. */
export function JoinForm({ initialCode, initialName }: { initialCode: string; initialName: string }) {
  const router = useRouter();
  const [code, setCode] = useState(initialCode);
  const [name, setName] = useState(initialName);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const joined = await fetchJson('/api/classes/join', JoinResponseSchema, jsonBody('POST', { code, displayName: name } satisfies JoinRequest));
    if (joined.ok) {
      router.push(`/class/${joined.value.classId}`);
      return;
    }
    // "code: …" / "displayName: …" from the API, said the way the form says it.
    const said = joined.error.replace(/^code: /, 'Code: ').replace(/^displayName: /, 'Name: ');
    setError(said.charAt(0).toUpperCase() + said.slice(1));
    setBusy(false);
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="space-y-4" data-testid="join-form">
      <label className="block">
        <span className="text-sm font-medium">Class code</span>
        <input
          className={`${field} indent-[0.35em] text-center font-mono text-2xl uppercase tracking-[0.35em] placeholder:tracking-[0.35em] placeholder:text-slate-500 dark:placeholder:text-slate-400`}
          value={code}
          onChange={(e) => setCode(e.target.value.toUpperCase())}
          placeholder="K7PM2Q"
          maxLength={9}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          autoFocus={!initialCode}
          name="code"
          aria-describedby="code-help"
        />
        <span id="code-help" className="mt-1 block text-xs text-slate-500 dark:text-slate-400">
          Six letters and digits, as your instructor shows it.
        </span>
      </label>
      <label className="block">
        <span className="text-sm font-medium">Your name</span>
        <input className={field} value={name} onChange={(e) => setName(e.target.value)} placeholder="How your instructor will see you" maxLength={DISPLAY_NAME_MAX} autoComplete="name" autoFocus={Boolean(initialCode)} name="displayName" />
      </label>
      {error && (
        <p role="alert" className="rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:border-rose-900 dark:bg-rose-950/50 dark:text-rose-200" data-testid="join-error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy} className="w-full rounded-md bg-sky-700 px-4 py-2.5 font-medium text-white hover:bg-sky-800 disabled:opacity-60">
        {busy ? 'Joining…' : 'Join class'}
      </button>
    </form>
  );
}
