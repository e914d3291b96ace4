/**
 * Knocking (docs/protocol.md, "Knocking"): in a room that knocks, the holder of the beacon keeps
 * a newcomer waiting until someone in the room lets it in or turns it away. The holder keeps who
 * knocks, answers each question with `knocking` while it waits, and tells the members that take
 * them the whole list in a `knock` frame; a member's answer comes back in a `let-in` frame. The
 * list this page shows is its own while it holds the beacon, and what its links told it.
 *
 * Everything here comes from peers: a list is cut to MAX_KNOCKING and cleaned; an answer counts
 * only from a linked member and only for someone who knocks at this page.
 */
import { clock } from './clock.js';
import { Paced } from './paced.js';
import { type MemberInfo, cleanName, isValidPeerId } from './protocol.js';
import type { Knocker, KnockVerdict } from './types.js';

/** Holder → members that take them: who knocks now, in the order they knocked (the whole list, each time it changes). */
export type KnockFrame = {
  t: 'knock';
  list: Knocker[];
};
/** Member → the holder that listed `id`: let them in (`allow`) or turn them away. */
export type LetInFrame = {
  t: 'let-in';
  id: string;
  allow: boolean;
};
export type KnockingFrame = KnockFrame | LetInFrame;

/** The most people knocking at once; a further one gets no answer, and asks again. */
export const MAX_KNOCKING = 8;
/** Someone who knocks and has not asked again for this long has gone (they ask every `knockAgain`, 4 s). */
export const KNOCK_LAPSE = 10_000;
/** How long a page turned away is answered so at once, without asking anyone. */
export const TURNED_AWAY_FOR = 10 * 60_000;
/**
 * A link's lists are taken at most once in this many ms; of those that come sooner, the latest
 * waits (paced.ts): a member that floods lists of invented people changes what the page shows,
 * reads out and tells its scripts a few times a second at most.
 */
export const KNOCK_LIST_EVERY = 500;
/** How long one let in is admitted again without knocking, when it asks again (its welcome was lost). */
const LET_IN_FOR = 30_000;
/** Ids remembered as turned away or let in, the latest this many each. */
const REMEMBERED = 256;

export interface KnockingHost {
  send(id: string, frame: KnockingFrame): void;
  /** The list of people knocking this page shows changed. */
  changed(knocking: readonly Knocker[]): void;
  /** This page knocks and waits to be let in, or no longer waits. */
  waitingChanged(waiting: boolean): void;
  /** Someone let a newcomer in: admit it, answering its question (`nonce`). */
  letIn(id: string, info: Pick<MemberInfo, 'name' | 'media'>, nonce: string): void;
  /** Someone turned a newcomer away: answer its question so. */
  turnAway(id: string, nonce: string): void;
}

interface Waiting {
  name: string;
  media: boolean;
  nonce: string;
  heard: number;
}

export class Knocking {
  /** Who knocks at this page while it holds the beacon, in the order they knocked. */
  private readonly knockers = new Map<string, Waiting>();
  private readonly turnedAway = new Map<string, number>();
  private readonly letInLately = new Map<string, number>();
  /** The lists this page's links told it, by sender. */
  private readonly told = new Map<string, Knocker[]>();
  private readonly lists = new Paced<Knocker[]>(KNOCK_LIST_EVERY, (from, list) => this.listed(from, list));
  /** Linked members whose hello said they take `knock` frames. */
  private readonly listeners = new Set<string>();
  private shown: readonly Knocker[] = [];
  #waiting = false;

  constructor(
    private readonly host: KnockingHost,
    /** Whether newcomers knock while this page holds the beacon (the session's `knock` option). */
    private readonly enabled: boolean,
  ) {}

  /** Whether this page knocks and waits to be let in (as the doorkeeper says). */
  get waiting(): boolean {
    return this.#waiting;
  }

