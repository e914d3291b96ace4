import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How close to the bottom (px) still counts as reading the newest messages. */
const BOTTOM_SLACK = 40;

/**
 * Keeps the message list at the newest entry while the reader follows it, and counts the
 * messages that arrive below a reader who scrolled up (the unread button). Layout is read, and
 * the list scrolled, only when entries come or go: a progress bar moving on leaves the scroll
 * position alone and costs no forced layout.
 */
export class LogFollower implements ReactiveController {
  /** Messages that arrived while the reader was scrolled up. */
  unread = 0;
  /** Whether this update's new entries are followed (read before the update, as the reader left the list). */
  #stick = true;
  /** Where the list was last put at the newest message; null once the reader scrolled up. */
  #pinned: number | null = 0;
  #jump = false;
  /** The list's end (see `end`) at the last update, and whether this update changes it. */
  #shown = '';
  #grew = false;
  /**
   * The list's box changes without a new entry (a notice above it comes or goes, the page
   * resizes it): a reader who follows stays at the newest message.
   */
  readonly #resized = new ResizeObserver(() => {
    const list = this.list();
    if (!list || this.#pinned === null) return;
    list.scrollTop = list.scrollHeight;
    this.#pinned = list.scrollTop;
  });
  #observed: HTMLElement | null = null;

  /**
   * `list` finds the list element; `end` tells the list's length and last entry, so that an
   * update can tell whether entries came or went.
   */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly list: () => HTMLElement | null,
    private readonly end: () => string,
  ) {
    host.addController(this);
  }

  /** A message arrived: unread, unless the reader follows the list. */
  arrived(): void {
    if (this.#following()) return;
    this.unread++;
    this.host.requestUpdate();
  }

  /** The next update takes the reader to the newest entry (they sent something, or asked). */
  jump(): void {
    this.#jump = true;
    this.host.requestUpdate();
  }

  /** A new, empty list. */
  reset(): void {
    this.unread = 0;
    this.#pinned = 0;
  }

  /** The reader scrolled: back at the bottom they follow again, scrolled up they no longer do. */
  scrolled(): void {
    const list = this.list();
    if (!list) return;
    if (this.#atBottom(list)) {
      this.#pinned = list.scrollTop;
      this.#read();
    } else if (this.#pinned !== null && list.scrollTop < this.#pinned - BOTTOM_SLACK) {
      this.#pinned = null;
    }
  }

  hostUpdate(): void {
    this.#grew = this.end() !== this.#shown;
    if (this.#grew) this.#stick = this.#following();
  }

  hostDisconnected(): void {
    this.#resized.disconnect();
    this.#observed = null;
  }

  hostUpdated(): void {
    const list = this.list();
    if (list !== this.#observed) {
      this.#resized.disconnect();
      if (list) this.#resized.observe(list);
      this.#observed = list;
    }
    if (list && ((this.#grew && this.#stick) || this.#jump)) {
      list.scrollTop = list.scrollHeight;
      this.#pinned = list.scrollTop;
      this.#read();
    }
    this.#jump = false;
    this.#shown = this.end();
  }

  #read(): void {
    if (!this.unread) return;
    this.unread = 0;
    this.host.requestUpdate();
  }

  #atBottom(list: HTMLElement): boolean {
    return list.scrollHeight - list.scrollTop - list.clientHeight <= BOTTOM_SLACK;
  }

  /**
   * Whether the reader follows the newest message: at the bottom, or not scrolled up from where
   * the list was last put. The second half keeps a change of layout (a notice above the list,
   * the unread button below it) from being taken for a reader who scrolled up.
   */
  #following(): boolean {
    const list = this.list();
    if (!list || this.#atBottom(list)) return true;
    return this.#pinned !== null && list.scrollTop >= this.#pinned - BOTTOM_SLACK;
  }
}
