import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ClassDashboard } from '@/components/classroom/ClassDashboard';
import { classGrid, className } from '@/platform/pages/instructor-classes';
import { isInstructorRequest, requireInstructor } from '@/platform/pages/instructor-page';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  // Metadata may be rendered alongside the page: it names the class only for an instructor too.
  const name = (await isInstructorRequest()) ? className(id) : null;
  return { title: name !== null ? `${name} — dashboard` : 'Class' };
}

/** The live dashboard; first rendered from the same snapshot function that feeds its event stream. */
export default async function ClassDashboardPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireInstructor(`/instructor/classes/${id}`);
  const grid = classGrid(id);
  if (!grid) notFound();
  return <ClassDashboard initial={grid} />;
}
