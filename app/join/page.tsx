import type { Metadata } from 'next';
import { JoinPage } from '@/components/classroom/JoinPage';

export const metadata: Metadata = { title: 'Join a class' };
export const dynamic = 'force-dynamic';

export default function Join() {
  return <JoinPage code="" />;
}
