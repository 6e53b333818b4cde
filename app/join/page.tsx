import type { Metadata } from 'next';
import { JoinPage } from './join-page';

export const metadata: Metadata = { title: 'Join a class' };
export const dynamic = 'force-dynamic';

export default function Join() {
  return <JoinPage code="" />;
}
