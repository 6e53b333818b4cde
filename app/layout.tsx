import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Drydock', template: '%s · Drydock' },
  description: 'Learn Docker by doing: lessons beside a real terminal into your own sandbox.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="flex min-h-full flex-col">
        <header className="flex items-center gap-4 border-b border-slate-200 bg-white px-4 py-2 dark:border-slate-800 dark:bg-slate-900">
          <Link href="/" className="font-semibold tracking-tight">
            <span aria-hidden>⚓</span> Drydock
          </Link>
          <nav className="text-sm text-slate-500">
            <Link href="/" className="hover:text-slate-900 dark:hover:text-slate-200">
              Course
            </Link>
          </nav>
        </header>
        <div className="flex min-h-0 flex-1 flex-col">{children}</div>
      </body>
    </html>
  );
}
