import type { Participant } from '../../controllers/room-controller.js';

/**
 * The order in which the hands went up, for the numbers on them while two or more are up: by
 * when each went up, as its person's page says (`handRaisedAt`), so that every page numbers them
 * alike; this page's own by when it went up here.
 */
export class HandOrder {
  /** When this page's hand went up (ms since the epoch); 0 while it is down. */
  #ownAt = 0;

  /** Each raised hand's place (1: up first) by participant id (`local` for this page's); empty while fewer than two are up. */
  places(ownHand: boolean, participants: readonly Participant[]): ReadonlyMap<string, number> {
    this.#ownAt = ownHand ? this.#ownAt || Date.now() : 0;
    const up: [string, number][] = participants.filter((p) => p.hand).map((p) => [p.id, p.handRaisedAt]);
    if (ownHand) up.push(['local', this.#ownAt]);
    if (up.length < 2) return new Map();
    up.sort(([a, at], [b, bt]) => at - bt || (a < b ? -1 : 1));
    return new Map(up.map(([id], i) => [id, i + 1]));
  }
}
