'use client';

import { Dialog } from '../ui/Dialog';
import type { LearnerActionContext } from './learner-actions';
import { PreviewPorts } from '../preview/PreviewMenu';

/** The instructor's "Web preview" of one learner: their sandbox's ports, each opening in a new tab. */
export function PreviewDialog({ context, onClose }: { context: LearnerActionContext; onClose: () => void }) {
  const base = `/api/instructor/classes/${encodeURIComponent(context.classId)}/learners/${encodeURIComponent(context.learnerId)}`;
  return (
    <Dialog title={`${context.displayName}’s web preview`} description="What their sandbox serves, opened in a new tab at its own address." onClose={onClose} testId="preview-dialog">
      <div className="text-sm">
        <PreviewPorts portsUrl={`${base}/ports`} openPath={(port) => `${base}/preview/${port}`} who="this learner and their instructors" />
      </div>
    </Dialog>
  );
}
