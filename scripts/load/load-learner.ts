import { LEARNER_COOKIE } from '../../lib/identity/learner-identity';
import { LESSON_PATH, PROFILE, PROMPT_TIMEOUT_MS, SIZE } from '../bench/options';
import { DrydockSocketLink } from '../bench/terminal-link';

/** Every learner's output marker: `mark-<n>-end`; a learner who ever receives another's has seen cross-talk. */
const MARK = /mark-(\d+)-end/g;

/**
 * One simulated learner of the load run, as a browser would be: the lesson
 * page (its cookie), the terminal WebSocket, acks as it "renders". Every
 * chunk it receives is scanned for other learners' markers.
 */
export class LoadLearner {
  /** Markers of other learners seen in this learner's output (must stay empty). */
  readonly foreign = new Set<number>();
  /** The socket closed while the run still needed it. */
  dropped: string | undefined;
  private closing = false;

  private constructor(
    readonly n: number,
    readonly learnerId: string,
    /** The learner's cookie header value (name=value), for the HTTP API. */
    readonly cookie: string,
    readonly link: DrydockSocketLink,
    /** ms from the page request to the prompt. */
    readonly readyMs: number,
  ) {
    link.out.tap((chunk) => {
      for (const match of chunk.toString('latin1').matchAll(MARK)) {
        const other = Number(match[1]);
        if (other !== n) this.foreign.add(other);
      }
    });
    link.onClose((info) => {
      if (!this.closing) this.dropped = `${info.code} ${info.reason}`;
    });
  }

  /** The marker this learner's own commands print. */
  get mark(): string {
    return `mark-${this.n}-end`;
  }

  /** A new learner: page, cookie, socket, prompt. */
  static async arrive(baseUrl: string, n: number): Promise<LoadLearner> {
    const t0 = performance.now();
    const res = await fetch(`${baseUrl}${LESSON_PATH}`);
    await res.text();
    if (!res.ok) throw new Error(`learner ${n}: GET ${LESSON_PATH} answered HTTP ${res.status}`);
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(`${LEARNER_COOKIE}=`));
    if (!setCookie) throw new Error(`learner ${n}: no ${LEARNER_COOKIE} cookie`);
    const cookie = setCookie.split(';')[0]!;
    const learnerId = decodeURIComponent(cookie.slice(LEARNER_COOKIE.length + 1)).split('.')[1]!;
    const link = await DrydockSocketLink.open(`${baseUrl.replace(/^http/, 'ws')}/ws/terminal?env=${PROFILE}`, cookie, baseUrl, SIZE);
    const at = await link.out.waitForPrompt(PROMPT_TIMEOUT_MS * 3).catch(async (error: Error) => {
      await link.close();
      throw new Error(`learner ${n}: ${error.message}`);
    });
    return new LoadLearner(n, learnerId, cookie, link, at - t0);
  }

  /** Runs `echo` of this learner's marker and waits for it: the sandbox answers. */
  async answers(timeoutMs: number): Promise<void> {
    // The marker is built by the shell ($((…))), so the echoed command line itself never matches.
    this.link.type(`echo mark-$((${this.n}+0))-end\r`);
    await this.link.out.waitFor((w) => w.tail.includes(this.mark), timeoutMs, `learner ${this.n}'s marker`);
  }

  /** Types a command line and waits until `pattern` shows in the output. */
  async run(command: string, pattern: RegExp, timeoutMs: number): Promise<void> {
    this.link.type(`${command}\r`);
    await this.link.out.waitFor((w) => pattern.test(w.tail), timeoutMs, `${pattern} after "${command}"`);
  }

  /** One keystroke and its echo: types `x`, waits for output, then rubs it out (the next sample). Resolves with the ms. */
  async keystroke(timeoutMs: number): Promise<number> {
    const started = performance.now();
    const echoed = this.link.out.nextChunk(timeoutMs);
    this.link.type('x');
    const at = await echoed;
    const rubbed = this.link.out.nextChunk(timeoutMs);
    this.link.type('\x7f');
    await rubbed;
    return at - started;
  }

  /** Starts printing as fast as the terminal takes it, for `seconds`: lines carrying this learner's marker. */
  flood(seconds: number): void {
    // Twelve of this learner's own markers per line (printf repeats its format once per argument; %.0s prints none of it).
    this.link.type(`timeout ${seconds} yes "$(printf '${this.mark} %.0s' {1..12})"; echo; echo flood-$((1+1))-done\r`);
  }

  async flooded(timeoutMs: number): Promise<void> {
    if (this.link.out.tail.includes('flood-2-done')) return; // it may have ended before anyone waited
    await this.link.out.waitFor((w) => w.tail.includes('flood-2-done'), timeoutMs, `learner ${this.n}'s flood to end`);
  }

  async leave(): Promise<void> {
    this.closing = true;
    await this.link.close();
  }
}
