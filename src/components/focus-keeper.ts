import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Keeps focus inside an element when a render takes away the control that had it: a button that
 * goes with the state it changed (Copy link once someone joins, Check camera once the preview
 * starts, Try again once the join starts), or a panel replaced by another (the call by the error
 * that ended it). Without it focus falls to the page's `<body>`: a keyboard user loses their
 * place, and the call's shortcuts, which act only inside the element, stop without a sign.
 * Focus then goes where the element says its current phase begins; or, from a control (or a
 * control inside a group) that names its next one (`data-focus-next`, a selector: the Let in of
 * the next person asking to be let in, Show self view after Hide self view), to that one where the
 * element shows it.
 */
export class FocusKeeper implements ReactiveController {
  #had = false;
  /** Where the control (or group) that had focus as the render began said focus goes next, if anywhere. */
  #next: string | null = null;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    /** Where focus goes when the control that had it is gone. */
    private readonly first: () => HTMLElement | null | undefined,
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    this.#had = this.host.matches(':focus-within');
    this.#next = this.#had ? (this.host.shadowRoot?.activeElement?.closest<HTMLElement>('[data-focus-next]')?.dataset.focusNext ?? null) : null;
  }

  hostUpdated(): void {
    if (!this.#had || this.host.matches(':focus-within')) return;
    // Focus that went somewhere on purpose (the page's own field) stays there.
    const active = document.activeElement;
    if (active && active !== document.body && active !== document.documentElement) return;
    const next = this.#next ? this.host.shadowRoot?.querySelector<HTMLElement>(this.#next) : null;
    (next ?? this.first())?.focus();
  }
}
