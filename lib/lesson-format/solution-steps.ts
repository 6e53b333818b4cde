import { MAX_MACHINES } from '../../protocol/environment';

/** One step of a reference solution: a script for one machine of the lesson's environment. */
export interface SolutionStep {
  /** 1 for node1 (the default), 2 for node2… */
  machine: number;
  script: string;
}

/** A line that starts a step on another machine: `#@ node2`. */
const STEP = /^#@\s*node(\d+)\s*$/;

/**
 * A solution split into steps by machine. A one-machine lesson's solution is
 * one step on node1. In a multi-machine lesson a line `#@ node2` starts a step
 * that runs on node2, and so on; content CI runs them in order, each reading
 * the previous step's output as $PREVIOUS_OUTPUT. Lines before the first
 * marker run on node1.
 */
export function solutionSteps(solution: string): SolutionStep[] {
  const steps: SolutionStep[] = [];
  let current: SolutionStep = { machine: 1, script: '' };
  for (const line of solution.split('\n')) {
    const marker = STEP.exec(line);
    if (!marker) {
      current.script += `${line}\n`;
      continue;
    }
    if (current.script.trim()) steps.push(current);
    current = { machine: Number(marker[1]), script: '' };
  }
  if (current.script.trim() || steps.length === 0) steps.push(current);
  return steps;
}

/** The machines a solution's steps name that are out of range for a lesson of `machines` (lint reports them). */
export function stepMachineProblems(solution: string, machines: number): string[] {
  return solutionSteps(solution)
    .filter((step) => step.machine < 1 || step.machine > Math.min(machines, MAX_MACHINES))
    .map((step) => `the solution has a step on node${step.machine}, but the lesson has ${machines} machine${machines === 1 ? '' : 's'}`);
}
