import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { PAGE_INSTRUCTOR_HEADER } from '../classroom/class-services';

/**
 * For server components of /instructor pages: the custom server already
 * redirected anyone without a valid instructor cookie (instructor-api.ts);
 * this is the second line, in case a route ever reaches a page another way.
 */
export async function requireInstructor(path: string): Promise<void> {
  if ((await headers()).get(PAGE_INSTRUCTOR_HEADER) !== '1') redirect(`/instructor/login?next=${encodeURIComponent(path)}`);
}

export async function isInstructorRequest(): Promise<boolean> {
  return (await headers()).get(PAGE_INSTRUCTOR_HEADER) === '1';
}
