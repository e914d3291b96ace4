import type { ReactiveControllerHost } from 'lit';
import type { Knocker, LeaveReason, Participant } from '../../session/room-session.js';
import type { Strings } from '../../i18n/en.js';
import { Announcer } from '../announcer.js';
import { shownName } from './shown-name.js';

/**
 * What `<rtc-call>` reads out to screen readers (its polite live region): people coming, already
 * here, reconnecting and back, leaving or lost, raising a hand, reacting, starting and stopping
 * to share a screen, asking to be let in; and,
 * through `say`, what the element tells of itself (a device switched, the link to the server, a
 * notice).
 */
export class CallAnnouncements {
  readonly #announcer: Announcer;
  /** The people whose tile says "Reconnecting…", as read out. */
  readonly #reconnecting = new Set<string>();
  /** The people whose shared screen is shown, as read out. */
  readonly #sharing = new Set<string>();
  /** The people asking to be let in, as read out. */
  #knockers = new Set<string>();
  /** The people whose hand is up, as read out (or up as they came). */
  readonly #hands = new Set<string>();

  constructor(
    host: ReactiveControllerHost,
    private readonly t: () => Strings,
  ) {
    this.#announcer = new Announcer(host, (count) => t().more(count));
  }

  /** Reads a text out; `again` for answers to the visitor's own presses (see Announcer). */
  say(text: string, again = false): void {
    this.#announcer.say(text, again);
  }

  /**
   * Who asks to be let in now (none outside a call): each newcomer among them is read out, ahead
   * of the rest of its burst (see Announcer). Returns those newcomers.
   */
  knocks(knocking: readonly Knocker[]): Knocker[] {
    const before = this.#knockers;
    this.#knockers = new Set(knocking.map((k) => k.id));
    const t = this.t();
    const heard = knocking.filter((k) => !before.has(k.id));
    for (const k of heard) this.#announcer.say(t.asksToJoin(k.name || t.guest), false, true);
    return heard;
  }

  /** Someone is in the call: those already there when this page joined are here, not joining. */
  joined(participant: Participant): void {
    const t = this.t();
    this.say((participant.arrived === false ? t.isHere : t.joined)(shownName(participant)));
    if (participant.hand) this.#hands.add(participant.id); // shown on their tile; read out when raised again
  }

  /**
   * Someone changed: a tile's "Reconnecting…" and its end are read out, once each, and a hand
   * raised (not one lowered: the sign goes from the tile), with its place while `handsUp` (this
   * page's own among them) are two or more: it went up last.
   */
  updated(participant: Participant, handsUp: number): void {
    this.#hand(participant, handsUp);
    const was = this.#reconnecting.has(participant.id);
    if ((participant.connection === 'reconnecting') === was) return;
    if (was) this.#reconnecting.delete(participant.id);
    else this.#reconnecting.add(participant.id);
    const t = this.t();
    this.say((was ? t.reconnectedTo : t.reconnectingTo)(shownName(participant)));
  }

  #hand(participant: Participant, handsUp: number): void {
    if (participant.hand === this.#hands.has(participant.id)) return;
    if (!participant.hand) return void this.#hands.delete(participant.id);
    this.#hands.add(participant.id);
    this.say(this.t().raisedHand(shownName(participant), handsUp > 1 ? handsUp : undefined));
  }

  /** Someone reacted (at most a few times a second: the session paces each member's reactions). */
  reacted(participant: Participant, emoji: string): void {
    const t = this.t();
    this.say(t.reacted(shownName(participant), t.reaction(emoji)));
  }

  /** Someone went. As the chat says it: only a goodbye is leaving; a link that went silent or closed was lost. */
  left(participant: Participant, reason: LeaveReason): void {
    this.#reconnecting.delete(participant.id);
    this.#hands.delete(participant.id);
    const t = this.t();
    this.say((reason === 'left' ? t.left : t.leftLost)(shownName(participant)));
  }

  /**
   * The others as the stage shows them now: a screen that appears or goes (a large tile that
   * changes the whole stage) is read out. Someone who left took their screen along unsaid.
   */
  screens(participants: readonly Participant[]): void {
    const t = this.t();
    const now = new Set<string>();
    for (const p of participants) {
      if (!p.screen) {
        if (this.#sharing.has(p.id)) this.say(t.stoppedSharing(shownName(p)));
      } else {
        now.add(p.id);
        if (!this.#sharing.has(p.id)) this.say(t.sharesScreen(shownName(p)));
      }
    }
    this.#sharing.clear();
    for (const id of now) this.#sharing.add(id);
  }

  /** The call is over: nobody is reconnecting, sharing or raising a hand any more. */
  clear(): void {
    this.#reconnecting.clear();
    this.#sharing.clear();
    this.#hands.clear();
  }

  render() {
    return this.#announcer.render();
  }
}
