'use client';

import { useSyncExternalStore } from 'react';

type Theme = 'light' | 'dark';

function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}

/** Light/dark switch; the choice is kept in localStorage and applied before paint by the layout's script. */
export function ThemeToggle() {
  const theme = useSyncExternalStore<Theme | null>(subscribe, () => (document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light'), () => null);
  if (!theme) return null;
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      className="rounded-md border border-slate-300 px-2 py-0.5 text-sm dark:border-slate-600"
      aria-label={`Switch to ${next} theme`}
      title={`Switch to ${next} theme`}
      data-testid="theme-toggle"
      onClick={() => {
        document.documentElement.dataset.theme = next;
        try {
          localStorage.setItem('drydock-theme', next);
        } catch {
          // storage may be disabled; the switch still applies to this page
        }
      }}
    >
      {theme === 'dark' ? '☀ Light' : '☾ Dark'}
    </button>
  );
}
