/**
 * Offers held a moment (docs/protocol.md, "Signals"). A newcomer dials the members its welcome
 * names as soon as it has it, and its offer can reach a member before the holder's word that it
 * was let in (an `admit` frame, or gossip) does. The gate would drop that offer, and the newcomer
 * would wait for its dial to time out. So an offer from an id this page does not know yet is
 * kept, with the candidates that follow it, and let through once the id is known; it is
 * dropped after a few seconds. Nothing is built for it meanwhile, and what is kept is bounded:
 * a few offers, each of limited size with a limited number of candidates.
 *
 * Strangers share those few places, so a stranger that re-sends its offers must not be able to
 * keep them: every sender's offers are counted, and when the places are taken, a new sender's
 * offer takes the place of the one whose sender sent the most (a newcomer dials once, a squatter
 * over and over). A re-sent offer keeps its sender's place and deadline, never renews them.
 */
import { clock } from './clock.js';
import { Timers } from './types.js';

/** Offers held at once, at most (one per id; a newer one from the same id replaces it). */
export const MAX_HELD = 4;
/**
 * Senders whose offers are counted, the latest ones: far more than the ids one address may hold on
 * rtc-server at once (50), so that a squatter cycling through its ids keeps its counts.
 */
const SENDERS_COUNTED = 256;
/** How long an offer is held, at most (ms). */
export const HOLD_FOR = 5_000;
/** The largest message kept, in characters of its JSON (a browser's offer is a few thousand). */
const MAX_MESSAGE = 16 * 1024;
/** Messages kept per offer, the offer included. */
const MAX_MESSAGES = 32;
/** How often the held offers are tried again (ms). */
const RETRY_EVERY = 200;

export interface HeldOffersHost {
  /** Whether an offer from `src` is admitted now: true (let it through), false (drop it), 'later' (keep holding). */
  admits(src: string, offer: unknown[]): boolean | 'later';
  /** Lets held messages through, in the order they came. */
  deliver(messages: unknown[][]): void;
}

interface Held {
  connectionId: string;
  messages: unknown[][];
  until: number;
  /** Offers its sender sent, as counted when it last sent one. */
  sent: number;
}

export class HeldOffers {
  /** In the order first held: a re-sent offer does not move its sender's place. */
  private readonly held = new Map<string, Held>();
  /** Offers sent by each of the latest SENDERS_COUNTED senders, the one heard from longest ago first. */
  private readonly sent = new Map<string, number>();
  private readonly timers = new Timers();
  private ticking = false;

  constructor(private readonly host: HeldOffersHost) {}

  /** Holds an offer (the socket event's arguments) from `src` for the connection `connectionId`. */
  offer(src: string, connectionId: string, message: unknown[], size: number, now = clock()): void {
    const sent = this.count(src);
    if (size > MAX_MESSAGE) return;
    const held = this.held.get(src);
    if (held) {
      // The sender gave up on the connection it offered before; its place and deadline stay as they were.
      held.connectionId = connectionId;
      held.messages = [message];
      held.sent = sent;
      return;
    }
    if (this.held.size >= MAX_HELD && !this.makeRoom(sent, now)) return;
    this.held.set(src, { connectionId, messages: [message], until: now + HOLD_FOR, sent });
    this.tick();
  }

  /** Keeps a candidate (or other message) for a held offer's connection; false when there is no such offer. */
  follow(src: string, connectionId: string, message: unknown[], size: () => number): boolean {
    const held = this.held.get(src);
    if (!held || held.connectionId !== connectionId) return false;
    if (held.messages.length < MAX_MESSAGES && size() <= MAX_MESSAGE) held.messages.push(message);
    return true;
  }

  /** Tries every held offer again: delivered when its sender is admitted now, dropped when refused or too old. */
  retry(now = clock()): void {
    for (const [src, held] of [...this.held]) {
      const verdict = now > held.until ? false : this.host.admits(src, held.messages[0]);
      if (verdict === 'later') continue;
      this.held.delete(src);
      if (verdict) this.host.deliver(held.messages);
    }
  }

  get size(): number {
    return this.held.size;
  }

  clear(): void {
    this.held.clear();
    this.sent.clear();
    this.timers.clear();
    this.ticking = false;
  }

  /** Counts an offer from `src`; returns how many it sent, this one included. */
  private count(src: string): number {
    const sent = (this.sent.get(src) ?? 0) + 1;
    this.sent.delete(src);
    if (this.sent.size >= SENDERS_COUNTED) this.sent.delete(this.sent.keys().next().value!);
    this.sent.set(src, sent);
    return sent;
  }

  /**
   * Frees a place for a new sender that sent `sent` offers: one held too long, else the one whose
   * sender sent the most, the one held longest of those, unless it sent fewer than the new
   * sender did. So only senders never counted before can push out a newcomer's offer.
   */
  private makeRoom(sent: number, now: number): boolean {
    let out: [string, Held] | undefined;
    for (const entry of this.held) {
      if (now > entry[1].until) {
        out = entry;
        break;
      }
      if (!out || entry[1].sent > out[1].sent) out = entry;
    }
    if (!out || (now <= out[1].until && out[1].sent < sent)) return false;
    this.held.delete(out[0]);
    return true;
  }

  private tick(): void {
    if (this.ticking) return;
    this.ticking = true;
    this.timers.after(RETRY_EVERY, () => {
      this.ticking = false;
      this.retry();
      if (this.held.size) this.tick();
    });
  }
}
