import { headers } from 'next/headers';
import { PAGE_LEARNER_HEADER } from '../classroom/class-services';

/** For server components: the learner the custom server identified from the signed cookie (platform.ts), or null. */
export async function pageLearnerId(): Promise<string | null> {
  return (await headers()).get(PAGE_LEARNER_HEADER);
}
