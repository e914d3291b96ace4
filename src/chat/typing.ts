/**
 * Who is writing: the members whose `chat-typing` says they are (each shown until TYPING_SHOWN
 * after they last said so, until they stop, send or leave), and when this page tells the others
 * that its own visitor writes (at most every TYPING_EVERY while the box has text, and once when
 * it is emptied without sending). docs/protocol.md, "Who is writing".
 */
import { Paced } from '../session/paced.js';

/** How often a page whose box has text, and changes, says so again (ms). */
export const TYPING_EVERY = 3_000;
/** How long a member is shown writing after it last said so (ms): TYPING_EVERY and a margin for a slow link. */
export const TYPING_SHOWN = 5_000;
/** A member's `chat-typing` frames are applied at most this often (ms); of those that come sooner, the latest waits. */
export const TYPING_PACE = 500;

export class Typing {
  /** The members shown writing, in the order they started, each with the timer that ends it. */
  readonly #shown = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #paced = new Paced<boolean>(TYPING_PACE, (id, on) => this.#set(id, on));
  /** When this page last said its visitor writes; null when it has not since it last stopped or sent. */
  #said: number | null = null;

  /** `changed` is told when someone starts or stops being shown; `shown` is TYPING_SHOWN but in tests. */
  constructor(
    private readonly changed: () => void,
    private readonly shown = TYPING_SHOWN,
  ) {}

  /** The ids of the members writing now, in the order they started. */
  get ids(): string[] {
    return [...this.#shown.keys()];
  }

  /** A member's `chat-typing` (only of a member in the room: the map holds no one else). */
  heard(id: string, on: boolean): void {
    this.#paced.offer(id, on);
  }

  /** A member's message came, or it left: it is not shown writing, whatever still waits from it. */
  done(id: string): void {
    this.#paced.forget(id);
    this.#set(id, false);
  }

  /** No one is shown writing (the chat stopped). */
  clear(): void {
    this.#paced.clear();
    for (const timer of this.#shown.values()) clearTimeout(timer);
    this.#shown.clear();
    this.#said = null;
  }

  /**
   * This page's box changed: it has text (`writing`) or not. Returns what to tell the others:
   * true (writing) at most every TYPING_EVERY, false once when the box is emptied after that,
   * null for nothing.
   */
  own(writing: boolean, now = Date.now()): boolean | null {
    if (writing) {
      if (this.#said !== null && now - this.#said < TYPING_EVERY) return null;
      this.#said = now;
      return true;
    }
    if (this.#said === null) return null;
    this.#said = null;
    return false;
  }

  /** This page's message went: it ends the sign at the others by itself. */
  sent(): void {
    this.#said = null;
  }

  #set(id: string, on: boolean): void {
    const was = this.#shown.get(id);
    clearTimeout(was);
    if (on) this.#shown.set(id, setTimeout(() => this.done(id), this.shown));
    else this.#shown.delete(id);
    if (on !== (was !== undefined)) this.changed();
  }
}
