import { CLASS_ID } from '../../protocol/http/classroom';
import type { ClassMember, ClassRecord } from '../../lib/store/classes';
import { classroom } from '../classroom/class-services';
import { pageLearnerId } from './class-page';

/** A class and the asking learner's place in it (null: not a member). */
export interface LearnerClass {
  record: ClassRecord;
  member: ClassMember | null;
}

/** For /class/<id>: the class, and whether the asking learner is in it; null when there is no such class. */
export async function learnerClass(id: string): Promise<LearnerClass | null> {
  const { store } = classroom();
  const record = CLASS_ID.test(id) ? store.classes.get(id) : null;
  if (!record) return null;
  const learnerId = await pageLearnerId();
  return { record, member: learnerId ? store.classes.member(record.id, learnerId) : null };
}

/** For /join: the open classes the asking learner is in (to go back to them), with the name they joined under. */
export async function learnerOpenClasses(): Promise<LearnerClass[]> {
  const learnerId = await pageLearnerId();
  if (!learnerId) return [];
  const { store } = classroom();
  return store.classes.openClassesOf(learnerId).map((record) => ({ record, member: store.classes.member(record.id, learnerId) }));
}
