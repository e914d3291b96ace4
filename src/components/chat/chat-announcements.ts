import type { ChatMessage } from '../../chat/store.js';
import type { ChatFile } from '../../chat/transfer.js';
import type { Strings } from '../../i18n/en.js';
import type { Announcer } from '../announcer.js';

/** How many of this page's own transfers are remembered as told, so that each end is read out once. */
const MAX_TOLD = 200;

/** A long message is read out in part: the beginning says enough to decide whether to read on. */
export function excerpt(text: string, max = 140): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * What `<rtc-chat>` reads out of the chat to screen readers, through the element's polite live
 * region: others' messages, files others send, and how this page's own sends end. Files are
 * otherwise silent: a file arrives without a message, and a send that was declined or cut shows
 * only on its line. (People coming and going are read out by chat-host.ts; both are in the
 * chat's chunk, as none of it is said before a join.)
 */
export class ChatAnnouncements {
  readonly #told = new Set<string>();

  constructor(
    private readonly announcer: Pick<Announcer, 'say'>,
    private readonly t: () => Strings,
    /** The mark that tells two people of the same name apart (` #2`). */
    private readonly tag: (id: string) => string,
  ) {}

  /** Someone else's message, read every time: "yes" twice is two answers. */
  message(message: ChatMessage): void {
    this.announcer.say(this.t().messageFrom(`${message.name}${this.tag(message.from)}`, excerpt(message.text)), true);
  }

  /** Someone else's file, on its way to this page. */
  fileOffered(file: ChatFile): void {
    const t = this.t();
    this.announcer.say(t.fileFrom(`${file.fromName}${this.tag(file.from)}`, file.name, t.fileSize(file.size)), true);
  }

  /**
   * A transfer changed: the end of this page's own, once, with how it went for each recipient
   * (`status`, worked out only then: this runs at every step of every transfer).
   */
  progressed(file: ChatFile, over: boolean, status: () => string): void {
    if (!file.mine || !over || this.#told.has(file.id)) return;
    this.#told.add(file.id);
    if (this.#told.size > MAX_TOLD) this.#told.delete(this.#told.values().next().value!);
    this.announcer.say(`${file.name}: ${status()}`, true);
  }
}
