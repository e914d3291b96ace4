/**
 * The chat's message list: one total order that every participant agrees on, de-duplication,
 * and the recent history handed to late joiners.
 *
 * Each message carries a Lamport clock. Sorting by (clock, sender id, seq) gives the same order
 * on every page that holds the same messages, whatever order they arrived in; a message's id
 * (sender id + seq) makes a second copy of it, live or from history, a no-op.
 */
import type { HistoryEntry } from './wire.js';

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

/** Where a message stood: added, already known, or older than everything kept. */
export type AddResult = 'added' | 'duplicate' | 'old';

function compare(a: Key, b: Key): number {
  return a.clock - b.clock || (a.from < b.from ? -1 : a.from > b.from ? 1 : 0) || a.seq - b.seq;
}

export class MessageStore<T = unknown> {
  private list: Entry<T>[] = [];
  private sorted = true;
  private readonly byId = new Map<string, MessageEntry>();
  private _clock = 0;
  private localSeq = 0;
  /** Entries that sort at or before this were trimmed; copies of them are not taken back. */
  private floor: Key | null = null;

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
          if (e.kind === 'message') this.byId.delete(e.key);
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

  /** The clock value for a message this page is about to send. */
  tick(): number {
    return ++this._clock;
  }

  /** Adds a message; a second copy of one (same id), live or from history, changes nothing. */
  add(message: ChatMessage, clock: number, seq: number): AddResult {
    const key: Key = { clock, from: message.from, seq };
    if (this.floor && compare(key, this.floor) <= 0) return 'old';
    this._clock = Math.max(this._clock, clock);
    if (this.byId.has(message.id)) return 'duplicate';
    this.insert({ kind: 'message', key: message.id, ...key, message });
    return 'added';
  }

  /** Adds a local entry after everything this page has seen so far. */
  addLocal(data: T): LocalEntry<T> {
    const entry: LocalEntry<T> = { kind: 'local', key: `local:${++this.localSeq}`, clock: this._clock + 0.5, from: '', seq: this.localSeq, data };
    this.insert(entry);
    return entry;
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
