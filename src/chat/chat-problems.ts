import type { ChatPeer, ChatProblemType } from './types.js';
import { cleanPeerName } from './wire.js';

/**
 * What the chat reports to its element (`rtc-error`), each kind once: trouble with a sender until
 * that sender leaves or the chat starts again, so 10,000 bad frames make one report, not 10,000;
 * this page's own mistakes (an empty message) until a message goes out.
 */
export class ChatProblems {
  /** The kinds reported for each sender. */
  readonly #bySender = new Map<string, Set<ChatProblemType>>();
  /** The kinds of this page's own mistakes reported. */
  readonly #mine = new Set<ChatProblemType>();

  constructor(
    private readonly problem: (type: ChatProblemType, message: string) => void,
    /** Senders remembered; past it the oldest are forgotten. */
    private readonly maxSenders: number,
  ) {}

  /** Reports trouble with a sender, unless this kind was reported for it already. */
  sender(from: ChatPeer, type: ChatProblemType, message: string): void {
    let kinds = this.#bySender.get(from.id);
    if (!kinds) {
      // Only present members send frames, so this stays small; the bound is a second line.
      if (this.#bySender.size >= this.maxSenders) this.#bySender.delete(this.#bySender.keys().next().value!);
      this.#bySender.set(from.id, (kinds = new Set()));
    }
    if (kinds.has(type)) return;
    kinds.add(type);
    this.problem(type, message);
  }

  /** Malformed, unknown or misplaced frames, named after the member who sent them. */
  invalid(from: ChatPeer): void {
    this.sender(from, 'protocol', `Ignored invalid data from ${cleanPeerName(from.name)}.`);
  }

  /** A mistake of this page's own (not a peer's), unless this kind was reported since the last message went out. */
  mistake(type: ChatProblemType, message: string): void {
    if (this.#mine.has(type)) return;
    this.#mine.add(type);
    this.problem(type, message);
  }

  /** A message went out: this page's own mistakes are reported again. */
  sent(): void {
    this.#mine.clear();
  }

  /** The sender left: what was reported about it goes with it. */
  forget(id: string): void {
    this.#bySender.delete(id);
  }

  /** The chat starts again: every sender's kinds are reported again. */
  clear(): void {
    this.#bySender.clear();
  }
}
