import { proveEveryExercise } from '../../test/content/exercise-content-ci';

// Content CI, self-paced sandboxes (the class half: lesson-exercises-class.integration.test.ts; the proof: test/content/exercise-content-ci.ts).
// DRYDOCK_LESSONS=volumes,buildx proves only those lessons (while writing them); CI proves all.
proveEveryExercise('self-paced');
