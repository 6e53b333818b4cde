import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { ClassroomChannel } from '@/components/classroom/ClassroomChannel';
import { ThemeToggle } from '@/components/ui/ThemeToggle';
import { pageNonce } from '@/platform/pages/page-nonce';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Drydock', template: '%s · Drydock' },
  description: 'Learn Docker by doing: lessons beside a real terminal into your own sandbox.',
};

/** Runs before first paint: the stored choice, else the system's preference (no flash of the wrong theme). */
const THEME_SCRIPT = `try{var t=localStorage.getItem('drydock-theme');if(t!=='light'&&t!=='dark')t=matchMedia('(prefers-color-scheme: dark)').matches?'dark':'light';document.documentElement.dataset.theme=t}catch(e){}`;

/** Every page renders per request: its inline scripts carry this response's CSP nonce (lib/web-guards/site-guard.ts). */
export default async function RootLayout({ children }: { children: ReactNode }) {
  const nonce = await pageNonce();
  return (
    // The theme script sets data-theme on <html> before React hydrates, hence suppressHydrationWarning.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="flex min-h-full flex-col">
        <header className="flex items-center gap-4 border-b border-slate-200 bg-white px-4 py-2 dark:border-slate-800 dark:bg-slate-900">
          <Link href="/" className="font-semibold tracking-tight">
            <span aria-hidden>⚓</span> Drydock
          </Link>
          <nav className="text-sm text-slate-500 dark:text-slate-400">
            <Link href="/" className="hover:text-slate-900 dark:hover:text-slate-200">
              Course
            </Link>
          </nav>
          {/* A learner's class: the link back to it, following the instructor, their messages (client side, per visit). */}
          <ClassroomChannel />
          <div className="ml-auto">
            <ThemeToggle />
          </div>
        </header>
        <div className="flex min-h-0 flex-1 flex-col">{children}</div>
      </body>
    </html>
  );
}
