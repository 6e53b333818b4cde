import type { Toast } from './DashboardToasts';

/** What the dashboard says after an action: pure, so the wording is tested without a browser. */

type Outcome = Omit<Toast, 'id'>;

/**
 * After a message: whom it reached (`delivered` counts learners with a page
 * open), or that nobody saw it: messages are not kept for later.
 */
export function sentToast(delivered: number, to: { displayName: string } | null): Outcome {
  if (delivered === 0) {
    return { tone: 'warn', title: 'Sent, but nobody saw it', detail: to ? `${to.displayName} has no Drydock page open right now` : 'No learner has a Drydock page open right now' };
  }
  return { tone: 'ok', title: 'Sent', detail: to ? `to ${to.displayName}` : `to everyone: ${delivered} ${delivered === 1 ? 'learner' : 'learners'} with a page open` };
}

/** "the server did not answer" → "The server did not answer" (errors shown as sentences in dialogs). */
export function sentence(error: string): string {
  return error.charAt(0).toUpperCase() + error.slice(1);
}
