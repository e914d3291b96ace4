/**
 * The chat's message list: one total order that every participant agrees on, de-duplication,
 * and the recent history handed to late joiners.
 *
 * Each message carries a Lamport clock. Sorting by (clock, sender id, seq) gives the same order
 * on every page that holds the same messages, whatever order they arrived in; a message's id
 * (sender id + seq) makes a second copy of it, live or from history, a no-op; a copy from its
 * author replaces one relayed by someone else.
 *
 * A received clock moves this page's clock by at most MAX_CLOCK_STEP: a clock further ahead is
 * taken as that much ahead (the message is placed there), so no single message can spend the
 * clock's range, and the next message this page sends is always valid. A relayed message (its
 * author gone, its clock nobody's word but the relayer's) moves it by at most
 * RELAYED_CLOCK_STEP.
 *
 * What came in history never pushes out what members say now: a live message that would sort
 * at or below the history taken, or among what was trimmed, is placed after everything this
 * page has instead (`add`).
 */
import { MAX_CLOCK, type HistoryEntry } from './wire.js';

/**
 * How far one received message can move the clock. Between members who are linked, clocks
 * differ by the messages one has not seen yet: a few hundred at most, even at the highest
 * message rate. Only a late joiner meets a bigger gap (a room's whole past), and it catches up
 * in steps, one per message of history, with the history kept in its order. An attacker needs
 * 2^31 messages to push the clock to MAX_CLOCK this way.
 */
export const MAX_CLOCK_STEP = 2 ** 16;

/**
 * How far one relayed message can move the clock. Honest history moves one step per message
 * (each author had seen the one before), so a page still takes relayed lines at their own
 * clocks, in their order; but a member relaying invented lines from an invented author moves
 * the clock by at most the lines it may relay (500 per link, `MAX_HISTORY`), not 2^16 each,
 * and this page's next message brings the others' clocks that far at once.
 */
export const RELAYED_CLOCK_STEP = 1;

/** Who relayed a message that came in someone else's history. */
export interface Relayer {
  /** The relaying member's peer id. */
  readonly id: string;
  /** Their display name. */
  readonly name: string;
}

/** A message's id: its author's member id and the author's number for it. */
export const messageId = (from: string, seq: number): string => `${from}:${seq}`;

/** A chat message as the page sees it. */
export interface ChatMessage {
  /** Unique in the room: the sender's peer id, `:`, and the sender's message number. */
  readonly id: string;
  /** The sender's peer id. */
  readonly from: string;
  /** The sender's display name (plain text, never markup). */
  readonly name: string;
  /** The message, plain text. */
  readonly text: string;
  /** When the sender sent it (ms since the epoch, by the sender's clock). */
  readonly time: number;
  /** Whether this page sent it. */
  readonly mine: boolean;
  /**
   * Null for a message from its author (live, or in the author's own history). For one that
   * came in another member's history, who relayed it: its author had left, so nobody can
   * check that the author wrote it, and the name is the relayer's word.
   */
  readonly relayedBy: Relayer | null;
}

/** Position in the agreed order. Local entries sit between whole clock values. */
interface Key {
  readonly clock: number;
  readonly from: string;
  readonly seq: number;
}

export interface MessageEntry extends Key {
  readonly kind: 'message';
  readonly key: string;
  readonly message: ChatMessage;
}

/** Something that happened on this page only (a join, a file): not part of the shared order. */
export interface LocalEntry<T = unknown> extends Key {
  readonly kind: 'local';
  readonly key: string;
  data: T;
}

export type Entry<T = unknown> = MessageEntry | LocalEntry<T>;

/**
 * Where a message stood: added, already known, older than everything kept, or (`replaced`) a
 * relayed copy that its author's own copy replaced.
 */
export type AddResult = 'added' | 'duplicate' | 'old' | 'replaced';

/** How a message came: from its author as it was sent (the default), or in history. */
export interface Arrival {
  /** It came in a member's history (the member's own or relayed), not live from its author. */
  readonly history?: boolean;
  /**
   * For a live message: the clock below which it is placed after everything instead (this
   * page's clock when its author linked: what the author sends later follows what this page
   * had, even if the author's clock has not caught up with the room's yet).
   */
  readonly after?: number;
}

function compare(a: Key, b: Key): number {
  return a.clock - b.clock || (a.from < b.from ? -1 : a.from > b.from ? 1 : 0) || a.seq - b.seq;
}

export class MessageStore<T = unknown> {
  private list: Entry<T>[] = [];
  private sorted = true;
  private readonly byId = new Map<string, MessageEntry>();
  private _clock = 0;
  private localSeq = 0;
  /** Entries that sort at or before this were trimmed: history there is not taken. */
  private floor: Key | null = null;
  /**
   * The ids of the messages trimmed (the latest `limit`): a copy of one, even live, is not taken
   * back, where it would now be placed at the end.
   */
  private readonly trimmed = new Set<string>();
  /** The highest clock a message that came in history was placed at. */
  private historyTop = 0;

