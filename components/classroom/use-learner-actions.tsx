'use client';

import { useCallback, useState, type ReactNode } from 'react';
import type { Notify } from './DashboardToasts';
import { ExtendDialog } from './ExtendDialog';
import { resetSandbox } from './instructor-client';
import type { LearnerActionContext, LearnerActionId, OnLearnerAction } from './learner-actions';
import { MessageDialog } from './MessageDialog';
import { ShadowTerminal } from './ShadowTerminal';
import { PreviewDialog } from './PreviewDialog';
import { EnvironmentsDialog } from './EnvironmentsDialog';

type Open = { action: Exclude<LearnerActionId, 'reset'>; context: LearnerActionContext } | null;

/**
 * What the row menu's choices do: reset runs at once (the menu asked
 * first); shadow, preview, environments, extend and message open their view or dialog, returned
 * as `view` for the dashboard to render. Outcomes go to `notify`.
 */
export function useLearnerActions(notify: Notify): { onAction: OnLearnerAction; view: ReactNode } {
  const [open, setOpen] = useState<Open>(null);
  const close = useCallback(() => setOpen(null), []);

  const onAction = useCallback<OnLearnerAction>(
    (action, context) => {
      if (action !== 'reset') return setOpen({ action, context });
      void resetSandbox(context.classId, context.learnerId).then((result) =>
        notify(result.ok ? { tone: 'ok', title: 'Sandbox reset', detail: `${context.displayName} gets a fresh sandbox` } : { tone: 'error', title: 'Reset failed', detail: result.error }),
      );
    },
    [notify],
  );

  let view: ReactNode = null;
  if (open?.action === 'shadow') view = <ShadowTerminal learnerId={open.context.learnerId} displayName={open.context.displayName} onClose={close} />;
  else if (open?.action === 'preview') view = <PreviewDialog context={open.context} onClose={close} />;
  else if (open?.action === 'environments') view = <EnvironmentsDialog context={open.context} onClose={close} />;
  else if (open?.action === 'extend') view = <ExtendDialog context={open.context} onClose={close} notify={notify} />;
  else if (open?.action === 'message') view = <MessageDialog classId={open.context.classId} to={open.context} onClose={close} notify={notify} />;
  return { onAction, view };
}
