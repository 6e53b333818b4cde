/**
 * Per-learner actions in the dashboard's row menu. What each one does lives
 * in the dashboard (useLearnerActions): some open a dialog, which needs
 * React state, so the menu only reports the choice.
 */
export type LearnerActionId = 'shadow' | 'preview' | 'environments' | 'reset' | 'extend' | 'message';

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

export type OnLearnerAction = (action: LearnerActionId, context: LearnerActionContext) => void;

export const LEARNER_ACTIONS: readonly LearnerAction[] = [
  { id: 'shadow', label: 'Shadow terminal', description: 'Watch their terminal, read-only' },
  { id: 'preview', label: 'Web preview', description: 'Open a port their sandbox serves' },
  { id: 'environments', label: 'Environments…', description: 'Their lessons’ sandboxes: export or delete' },
  { id: 'reset', label: 'Reset sandbox', description: 'Throw their sandbox away for a fresh one', confirm: 'Reset this learner’s sandbox? Everything in it is lost.' },
  { id: 'extend', label: 'Extend time', description: 'Give their sandbox more time' },
  { id: 'message', label: 'Message', description: 'Send them a note in their lesson' },
];
