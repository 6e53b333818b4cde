import { proveEveryExercise } from '../../test/content/exercise-content-ci';

// Content CI, class sandboxes: the inner engine pulls through the class registry mirror; each exercise fails on a
// fresh sandbox and passes after its solution (test/content/exercise-content-ci.ts). The self-paced side, with every
// run block of the slides: lesson-run-blocks.content.test.ts. Both run at once in `npm test` (the content suite).
// DRYDOCK_LESSONS=volumes,buildx proves only those lessons (while writing them); CI proves all.
proveEveryExercise('class');
