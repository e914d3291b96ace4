import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * How the control bar shows its buttons: with their words, as icons (the words for screen
 * readers and in tooltips), or as icons with the less used ones (sharing, devices, the view,
 * full screen) behind a More button.
 */
export type BarForm = 'words' | 'icons' | 'more';

/** The widths the bar needs in one row, in CSS pixels, with words and as icons. */
export interface BarNeeds {
  words: number;
  icons: number;
}

/** The richest form whose buttons fit in one row of `width`. */
export function barForm(width: number, needs: BarNeeds): BarForm {
  return needs.words <= width ? 'words' : needs.icons <= width ? 'icons' : 'more';
}

/** The element, as the bar's fit sees it. */
export interface BarFitHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly isUpdatePending: boolean;
}

/**
 * The changes a bar makes in CHANGES_COUNTED_FOR ms at most: new words in the form with More take
 * two (they are measured with every button in the bar), and Stop sharing and Lower hand tried beside More two.
 */
const MAX_CHANGES = 8;
const CHANGES_COUNTED_FOR = 250;

/** Whether the buttons of `bar` take more than one row. */
const twoRows = (bar: HTMLElement) => new Set([...bar.children].map((b) => (b as HTMLElement).offsetTop)).size > 1;

/** The buttons of a bar and its More panel that show in the bar unless it is short of room. */
const BUTTONS = '[part~="controls"] > .control:not([part~="more-button"]), [part~="more-panel"] > .control';

/**
 * Keeps the control bar in one row: it takes the richest form that fits the element's width
 * (words, icons, icons with More), never a second row that takes the stage's room. The widths
 * each form needs are measured on the buttons themselves, in the visitor's language and the
 * page's styles, whenever their words change (Mute becomes Unmute, Share screen Stop sharing),
 * and the form is chosen again when the element's width changes; all before the browser paints.
 */
export class BarFit implements ReactiveController {
  /** The form the bar renders in. */
  form: BarForm = 'icons';
  /** Whether the More panel is open. */
  open = false;
  /**
   * In the form with More, whether the bar has room beside More for the buttons of what is on:
   * Stop sharing while the page shares, Lower hand while the hand is up (else they are in the panel).
   */
  roomForActive = true;
  /** The bar's width when those buttons last had no room beside More. */
  #noRoomAt = 0;
  /** The part of the bar's button that had focus as a render began. */
  #focused: string | null = null;
  /** Whether More is owed focus once the bar settles (see keepFocus). */
  #owed = false;
  /** Whether a change was refused (too many in a moment): the bar is fitted again after the moment. */
  #refused = false;
  /** The buttons' words when their needs were measured, and those needs; null: to measure. */
  #words = '';
  #needs: BarNeeds | null = null;
  #resized: ResizeObserver | undefined;
  /** Whether the element's size changed since the bar was last fitted. */
  #stale = true;
  /** Changes of form in the last moment: past MAX_CHANGES the form holds (a loop of page styles, say). */
  #changes = 0;

  constructor(private readonly host: BarFitHost) {
    host.addController(this);
    // A press elsewhere in the element (the stage, the bar) closes the More panel, as a menu would.
    host.addEventListener('pointerdown', (e) => {
      const inside = e.composedPath().some((t) => t instanceof Element && t.matches('[part~="more-panel"], [part~="more-button"]'));
      if (this.open && !inside) void this.toggle(false);
    });
  }

