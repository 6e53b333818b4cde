/**
 * Per-learner actions in the dashboard's row menu. Shown now so instructors
 * see what is coming; an action is enabled once it has a handler here.
 * (Hook for the next part of issue 5: shadowing a terminal, resetting a
 * sandbox, extending time and messaging are built separately.)
 */
export type LearnerActionId = 'shadow' | 'reset' | 'extend' | 'message';

export interface LearnerActionContext {
  classId: string;
  learnerId: string;
  displayName: string;
}

export interface LearnerAction {
  id: LearnerActionId;
  label: string;
  description: string;
  /** Asks before running (it changes the learner's sandbox). */
  confirm?: string;
}

export const LEARNER_ACTIONS: readonly LearnerAction[] = [
  { id: 'shadow', label: 'Shadow terminal', description: 'Watch their terminal, read-only' },
  { id: 'reset', label: 'Reset sandbox', description: 'Throw their sandbox away for a fresh one', confirm: 'Reset this learner’s sandbox? Everything in it is lost.' },
  { id: 'extend', label: 'Extend time', description: 'Give their sandbox more time' },
  { id: 'message', label: 'Message', description: 'Send them a note in their lesson' },
];

/** Handlers of the actions that are built; the menu shows the others as "coming soon". */
export const LEARNER_ACTION_HANDLERS: Partial<Record<LearnerActionId, (context: LearnerActionContext) => void | Promise<void>>> = {};
