import { CLASS_ID, type ClassRecord } from '../../../lib/store/classes';
import {
  ClassRuntimeStatusSchema,
  EndedClassSchema,
  ExportFormatSchema,
  ExtendRequestSchema,
  ExtendResponseSchema,
  FollowRequestSchema,
  MessageRequestSchema,
  MessageResponseSchema,
  ResetResponseSchema,
  EnvironmentNameSchema,
  LearnerEnvironmentsSchema,
} from '../../../protocol/http';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { ClassRuntime } from '../../classroom/class-runtime';
import type { Classroom } from '../../classroom/class-services';
import type { AppContext, AppRouter } from '../common/context';
import { HttpError } from '../common/errors';
import { limitBody, readJson } from '../middleware/body-limit';
import { noContent, sendJson } from '../common/responses';

const CLASS = '/api/instructor/classes/:classId';
const LEARNER = `${CLASS}/learners/:learnerId{[A-Za-z0-9_-]{1,64}}`;

/**
 * Live help and a class's lifecycle: actions on a class, or on one learner of
 * it. Behind the instructor-auth middleware. Each needs the class runtime
 * (the sandboxes of classes); a server without it answers 503.
 */
export function addClassActionRoutes(app: AppRouter, deps: { classroom: Classroom; runtime?: ClassRuntime }): void {
  const { classroom } = deps;

  /** The runtime and the class the route names (404 for an unknown class, or a learner not in it). */
  const target = (c: AppContext): { runtime: ClassRuntime; classId: string; record: ClassRecord } => {
    const runtime = deps.runtime;
    if (!runtime) throw new HttpError(503, 'this server runs no sandboxes for classes');
    const classId = c.req.param('classId') ?? '';
    const record = CLASS_ID.test(classId) ? classroom.store.classes.get(classId) : null;
    if (!record) throw new HttpError(404, `no class "${classId.slice(0, 40)}"`);
    const learnerId = c.req.param('learnerId');
    if (learnerId && !classroom.store.classes.member(classId, learnerId)) throw new HttpError(404, 'this learner is not in the class');
    return { runtime, classId, record };
  };

  app.get(`${CLASS}/runtime`, (c) => {
    const { runtime, classId } = target(c);
    return sendJson(c, ClassRuntimeStatusSchema, runtime.status(classId));
  });

  app.get(`${CLASS}/export`, (c) => {
    const { runtime, classId } = target(c);
    const format = ExportFormatSchema.safeParse(c.req.query('format') ?? 'csv');
    if (!format.success) throw new HttpError(400, 'format is csv or json');
    const file = runtime.export(classId, format.data);
    if (!file) throw new HttpError(404, 'no such class');
    return c.body(file.body, 200, {
      'content-type': format.data === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="${file.filename}"`,
      'cache-control': 'no-store',
    });
  });

  app.post(`${CLASS}/end`, async (c) => {
    const { runtime, classId } = target(c);
    const ended = await runtime.end(classId);
    if (!ended) throw new HttpError(404, 'no such class');
    return sendJson(c, EndedClassSchema, ended);
  });

  app.put(`${CLASS}/follow`, limitBody('follow'), async (c) => {
    const { runtime, classId, record } = target(c);
    const position = await readJson(c, FollowRequestSchema);
    if (!record.lessonIds.includes(position.lessonId)) throw new HttpError(400, `lesson ${position.lessonId} is not part of this class`);
    runtime.follow(classId, position);
    return noContent(c);
  });

  app.delete(`${CLASS}/follow`, (c) => {
    const { runtime, classId } = target(c);
    runtime.follow(classId, null);
    return noContent(c);
  });

  app.post(`${CLASS}/messages`, limitBody('message'), async (c) => {
    const { runtime, classId } = target(c);
    const body = await readJson(c, MessageRequestSchema);
    if (body.learnerId && !classroom.store.classes.member(classId, body.learnerId)) throw new HttpError(404, 'this learner is not in the class');
    return sendJson(c, MessageResponseSchema, { delivered: runtime.message(classId, body.text, body.learnerId) });
  });

  app.post(`${LEARNER}/reset`, async (c) => {
    const { runtime, classId } = target(c);
    await runtime.reset(classId, c.req.param('learnerId'));
    return sendJson(c, ResetResponseSchema, { ok: true });
  });

  app.get(`${LEARNER}/environments`, (c) => {
    const { runtime } = target(c);
    return sendJson(c, LearnerEnvironmentsSchema, runtime.environments(c.req.param('learnerId') ?? ''));
  });

  /** The :env of a route, checked (environments have `:` and `@`, so the browser encodes it). */
  const environmentOf = (c: AppContext): string => {
    const parsed = EnvironmentNameSchema.safeParse(c.req.param('environment') ?? '');
    if (!parsed.success) throw new HttpError(400, 'name an environment, e.g. dind:networking');
    return parsed.data;
  };

  app.delete(`${LEARNER}/environments/:environment`, async (c) => {
    const { runtime, classId } = target(c);
    if (!(await runtime.deleteEnvironment(classId, c.req.param('learnerId') ?? '', environmentOf(c)))) throw new HttpError(404, 'this learner has no such environment');
    return noContent(c);
  });

  app.get(`${LEARNER}/environments/:environment/export`, async (c) => {
    const { runtime } = target(c);
    const environment = environmentOf(c);
    const learnerId = c.req.param('learnerId') ?? '';
    const tar = await runtime.exportEnvironment(learnerId, environment);
    if (!tar) throw new HttpError(404, 'this learner has no such environment');
    const gzipped = Readable.toWeb(Readable.from(tar).pipe(createGzip())) as ReadableStream;
    const filename = `drydock-${learnerId.slice(0, 8)}-${environment.replace(/[:@]/g, '-')}-root.tar.gz`;
    return c.body(gzipped, 200, { 'content-type': 'application/gzip', 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-store' });
  });

  app.post(`${LEARNER}/extend`, limitBody('extend'), async (c) => {
    const { runtime, classId } = target(c);
    const { minutes } = await readJson(c, ExtendRequestSchema);
    const expiresAt = await runtime.extend(classId, c.req.param('learnerId'), minutes);
    if (!expiresAt) throw new HttpError(404, 'this learner has no sandbox (it starts when they open a lesson)');
    return sendJson(c, ExtendResponseSchema, { expiresAt });
  });
}
