import { proveEveryExercise } from '../../test/content/exercise-content-ci';

// Content CI, class sandboxes: the inner engine pulls through the class registry mirror (test/content/exercise-content-ci.ts).
// DRYDOCK_LESSONS=volumes,buildx proves only those lessons (while writing them); CI proves all.
proveEveryExercise('class');
