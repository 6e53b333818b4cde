import { z } from '../zod';

/** Building blocks of the HTTP and SSE bodies (protocol/http/*): the shapes several bodies share. */

/** Epoch milliseconds, as Date.now() gives them (the store keeps them as SQLite integers). */
export const EpochMsSchema = z.number().int().nonnegative();

/** A count of things (attempts, learners, sandboxes). */
export const CountSchema = z.number().int().nonnegative();

/** A lesson id is its folder name under lessons/, and a path segment in URLs (/lessons/<id>). */
export const LessonIdSchema = z.string().regex(/^[a-z0-9-]{1,64}$/, 'not a lesson id');

/** A learner id (the signed cookie's subject), as it appears in instructor URLs. */
export const LearnerIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a learner id');

/** A 0-based slide index of a lesson (the URL hash is 1-based). */
export const SlideIndexSchema = z.number().int().min(0).max(10_000);
