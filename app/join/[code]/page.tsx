import type { Metadata } from 'next';
import { isJoinCode, normalizeJoinCode } from '@/protocol/http/classroom';
import { JoinPage } from '../join-page';

export const metadata: Metadata = { title: 'Join a class' };
export const dynamic = 'force-dynamic';

/** The link an instructor shares: the form with the code filled in (anything that is not a code is left for the learner to fix). */
export default async function JoinWithCode({ params }: { params: Promise<{ code: string }> }) {
  const code = normalizeJoinCode((await params).code);
  return <JoinPage code={isJoinCode(code) ? code : ''} />;
}