  /** @param limit The most messages and local lines kept (oldest go first). */
  constructor(private readonly limit = 1_000) {}

  /** The highest clock value seen or sent. */
  get clock(): number {
    return this._clock;
  }

  /** Everything, in the agreed order. */
  get entries(): readonly Entry<T>[] {
    // Nearly everything arrives in order; the occasional older message (or a batch of
    // history) is put in place here, once, by a sort that is quick on nearly sorted input.
    if (!this.sorted) {
      this.list.sort(compare);
      this.sorted = true;
      const excess = this.list.length - this.limit;
      if (excess > 0) {
        for (const e of this.list.splice(0, excess)) {
          if (e.kind === 'message') {
            this.byId.delete(e.key);
            this.trimmed.add(e.key);
            if (this.trimmed.size > this.limit) this.trimmed.delete(this.trimmed.values().next().value!);
          }
          this.floor = e;
        }
      }
    }
    return this.list;
  }

  /** The messages alone, in the agreed order. */
  get messages(): ChatMessage[] {
    return this.entries.flatMap((e) => (e.kind === 'message' ? [e.message] : []));
  }

  /** The clock value for a message this page is about to send: always below MAX_CLOCK. */
  tick(): number {
    return (this._clock = Math.min(this._clock + 1, MAX_CLOCK - 1));
  }

  /**
   * Adds a message at `clock`, or MAX_CLOCK_STEP ahead of this page's clock if that is less
   * (RELAYED_CLOCK_STEP for a relayed one). A second copy of a message (same id) changes nothing,
   * unless the kept one was relayed and the new one is not: the author's copy replaces it.
   *
   * A live message (not `arrival.history`) that would sort at or below any message taken from
   * history, at or below `arrival.after`, or among what was trimmed, is placed after everything
   * instead: history is everyone's word about the past, and however its clocks were made up,
   * what a linked member says now shows, at the end, as it came.
   */
  add(message: ChatMessage, clock: number, seq: number, arrival: Arrival = {}): AddResult {
    if (this.trimmed.has(message.id)) return 'old';
    const known = this.byId.get(message.id);
    const step = message.relayedBy ? RELAYED_CLOCK_STEP : MAX_CLOCK_STEP;
    let key: Key = { clock: Math.min(clock, this._clock + step), from: message.from, seq };
    const below = !!this.floor && compare(key, this.floor) <= 0;
    if (below && (arrival.history || known)) return 'old';
    if (!arrival.history && !known && (below || key.clock <= Math.max(this.historyTop, arrival.after ?? 0))) key = { ...key, clock: this._clock + 1 };
    if (known && (message.relayedBy || !known.message.relayedBy)) return 'duplicate';
    this._clock = Math.max(this._clock, key.clock);
    if (arrival.history) this.historyTop = Math.max(this.historyTop, key.clock);
    if (known) this.list.splice(this.list.indexOf(known), 1);
    this.insert({ kind: 'message', key: message.id, ...key, message });
    return known ? 'replaced' : 'added';
  }

  /** The message with this id, if it is kept. */
  get(id: string): ChatMessage | undefined {
    return this.byId.get(id)?.message;
  }

  /** Removes the relayed messages attributed to `from`, and returns them. */
  dropRelayed(from: string): ChatMessage[] {
    const gone: ChatMessage[] = [];
    this.list = this.list.filter((e) => {
      if (e.kind !== 'message' || e.from !== from || !e.message.relayedBy) return true;
      this.byId.delete(e.key);
      gone.push(e.message);
      return false;
    });
    return gone;
  }

  /** Adds a local entry after everything this page has seen so far. */
  addLocal(data: T): LocalEntry<T> {
    const entry: LocalEntry<T> = { kind: 'local', key: `local:${++this.localSeq}`, clock: this._clock + 0.5, from: '', seq: this.localSeq, data };
    this.insert(entry);
    return entry;
  }

  /** Whether a message sorts after `entry`, or `entry` is no longer kept. */
  messageSince(entry: Entry<T>): boolean {
    const list = this.entries;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i] === entry) return false;
      if (list[i].kind === 'message') return true;
    }
    return true;
  }

  /** The last `n` messages, oldest first, as history entries for a late joiner. */
  recent(n: number): HistoryEntry[] {
    const messages = this.entries.filter((e): e is MessageEntry => e.kind === 'message');
    return messages
      .slice(messages.length - n)
      .map(({ seq, clock, message: m }) => ({ from: m.from, name: m.name, seq, clock, time: m.time, text: m.text }));
  }

  private insert(entry: Entry<T>): void {
    const last = this.list.at(-1);
    this.sorted &&= !last || compare(last, entry) < 0;
    this.list.push(entry);
    if (entry.kind === 'message') this.byId.set(entry.key, entry);
    // Trimming happens on the next read, after sorting.
    if (this.list.length > this.limit) this.sorted = false;
  }
}
