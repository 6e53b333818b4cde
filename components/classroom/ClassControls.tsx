'use client';

import { ExportLinks } from './EndClassDialog';
import { exportUrl } from './instructor-client';
import { PresentMenu } from './PresentMenu';

const button =
  'inline-flex items-center gap-1.5 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-200 dark:hover:bg-slate-800';

/** The class-wide toolbar: message everyone, present a lesson, download grades, end the class. */
export function ClassControls({
  classId,
  lessons,
  open,
  onMessageAll,
  onEndClass,
}: {
  classId: string;
  lessons: { id: string; title: string }[];
  open: boolean;
  onMessageAll: () => void;
  onEndClass: () => void;
}) {
  return (
    <div className="mt-3 flex flex-wrap items-center gap-2" data-testid="class-controls">
      {open && (
        <>
          <button type="button" className={button} onClick={onMessageAll} data-testid="message-all">
            <span aria-hidden>✉</span> Message everyone
          </button>
          <PresentMenu classId={classId} lessons={lessons} />
        </>
      )}
      <span className={`flex items-center gap-2 text-sm text-slate-500 dark:text-slate-400 ${open ? 'ml-1' : ''}`}>
        Grades
        <ExportLinks urls={{ csv: exportUrl(classId, 'csv'), json: exportUrl(classId, 'json') }} />
      </span>
      {open && (
        <button
          type="button"
          className="inline-flex items-center rounded-md border border-rose-300 bg-white px-3 py-1.5 text-sm font-medium text-rose-700 hover:bg-rose-50 dark:border-rose-900 dark:bg-slate-900 dark:text-rose-400 dark:hover:bg-rose-950/50"
          onClick={onEndClass}
          data-testid="end-class"
        >
          End class
        </button>
      )}
    </div>
  );
}