  set waiting(waiting: boolean) {
    if (waiting === this.#waiting) return;
    this.#waiting = waiting;
    this.host.waitingChanged(waiting);
  }

  /** Who knocks, as this page shows it: its own list first, then what its links told it, each person once. */
  get list(): readonly Knocker[] {
    return this.shown;
  }

  /** Whether `id` knocks at this page (its questions then skip the room-wide rate limit: it asks every `knockAgain`). */
  knocks(id: string): boolean {
    return this.knockers.has(id);
  }

  /**
   * Holder: a question from a newcomer. 'in': admit it; 'wait': it knocks; 'away': it was turned
   * away; 'none': no place to knock. Null when this page does not make newcomers knock.
   */
  knock(id: string, intro: { name: string; media: boolean; nonce: string }, now = clock()): KnockVerdict | null {
    if (!this.enabled) return null;
    if ((this.turnedAway.get(id) ?? 0) > now) return 'away';
    if ((this.letInLately.get(id) ?? 0) > now) return 'in';
    const known = this.knockers.get(id);
    if (!known && this.knockers.size >= MAX_KNOCKING) return 'none';
    this.knockers.set(id, { name: intro.name || 'Guest', media: intro.media, nonce: intro.nonce, heard: now });
    if (!known || known.name !== intro.name) this.update();
    return 'wait';
  }

  /** Holder: the newcomer gave up knocking (its question `nonce`; an older one's word is ignored). */
  withdraw(id: string, nonce: string): void {
    if (this.knockers.get(id)?.nonce !== nonce) return;
    this.knockers.delete(id);
    this.update();
  }

  /**
   * Lets someone who knocks in, or turns them away: at once while they knock at this page, else
   * through the link that listed them. False when nobody lists them.
   */
  answer(id: string, allow: boolean, now = clock()): boolean {
    const waiting = this.knockers.get(id);
    if (waiting) {
      this.knockers.delete(id);
      if (allow) remember(this.letInLately, id, now + LET_IN_FOR);
      else remember(this.turnedAway, id, now + TURNED_AWAY_FOR);
      this.update();
      if (allow) this.host.letIn(id, waiting, waiting.nonce);
      else this.host.turnAway(id, waiting.nonce);
      return true;
    }
    for (const [holder, list] of this.told) {
      if (!list.some((k) => k.id === id)) continue;
      this.host.send(holder, { t: 'let-in', id, allow });
      return true;
    }
    return false;
  }

  /** A `knock` or `let-in` frame from a linked member (checked here: it comes from a peer). */
  frame(from: string, frame: { [field: string]: unknown }): void {
    if (frame.t === 'let-in') {
      if (isValidPeerId(frame.id) && typeof frame.allow === 'boolean' && this.knockers.has(frame.id)) this.answer(frame.id, frame.allow);
      return;
    }
    const list = Array.isArray(frame.list) ? frame.list.slice(0, MAX_KNOCKING) : [];
    const knockers: Knocker[] = [];
    for (const k of list as unknown[]) {
      const { id, name } = (typeof k === 'object' && k !== null ? k : {}) as Record<string, unknown>;
      if (isValidPeerId(id) && !knockers.some((x) => x.id === id)) knockers.push({ id, name: cleanName(name) || 'Guest' });
    }
    this.lists.offer(from, knockers);
  }

  /** A link's list, in its turn. */
  private listed(from: string, list: Knocker[]): void {
    if (list.length) this.told.set(from, list);
    else this.told.delete(from);
    this.show();
  }

  /** A member's link said hello (again, when replaced): one that takes `knock` frames is told who knocks at this page now. */
  linked(id: string, takesKnocks: boolean): void {
    if (!takesKnocks) return void this.listeners.delete(id);
    this.listeners.add(id);
    if (this.knockers.size) this.host.send(id, { t: 'knock', list: this.ownList() });
  }

  /** A member's link is gone: what it told goes with it. */
  unlinked(id: string): void {
    this.listeners.delete(id);
    this.lists.forget(id);
    if (this.told.delete(id)) this.show();
  }

  /** Every heartbeat: those who stopped asking have gone; what is remembered past its time goes. */
  sweep(now = clock()): void {
    let changed = false;
    for (const [id, w] of this.knockers) if (now - w.heard > KNOCK_LAPSE) changed = this.knockers.delete(id);
    for (const map of [this.turnedAway, this.letInLately]) for (const [id, until] of map) if (until <= now) map.delete(id);
    if (changed) this.update();
  }

  /** The session ends or starts afresh: nobody knocks any more. */
  clear(): void {
    this.knockers.clear();
    this.told.clear();
    this.lists.clear();
    this.listeners.clear();
    this.show();
  }

  private ownList(): Knocker[] {
    return [...this.knockers].map(([id, w]) => ({ id, name: w.name }));
  }

  /** This page's own list changed: its listeners are told, and what it shows follows. */
  private update(): void {
    const frame: KnockFrame = { t: 'knock', list: this.ownList() };
    for (const id of this.listeners) this.host.send(id, frame);
    this.show();
  }

  private show(): void {
    const all = [...this.ownList(), ...[...this.told.values()].flat()];
    const list = all.filter((k, i) => all.findIndex((x) => x.id === k.id) === i).slice(0, MAX_KNOCKING);
    if (list.length === this.shown.length && list.every((k, i) => k.id === this.shown[i].id && k.name === this.shown[i].name)) return;
    this.shown = list;
    this.host.changed(list);
  }
}

function remember(map: Map<string, number>, id: string, until: number): void {
  map.delete(id);
  map.set(id, until);
  if (map.size > REMEMBERED) map.delete(map.keys().next().value!);
}
