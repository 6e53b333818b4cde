import { RateLimiter } from '../../lib/web-guards/rate-limiter';

export interface JoinLimitSettings {
  /** Per client address: a whole class behind one NAT joins at once, then one attempt a second. */
  address: { burst: number; perSecond: number };
  /** Per learner (browser): a few tries, then one every few seconds. */
  learner: { burst: number; perSecond: number };
  /** A wrong code costs this many attempts; a join that works costs one. */
  failureCost: number;
}

/**
 * Join codes are 6 characters from 32: about 10^9 codes. These limits make
 * guessing one hopeless: an address sustains one wrong code every 4 s
 * (21,600 a day: with 10 classes open, a 1 in 5,000 chance a day), and a new
 * cookie per guess does not help (the address pays either way). A room of 60
 * learners behind one address still joins at once, and a learner who mistypes
 * gets 5 wrong codes before they have to wait.
 */
export const JOIN_LIMITS: JoinLimitSettings = {
  address: { burst: 60, perSecond: 1 },
  learner: { burst: 20, perSecond: 0.2 },
  failureCost: 4,
};

/** Why an attempt must wait: seconds (for Retry-After), and a message that says who must wait and how long. */
export interface JoinRefusal {
  retryAfter: number;
  message: string;
}

/** Rate limits on joining a class, per client address and per learner; failures count more than successes. */
export class JoinLimits {
  private readonly byAddress: RateLimiter;
  private readonly byLearner: RateLimiter;

  constructor(private readonly settings: JoinLimitSettings = JOIN_LIMITS) {
    this.byAddress = new RateLimiter(settings.address.burst, settings.address.perSecond);
    this.byLearner = new RateLimiter(settings.learner.burst, settings.learner.perSecond);
  }

  /** Counts an attempt: null when it may go ahead. */
  attempt(address: string, learnerId: string): JoinRefusal | null {
    const learnerWait = this.byLearner.take(learnerId);
    const addressWait = this.byAddress.take(address);
    if (learnerWait === 0 && addressWait === 0) return null;
    const wait = Math.max(learnerWait, addressWait);
    const who = learnerWait >= addressWait ? 'from this browser' : 'from your network';
    return { retryAfter: wait, message: `too many attempts to join a class ${who}; wait ${wait} s and try again` };
  }

  /** A code that led to no open class: the attempt costs `failureCost` in all. */
  failed(address: string, learnerId: string): void {
    for (let i = 1; i < this.settings.failureCost; i++) {
      this.byLearner.take(learnerId);
      this.byAddress.take(address);
    }
  }
}
