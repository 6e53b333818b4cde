import { z } from '../zod';
import { parseEnvironment } from '../environment';

/**
 * A learner's environments, as an instructor manages them
 * (protocol/environment.ts says what an environment is):
 *   GET    /api/instructor/classes/:c/learners/:l/environments              → LearnerEnvironments
 *   GET    /api/instructor/classes/:c/learners/:l/environments/:env/export → the environment's /root as .tar.gz
 *   DELETE /api/instructor/classes/:c/learners/:l/environments/:env        → 204: removed, running or parked
 */

export const EnvironmentNameSchema = z.string().max(80).refine((text) => parseEnvironment(text) !== undefined, 'not an environment (e.g. dind:networking)');

export const LearnerEnvironmentSchema = z.object({
  environment: EnvironmentNameSchema,
  /** running: it has a sandbox that runs; parked: stopped, kept with what it wrote until its learner comes back. */
  state: z.enum(['running', 'parked']),
  /** Running: last activity; parked: when it stopped. Epoch ms. */
  since: z.number().int(),
});
export type LearnerEnvironmentEntry = z.infer<typeof LearnerEnvironmentSchema>;

export const LearnerEnvironmentsSchema = z.object({
  environments: z.array(LearnerEnvironmentSchema).max(100),
  /** How long a parked environment is kept (ms): DRYDOCK_KEEP_DAYS. */
  keepMs: z.number().int().nonnegative(),
});
export type LearnerEnvironments = z.infer<typeof LearnerEnvironmentsSchema>;
