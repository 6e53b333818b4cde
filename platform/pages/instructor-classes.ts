import { CLASS_ID, type ClassGrid } from '../../protocol/http/classroom';
import type { ClassSummary } from '../../protocol/http/instructor';
import { classroom } from '../classroom/class-services';

/** For the instructor's pages (after requireInstructor): the classes and one class's grid, as the instructor API serves them. */

/** Every class, newest first, with whether it is open and how many joined. */
export function classSummaries(): ClassSummary[] {
  return classroom().summaries();
}

/** A class's name, or null when there is no such class. */
export function className(id: string): string | null {
  return CLASS_ID.test(id) ? (classroom().store.classes.get(id)?.name ?? null) : null;
}

/** The dashboard's first grid: the same snapshot its event stream sends. Null when there is no such class. */
export function classGrid(id: string): ClassGrid | null {
  return CLASS_ID.test(id) ? classroom().grid(id) : null;
}
