import type { ReactiveControllerHost } from 'lit';
import type { SessionError } from '../controllers/room-controller.js';
import type { Strings } from '../i18n/en.js';
import { problemText, sessionProblem, type Problem } from '../i18n/errors.js';
import { english } from '../i18n/localizer.js';
import { RtcErrorEvent, type RtcErrorDetail } from '../events/error.js';

/** What the notices need of the element besides its DOM. */
export interface NoticesHooks {
  /** The texts in the element's language. */
  strings(): Strings;
  /** Reads a text out to screen readers. */
  announce(text: string): void;
  /** Moves focus on when the last notice was dismissed. */
  focusBelow(): unknown;
}

/** How many notices an element shows at most, unless it says otherwise: the newest are kept. */
const KEEP = 5;
/**
 * Problems remembered as reported, at most: their messages name people and files, and someone
 * who comes back under other names makes new ones. Past this the oldest is forgotten (and fired
 * again if it comes back).
 */
export const MAX_REPORTED = 256;

/**
 * The problems an element shows: notices of problems it survives, and the error that ended its
 * call or chat. Each is read out and fired as `rtc-error` from the element (the event keeps the
 * English message; the element says it in its own language), once per kind and message until
 * the element starts afresh (`reset`). The element draws them: `list`, `error`, `say`, `dismiss`.
 */
export class Notices {
  #list: RtcErrorDetail[] = [];
  #error: RtcErrorDetail | null = null;
  /** The problems reported as `rtc-error` in this call (type and message): each once, however often it recurs. */
  readonly #reported = new Set<string>();
  /** What is known of each problem shown, to say it in the element's language. */
  readonly #problems = new WeakMap<RtcErrorDetail, Problem>();

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment },
    private readonly hooks: NoticesHooks,
    /** The most notices shown at once: a burst of trouble must not bury the element. */
    private readonly keep = KEEP,
  ) {}

  /** The notices shown, oldest first. */
  get list(): readonly RtcErrorDetail[] {
    return this.#list;
  }

  /** How many problems are remembered as reported. */
  get reportedCount(): number {
    return this.#reported.size;
  }

  /** The error that ended the call, while its panel shows. */
  get error(): RtcErrorDetail | null {
    return this.#error;
  }

  /** A new call or room: no error, no notices, and every problem is reported again. */
  reset(): void {
    this.#error = null;
    this.#list = [];
    this.#reported.clear();
    this.host.requestUpdate();
  }

  /** The error's panel goes (a bad setting was corrected). */
  clearError(): void {
    this.#error = null;
    this.host.requestUpdate();
  }

  /** Shows the error that ended the call or the chat, reads it out and fires `rtc-error`. */
  fail(detail: RtcErrorDetail, problem?: Problem): void {
    if (problem) this.#problems.set(detail, problem);
    this.#error = detail;
    this.host.requestUpdate();
    this.hooks.announce(this.say(detail));
    this.host.dispatchEvent(new RtcErrorEvent(detail));
  }

  /**
   * Shows a problem the element survives, reads it out and fires `rtc-error`: once for a problem
   * already shown, and the event once for each problem until `reset` (pressing Unmute again and
   * again with a blocked microphone, or Send with a message too long, brings up its notice
   * again once dismissed, not a stream of events).
   */
  notice(detail: RtcErrorDetail, problem?: Problem): void {
    if (this.#list.some((n) => n.type === detail.type && n.message === detail.message)) return;
    if (problem) this.#problems.set(detail, problem);
    this.#list = [...this.#list, detail].slice(-this.keep);
    this.host.requestUpdate();
    this.hooks.announce(this.say(detail));
    const key = `${detail.type}\n${detail.message}`;
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    if (this.#reported.size > MAX_REPORTED) this.#reported.delete(this.#reported.values().next().value!);
    this.host.dispatchEvent(new RtcErrorEvent(detail));
  }

  /** Takes away notices whose problem is over: when it comes back, it is reported again. */
  clear(over: (n: RtcErrorDetail) => boolean): void {
    for (const n of this.#list) if (over(n)) this.#reported.delete(`${n.type}\n${n.message}`);
    this.#list = this.#list.filter((n) => !over(n));
    this.host.requestUpdate();
  }

  /**
   * Someone of the room was met: a notice that nobody let this page in is over (it may have come
   * while a busy holder took its time to answer).
   */
  met(): void {
    if (this.#list.some((n) => n.type === 'room-unreachable')) this.clear((n) => n.type === 'room-unreachable');
  }

  /** The signalling server was lost (the call goes on), or is back. */
  signalling(state: 'connected' | 'reconnecting'): void {
    if (state === 'reconnecting') {
      this.notice({ type: 'disconnected', message: english.lostServer, fatal: false }, { type: 'disconnected', text: (t) => t.lostServer });
    } else {
      this.clear((n) => n.type === 'disconnected');
      this.hooks.announce(this.hooks.strings().reconnected);
    }
  }

  /** A problem of the session's, shown unless fatal (join() reports those itself). */
  sessionError(error: SessionError): void {
    if (!error.fatal) this.notice(...sessionProblem(error));
  }

  /** The visitor dismissed a notice: focus goes to the next notice's Dismiss, else on below. */
  async dismiss(notice: RtcErrorDetail): Promise<void> {
    const index = this.#list.indexOf(notice);
    this.#list = this.#list.filter((n) => n !== notice);
    this.host.requestUpdate();
    await this.host.updateComplete;
    const next = [...this.host.renderRoot.querySelectorAll<HTMLElement>('[part~="dismiss-button"]')];
    if (next.length) next[Math.min(index, next.length - 1)].focus();
    else await this.hooks.focusBelow();
  }

  /** A problem in the element's language. */
  say(detail: RtcErrorDetail): string {
    return problemText(this.hooks.strings(), this.#problems.get(detail) ?? detail);
  }
}
