import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { keyed } from 'lit/directives/keyed.js';

/** Announcements that come this close together are read out as one. */
const GATHER_MS = 500;
/** The same text again within this long is not read out again (by any element of the page). */
const REPEAT_MS = 5_000;
/** The most items one announcement reads out; the rest are counted. */
const MAX_ITEMS = 3;

/**
 * When each text was last read out, for every element of the page: a join that both an
 * `<rtc-call>` and an `<rtc-chat>` of the same room announce is read out once.
 */
const said = new Map<string, number>();

/**
 * A polite live region (`aria-live="polite"`, visually hidden) and what goes into it: joins,
 * leaves, messages and errors, for people who cannot see them appear. A burst (ten people
 * joining, a flood of messages) is read out as one announcement of at most three items and a
 * count; the same text is not read out twice in a row.
 */
export class Announcer implements ReactiveController {
  #pending: string[] = [];
  /** The texts of the burst under way that are read out first. */
  #first = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #n = 0;
  #text = '';

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The words for the items left out of a burst ("and 4 more"). */
    private readonly more: (count: number) => string,
  ) {
    host.addController(this);
  }

  /** What the region says now (for tests and for the element's own use). */
  get text(): string {
    return this.#text;
  }

  /**
   * Queues a text to be read out, unless it was read out moments ago. `again`: an answer to
   * the visitor's own action (Mute, then Unmute, then Mute), read out every time. `first`:
   * something the visitor is asked to act on (someone asking to join), read out ahead of the
   * rest of its burst, never counted among "and 4 more".
   */
  say(text: string, again = false, first = false): void {
    text = text.trim();
    if (!text || this.#pending.includes(text)) return;
    const now = performance.now();
    for (const [t, at] of said) if (now - at > REPEAT_MS) said.delete(t);
    if (said.has(text) && !again) return;
    said.set(text, now);
    if (first) this.#pending.splice(this.#pending.filter((t) => this.#first.has(t)).length, 0, text);
    else this.#pending.push(text);
    if (first) this.#first.add(text);
    this.#timer ??= setTimeout(() => this.#flush(), GATHER_MS);
  }

  #flush(): void {
    this.#timer = undefined;
    const items = this.#pending.splice(0);
    const keep = Math.max(MAX_ITEMS - 1, items.filter((t) => this.#first.has(t)).length);
    this.#first.clear();
    const shown = items.length > keep + 1 ? [...items.slice(0, keep), this.more(items.length - keep)] : items;
    this.#text = shown.map((t) => (/[.!?…]$/.test(t) ? t : `${t}.`)).join(' ');
    this.#n++;
    this.host.requestUpdate();
  }

  /** The region. Each announcement is a new paragraph: screen readers read additions. */
  render() {
    return html`<div class="visually-hidden" aria-live="polite">${keyed(this.#n, this.#text ? html`<p>${this.#text}</p>` : '')}</div>`;
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = [];
    this.#first.clear();
  }
}
