import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="mx-auto max-w-xl px-4 py-16 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-300">There is no lesson or page at this address.</p>
      <Link href="/" className="mt-6 inline-block text-sky-700 underline dark:text-sky-400">
        Back to the course
      </Link>
    </main>
  );
}
