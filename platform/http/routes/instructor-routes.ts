import type { Logger } from '../../../lib/logging/logger';
import { CLASS_ID } from '../../../lib/store/classes';
import { ClassGridSchema, ClassListResponseSchema, InstructorSessionResponseSchema, NewClassRequestSchema, NewClassResponseSchema } from '../../../protocol/http';
import type { ClassRuntime } from '../../classroom/class-runtime';
import type { Classroom } from '../../classroom/class-services';
import type { AppRouter } from '../common/context';
import type { DashboardStreams } from './dashboard-stream';
import { HttpError } from '../common/errors';
import { limitBody, readJson } from '../middleware/body-limit';
import { sendJson } from '../common/responses';

/**
 * The instructor's classes: the list, creating one, and a class's live grid
 * (once, or as the dashboard's event stream). Behind the instructor-auth
 * middleware: no route here runs without the instructor cookie.
 */
export function addInstructorRoutes(app: AppRouter, deps: { classroom: Classroom; dashboards: DashboardStreams; runtime?: ClassRuntime; log: Logger }): void {
  const { classroom } = deps;

  const gridOf = (classId: string) => {
    const grid = CLASS_ID.test(classId) ? classroom.grid(classId) : null;
    if (!grid) throw new HttpError(404, `no class "${classId.slice(0, 40)}"`);
    return grid;
  };

  app.get('/api/instructor/session', (c) => sendJson(c, InstructorSessionResponseSchema, { instructor: true }));

  app.get('/api/instructor/classes', (c) => sendJson(c, ClassListResponseSchema, { classes: classroom.summaries() }));

  app.post('/api/instructor/classes', limitBody('newClass'), async (c) => {
    const body = await readJson(c, NewClassRequestSchema);
    for (const id of body.lessonIds) {
      if (!classroom.lesson(id)) throw new HttpError(400, `lessonIds: there is no lesson "${id}" (or it has errors)`);
    }
    const created = classroom.store.classes.create(body);
    deps.log.info(`class "${created.name}" created: code ${created.joinCode}, ${created.lessonIds.length} lessons`);
    deps.runtime?.prepare(created);
    return sendJson(c, NewClassResponseSchema, { class: created }, 201);
  });

  app.get('/api/instructor/classes/:classId', (c) => sendJson(c, ClassGridSchema, gridOf(c.req.param('classId'))));

  app.get('/api/instructor/classes/:classId/events', (c) => deps.dashboards.serve(c, gridOf(c.req.param('classId'))));
}
