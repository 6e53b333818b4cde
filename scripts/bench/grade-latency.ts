import { lessons } from '../../lib/lesson-format/lesson-library';
import type { Exercise } from '../../lib/lesson-format/schema';
import type { DockerDriver } from '../../sandbox-server/src/engine/docker/docker';
import { gradeExercise } from '../../sandbox-server/src/grading/grader';
import { summarize, type Summary } from './stats';

function exercise(lessonId: string, exerciseId: string): Exercise {
  const entry = lessons().get(lessonId);
  const found = entry?.ok ? entry.lesson.slides.find((s) => s.exercise?.id === exerciseId)?.exercise : undefined;
  if (!found) throw new Error(`bench needs ${lessonId}/${exerciseId}`);
  return found;
}

export interface GradeLatency {
  /** One Docker-state check (containers-101 exit-three). */
  dockerState: Summary;
  /** One Docker-state check plus two shell checks (containers-101 serve-read-only). */
  mixed: Summary;
  /** One Dockerfile check with all five rules (read through the archive API). */
  dockerfile: Summary;
  /** The baseline: one bare `docker exec true` in the same sandbox. */
  bareExec: Summary;
}

/**
 * Grade latency on a ready sandbox: the grader (what the Check button runs
 * behind the HTTP API) beside one bare exec of `true`, interleaved so that
 * machine load hits both alike.
 */
export async function measureGradeLatency(driver: DockerDriver, sandboxId: string, samples: number): Promise<GradeLatency> {
  const single = exercise('containers-101', 'exit-three');
  const mixed = exercise('containers-101', 'serve-read-only');
  const dockerfile: Exercise = {
    id: 'bench-dockerfile',
    title: 'a production Dockerfile',
    line: 1,
    hints: [],
    timeoutSeconds: 20,
    solution: 'true',
    checks: [{ dockerfile: { path: '/root/bench/Dockerfile', rules: ['multiStage', 'pinnedBaseTag', 'nonRootUser', 'noRemoteAdd', 'execFormCmd'] }, fail: 'bench' }],
  };
  const dockerfileText = ['FROM busybox:1.36 AS build', 'RUN echo x > /x', 'FROM scratch', 'COPY --from=build /x /x', 'USER 65534', 'CMD ["/x"]', ''].join('\n');
  await driver.exec(sandboxId, ['sh', '-c', 'mkdir -p /root/bench && cat > /root/bench/Dockerfile'], { stdin: dockerfileText, timeoutMs: 10_000 });
  const runs = { dockerState: [] as number[], mixed: [] as number[], dockerfile: [] as number[], bareExec: [] as number[] };
  for (let i = 0; i < samples + 2; i++) {
    const warm = i < 2;
    let t = performance.now();
    await gradeExercise(driver, sandboxId, single);
    if (!warm) runs.dockerState.push(performance.now() - t);
    t = performance.now();
    await gradeExercise(driver, sandboxId, mixed);
    if (!warm) runs.mixed.push(performance.now() - t);
    t = performance.now();
    const verdict = await gradeExercise(driver, sandboxId, dockerfile);
    if (!verdict.passed) throw new Error(`bench Dockerfile check failed: ${verdict.checks[0]?.message}`);
    if (!warm) runs.dockerfile.push(performance.now() - t);
    t = performance.now();
    await driver.exec(sandboxId, ['true'], { timeoutMs: 10_000 });
    if (!warm) runs.bareExec.push(performance.now() - t);
  }
  return { dockerState: summarize(runs.dockerState), mixed: summarize(runs.mixed), dockerfile: summarize(runs.dockerfile), bareExec: summarize(runs.bareExec) };
}
