import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientAddresses } from '../../lib/web-guards/client-address';
import type { Logger } from '../../lib/logging/logger';
import type { DataDir } from '../../lib/config/data-dir';
import type { Store } from '../../lib/store';
import { createClassApi } from './class-api';
import type { ClassRuntime } from '../classroom/class-runtime';
import { ClassEvents } from '../classroom/class-events';
import type { ConnectionState } from '../classroom/class-grid';
import { classroomSettingsFromEnv, createClassroom, publishClassroom } from '../classroom/class-services';
import { createInstructorRoutes, INSTRUCTOR_LOGIN_PATH } from './instructor-api';
import { openInstructorAccess, type Env } from '../classroom/instructor-auth';

/**
 * The instructor-led classroom on the platform server: instructor access,
 * the event bus, the instructor routes (with their guard) and the learner's
 * join route. platform.ts creates one and puts `handle` in front of the API.
 */
export function createClassroomServer(deps: {
  store: Store;
  data: DataDir;
  connection(learnerId: string): ConnectionState;
  env: Env;
  log: Logger;
  runtime?: ClassRuntime;
  /** The platform's one ClientAddresses (DRYDOCK_TRUSTED_PROXIES). */
  clients: ClientAddresses;
}) {
  const events = new ClassEvents((error) => deps.log.error(`class event listener: ${error.stack ?? error.message}`));
  const access = openInstructorAccess(deps.data.path, deps.data.cookieSecret, deps.env);
  const classroom = createClassroom({ store: deps.store, events, connection: deps.connection, settings: classroomSettingsFromEnv(deps.env) });
  publishClassroom(classroom);
  const instructor = createInstructorRoutes({ classroom, access, clients: deps.clients, runtime: deps.runtime, log: deps.log });
  const learner = createClassApi({ classroom, clients: deps.clients, runtime: deps.runtime, log: deps.log });

  return {
    events,
    access,
    classroom,
    instructor,
    /** Returns false when the request is for neither (the JSON API or Next.js takes it). */
    handle: async (req: IncomingMessage, res: ServerResponse, learnerId: string): Promise<boolean> =>
      (await instructor.handle(req, res)) || learner.handle(req, res, learnerId),
    /** Prints a newly generated instructor secret, once: it is stored only as a hash. */
    announce(url: string, print: (line: string) => void = (line) => console.log(line)): void {
      if (!access.generatedSecret) return;
      print(`[drydock] instructor secret (shown only this once; keep it): ${access.generatedSecret}`);
      print(`[drydock] instructors sign in at ${url}${INSTRUCTOR_LOGIN_PATH}  (lost it? delete ${deps.data.path}/instructor-secret.hash and restart)`);
    },
    close(): void {
      instructor.close();
      publishClassroom(undefined);
    },
  };
}
