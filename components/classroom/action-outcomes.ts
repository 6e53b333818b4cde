import type { Toast } from './DashboardToasts';

/** What the dashboard says after an action: pure, so the wording is tested without a browser. */

type Outcome = Omit<Toast, 'id'>;

/** After a message: who it reached, or that nobody had a page open to show it (it is not kept for later). */
export function sentToast(delivered: number, to: { displayName: string } | null): Outcome {
  if (delivered === 0) {
    return { tone: 'warn', title: 'Sent, but nobody saw it', detail: to ? `${to.displayName} has no Drydock page open right now` : 'No learner has a Drydock page open right now' };
  }
  const pages = `${delivered} open ${delivered === 1 ? 'page' : 'pages'}`;
  return { tone: 'ok', title: 'Sent', detail: to ? `to ${to.displayName} (${pages})` : `to everyone (${pages})` };
}

/** "the server did not answer" → "The server did not answer" (errors shown as sentences in dialogs). */
export function sentence(error: string): string {
  return error.charAt(0).toUpperCase() + error.slice(1);
}
