/**
 * Relayed lines whose author was present when they came, held in case it leaves without its own
 * copy ever coming. Nobody speaks for someone present; but a page that joined again under a
 * fresh id while this one still waited for its old id to come back relays, under the new id,
 * what it wrote under the old one just before, which never got here. Once the author has left,
 * its held lines are taken as any relayed line of someone gone (`ChatRoom` takes them).
 */
import { messageId } from './store.js';
import { MAX_HISTORY, type HistoryEntry } from './wire.js';

/** Lines held in all, the oldest forgotten first… */
export const MAX_HELD = MAX_HISTORY;
/** …and from one relayer, so that one member's flood cannot push out what the others relayed. */
export const MAX_HELD_PER_RELAYER = MAX_HELD / 5;

export class HeldLines {
  /** Message id → the line and who relayed it, oldest first. */
  readonly #lines = new Map<string, { relayer: string; entry: HistoryEntry }>();
  /** How many lines each relayer has here; a relayer with none has no entry. */
  readonly #counts = new Map<string, number>();

  /** Lines held now. */
  get size(): number {
    return this.#lines.size;
  }

  /** Relayers with lines held now. */
  get relayers(): number {
    return this.#counts.size;
  }

  /** Holds a line relayed by `relayer`, unless it is held already or the relayer has its share. */
  hold(relayer: string, entry: HistoryEntry): void {
    const id = messageId(entry.from, entry.seq);
    const mine = this.#counts.get(relayer) ?? 0;
    if (this.#lines.has(id) || mine >= MAX_HELD_PER_RELAYER) return;
    this.#lines.set(id, { relayer, entry });
    this.#counts.set(relayer, mine + 1);
    if (this.#lines.size > MAX_HELD) this.#drop(this.#lines.keys().next().value!);
  }

  /**
   * A member left: forgets the lines in its name and those it relayed. Returns the lines in its
   * name by relayer, for relayers `here` (in the order they were first held).
   */
  release(gone: string, here: (relayer: string) => boolean): Map<string, HistoryEntry[]> {
    const taken = new Map<string, HistoryEntry[]>();
    for (const [id, { relayer, entry }] of this.#lines) {
      if (entry.from !== gone && relayer !== gone) continue;
      this.#drop(id);
      if (entry.from !== gone || !here(relayer)) continue;
      const lines = taken.get(relayer);
      if (lines) lines.push(entry);
      else taken.set(relayer, [entry]);
    }
    return taken;
  }

  clear(): void {
    this.#lines.clear();
    this.#counts.clear();
  }

  #drop(id: string): void {
    const { relayer } = this.#lines.get(id)!;
    this.#lines.delete(id);
    const left = this.#counts.get(relayer)! - 1;
    if (left) this.#counts.set(relayer, left);
    else this.#counts.delete(relayer);
  }
}
