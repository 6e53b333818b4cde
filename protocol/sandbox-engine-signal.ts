/**
 * How the sandbox tells the learner's browser whether its own Docker engine
 * runs: in band, as an OSC sequence in the terminal output,
 * `ESC ] 7770 ; engine=up|down BEL`. xterm.js hands it to a handler and shows
 * nothing. The sandbox image writes it at every prompt (bashrc: is the pid in
 * /var/run/docker.pid alive?) and the moment dockerd exits (entrypoint.sh).
 *
 * Only the learner's own header follows it. The learner can print it too, so
 * nothing is decided on it: the grader asks the engine itself (Verdict.engine).
 * Every prompt repeats it, so a replay that no longer holds the last change
 * is set right by the next prompt.
 */
export const ENGINE_SIGNAL_OSC = 7770;

export type EngineSignal = 'up' | 'down';

/** The OSC's payload (what follows "7770;"), or undefined for anything else. */
export function parseEngineSignal(payload: string): EngineSignal | undefined {
  if (payload === 'engine=up') return 'up';
  if (payload === 'engine=down') return 'down';
  return undefined;
}

/** How a learner starts their sandbox's engine again by hand (as the entrypoint does; its log stays where it was). */
export const INNER_ENGINE_START_COMMAND = 'dockerd >>/var/log/dockerd.log 2>&1 &';
