import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ClassDashboard } from '@/components/classroom/ClassDashboard';
import { classroom } from '@/platform/classroom/class-services';
import { isInstructorRequest, requireInstructor } from '@/platform/pages/instructor-page';
import { CLASS_ID } from '@/lib/store/classes';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  // Metadata may be rendered alongside the page: it names the class only for an instructor too.
  const record = CLASS_ID.test(id) && (await isInstructorRequest()) ? classroom().store.classes.get(id) : null;
  return { title: record ? `${record.name} — dashboard` : 'Class' };
}

/** The live dashboard; first rendered from the same snapshot function that feeds its event stream. */
export default async function ClassDashboardPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireInstructor(`/instructor/classes/${id}`);
  const grid = CLASS_ID.test(id) ? classroom().grid(id) : null;
  if (!grid) notFound();
  return <ClassDashboard initial={grid} />;
}
