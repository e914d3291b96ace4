/**
 * What one member is sent when it asks for this page's history (a `chat-hello`), and when: each
 * recent message at most once per HISTORY_INTERVAL, the whole history again after its
 * connection was replaced, and this page's own messages sent since it linked as the live
 * messages they are. `ChatRoom` keeps one per member, with the rest of what it knows of it.
 */
import type { ExtensionFrame } from '../session/frames.js';
import { messageId } from './store.js';
import { chatFrame, historyFrames, type HistoryEntry } from './wire.js';

/**
 * How soon a member that asks again (a `chat-hello` without `reply`) gets the whole history
 * again (ms); until then a request gets only the recent messages it was not sent yet. A history
 * is up to 500 messages, megabytes at most; answered at the hello rate, one member could draw
 * about 1 MB/s of this page's upload. A link's first request, and the first after its
 * connection was replaced, get the whole history at once.
 */
export const HISTORY_INTERVAL = 30_000;

export class HistoryPacing {
  /**
   * When this page last sent the member its whole history (`performance.now()`), or null while
   * the next request gets it at once: on a new link, and again after a replaced connection.
   */
  #historySent: number | null = null;
  /**
   * The ids of the recent messages sent to the member since `#historySent` (at most
   * MAX_HISTORY): until HISTORY_INTERVAL has passed, a request gets only the others.
   */
  #sent = new Set<string>();

  /**
   * The member's connection was replaced: what was sent on the old one may be lost, so its next
   * request gets the whole history at once (fresh connections are at most 6 a minute). A
   * `restored` connection is the same reliable channel, which delivers what waited on it, and
   * changes nothing here: a member can have its link restored every few seconds (by going quiet
   * for 3.5 s), which once drew the whole history each time.
   */
  replaced(): void {
    this.#historySent = null;
    this.#sent.clear();
  }

  /**
   * The frames that answer the member's request, from this page's `recent` messages (oldest
   * first). This page's own messages (`me`) sent since the member linked (clock after `since`)
   * go as the live messages they are, after the history (a copy already received is dropped
   * there): the member's chat may have started after they were broadcast, and they are not
   * history to it.
   *
   * Each recent message goes at most once per HISTORY_INTERVAL: within it, a request gets only
   * those not sent since the last whole history, so that a member asking again and again draws
   * one history and what is new. What this page broadcast is not counted as sent: it may have
   * been lost with a replaced connection, and goes again with the next request.
   */
  answer(recent: readonly HistoryEntry[], me: string | null | undefined, since: number, now = performance.now()): ExtensionFrame[] {
    if (this.#historySent === null || now - this.#historySent >= HISTORY_INTERVAL) {
      this.#historySent = now;
      this.#sent.clear();
    }
    const ids = recent.map((e) => messageId(e.from, e.seq));
    const unsent = recent.filter((_, i) => !this.#sent.has(ids[i]));
    // Those that left the recent ones are not asked for again: the set stays at MAX_HISTORY.
    this.#sent = new Set(ids);
    const live = unsent.filter((e) => e.from === me && e.clock > since);
    const history = historyFrames(unsent.filter((e) => !live.includes(e)));
    return [...history, ...live.map(({ seq, clock, time, text }) => chatFrame({ t: 'chat-msg', seq, clock, time, text }))];
  }
}
