import { runEveryLessonsBlocks } from '../../test/content/lesson-run-blocks';

// Content CI, the terminal's side, in self-paced sandboxes: every `sh run` block of every lesson in slide order,
// each exercise failing on the demos' state and passing after its solution (test/content/lesson-run-blocks.ts).
// The class half, each exercise from a fresh class sandbox: lesson-exercises-class.content.test.ts.
// DRYDOCK_LESSONS=volumes,buildx runs only those lessons (while writing them); CI runs all.
runEveryLessonsBlocks();