  hostConnected(): void {
    this.#resized ??= new ResizeObserver(() => ((this.#stale = true), this.#fit()));
    this.#resized.observe(this.host);
    document.fonts?.addEventListener('loadingdone', this.#fontsLoaded);
  }

  hostDisconnected(): void {
    this.#resized?.disconnect();
    document.fonts?.removeEventListener('loadingdone', this.#fontsLoaded);
  }

  /** A font the page loaded may be the words': they are measured again. */
  readonly #fontsLoaded = () => {
    this.#needs = null;
    this.#fit();
  };

  hostUpdate(): void {
    if (this.#owed) return;
    const active = (this.host.renderRoot as ShadowRoot).activeElement;
    this.#focused = active?.matches('[part~="controls"] > button') ? active.getAttribute('part') : null;
  }

  hostUpdated(): void {
    this.#fit();
    this.#keepFocus();
  }

  /**
   * A button of the bar that had focus and went behind More (Stop sharing or Lower hand, once pressed or its
   * key) hands focus to More: once the bar has settled, as new words are measured in a render
   * with every button in the bar, More gone.
   */
  #keepFocus(): void {
    const root = this.host.renderRoot;
    const part = this.#focused;
    this.#focused = null;
    if (part && !root.querySelector(`[part~="controls"] > [part="${part}"]`) && root.querySelector(`[part~="more-panel"] > [part="${part}"]`)) this.#owed = true;
    if (!this.#owed) return;
    const here = this.host.matches(':focus-within') || !document.activeElement || document.activeElement === document.body;
    if (here) root.querySelector<HTMLElement>('[part~="more-button"]')?.focus();
    if (!here || (!this.host.isUpdatePending && !this.#refused)) this.#owed = false;
  }

  /** Opens the More panel, focus going to its first button (it comes before the bar), or closes it. */
  async toggle(open = !this.open): Promise<void> {
    this.open = open;
    this.host.requestUpdate();
    if (!open) return;
    await this.host.updateComplete;
    if (this.open) this.host.renderRoot.querySelector<HTMLElement>('[part~="more-panel"] > button')?.focus();
  }

  /** Closes the More panel, focus going back to its button. */
  close(): Promise<void> {
    void this.toggle(false);
    return this.refocus('more-button');
  }

  /**
   * Puts focus back on the button `part` once rendered, or on More while the closed panel holds it.
   * Of several parts (`a b`), on the first of them on the page.
   */
  async refocus(part: string): Promise<void> {
    // Once the bar has settled: new words are measured in a render of their own first.
    for (let i = 0; i < MAX_CHANGES && !(await this.host.updateComplete); i++);
    const root = this.host.renderRoot;
    const parts = part.split(' ').map((name) => `[part~="${name}"]`);
    const held = !this.open && root.querySelector(parts.map((p) => `[part~="more-panel"] > ${p}`).join(', '));
    root.querySelector<HTMLElement>(held ? '[part~="more-button"]' : parts.join(', '))?.focus();
  }

  #fit(): void {
    const bar = this.host.renderRoot.querySelector<HTMLElement>('[part~="controls"]');
    if (!bar) return;
    const buttons = [...this.host.renderRoot.querySelectorAll<HTMLElement>(BUTTONS)];
    // In any order: More holds some of them after the others.
    const words = buttons
      .map((b) => b.textContent?.trim())
      .sort()
      .join('\n');
    const changed = words !== this.#words;
    if (changed) {
      this.#words = words;
      this.#needs = null;
    } else if (!this.#stale && this.#needs && bar.classList.contains(this.form)) {
      return this.#checkRoom(bar); // the same words in the same width: little layout to read
    }
    this.#stale = false;
    // Stop sharing and Lower hand are tried beside More again in a wider bar, or with other words.
    if (changed || bar.clientWidth > this.#noRoomAt) this.#room(true);
    if (!this.#needs) {
      // Measured with every button in the bar: from More, the bar shows them all once first.
      if (this.form === 'more') return this.#become('icons');
      this.#needs = { words: this.#need(bar, buttons, 'words'), icons: this.#need(bar, buttons, 'icons') };
    }
    this.#become(barForm(bar.clientWidth, this.#needs), bar);
    this.#checkRoom(bar);
  }

  /** Gives the place beside More up when Stop sharing or Lower hand, tried there, broke the bar into two rows. */
  #checkRoom(bar: HTMLElement): void {
    const tried = this.form === 'more' && this.roomForActive && bar.querySelector(':scope > [part~="more-button"] ~ [part~="leave-button"]');
    if (!tried || !bar.querySelector(':scope > [part~="screen-button"], :scope > [part~="hand-button"]') || !twoRows(bar)) return;
    this.#noRoomAt = bar.clientWidth;
    this.#room(false);
  }

  /** The width `buttons` take in one row of `bar` in `form`. */
  #need(bar: HTMLElement, buttons: HTMLElement[], form: 'words' | 'icons'): number {
    this.#classes(bar, form);
    const gap = parseFloat(getComputedStyle(bar).columnGap) || 0;
    return buttons.reduce((sum, b) => sum + b.getBoundingClientRect().width, 0) + gap * (buttons.length - 1);
  }

  #become(form: BarForm, bar?: HTMLElement): void {
    if (form !== this.form) {
      this.#count();
      if (this.#changes > MAX_CHANGES) {
        form = this.form;
        this.#refused = true;
      }
    }
    if (bar) this.#classes(bar, form);
    if (form === this.form) return;
    this.form = form;
    if (form !== 'more') this.open = false;
    this.host.requestUpdate();
  }

  /** Tries Stop sharing and Lower hand beside More, or gives their place up. */
  #room(room: boolean): void {
    if (room === this.roomForActive || (this.#changes > MAX_CHANGES && room)) return;
    this.#count();
    this.roomForActive = room;
    this.host.requestUpdate();
  }

  /** Counts a change over a moment, then fits the bar again: a loop cannot hold the page. */
  #count(): void {
    if (this.#changes++ > 0) return;
    setTimeout(() => {
      this.#changes = 0;
      this.#refused = false;
      this.#stale = true;
      this.#fit();
    }, CHANGES_COUNTED_FOR);
  }

  /** The bar's class for `form` now, before the render that gives it too. */
  #classes(bar: HTMLElement, form: BarForm): void {
    for (const f of ['words', 'icons', 'more'] as const) bar.classList.toggle(f, f === form);
  }
}
