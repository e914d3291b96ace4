/**
 * The room protocol's decisions, as pure functions: who dials whom, who may enter, who tries to
 * take over the beacon first, how long to back off, how fast gossip is dialled. The session's
 * parts apply them; the unit tests check them without any network.
 */

/**
 * For each pair of members exactly one dials: the one whose id sorts higher. Member ids start
 * with the join time, so a newcomer usually dials everyone it is told about, while the members
 * already there wait to be dialled. Never both: there is no glare to resolve.
 */
export function shouldDial(selfId: string, otherId: string): boolean {
  return selfId > otherId;
}

/**
 * The beacon holder's admission rule: members already linked, the holder itself and newcomers
 * admitted but not linked yet all count, so two people knocking at once cannot both take the
 * last place. `max` of 0 means no limit.
 */
export function admits(linked: number, pendingAdmits: number, max: number): boolean {
  if (max <= 0) return true;
  return 1 + linked + pendingAdmits < max;
}

/**
 * When the beacon holder leaves, every remaining member may take the beacon over; to spare the
 * server a stampede they try in id order, `step` ms apart. Returns this member's delay.
 */
export function takeoverDelay(selfId: string, remaining: Iterable<string>, step: number): number {
  let rank = 0;
  for (const id of remaining) if (id < selfId) rank++;
  return rank * step;
}

/** Exponential backoff with full jitter, in ms. `attempt` counts from 0. */
export function backoff(attempt: number, base: number, cap: number, random: () => number = Math.random): number {
  const ceiling = Math.min(cap, base * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * How fast ids learnt from gossip (`peers` frames, `hello.peers`) are dialled: a bucket of
 * `capacity` dials that refills at `perSecond`. A room's members are dialled at once; a linked
 * member that lists hundreds of invented ids gets a few dials a second, not hundreds.
 */
export class DialBudget {
  private tokens: number;
  private at: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.at = now();
  }

  /** Takes one dial; false when the budget is spent for now. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
