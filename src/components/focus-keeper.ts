import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Keeps focus inside an element when a render takes away the control that had it: a button that
 * goes with the state it changed (Copy link once someone joins, Check camera once the preview
 * starts, Try again once the join starts), or a panel replaced by another (the call by the error
 * that ended it). Without it focus falls to the page's `<body>`: a keyboard user loses their
 * place, and the call's shortcuts, which act only inside the element, stop without a sign.
 * Focus then goes where the element says its current phase begins.
 */
export class FocusKeeper implements ReactiveController {
  #had = false;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    /** Where focus goes when the control that had it is gone. */
    private readonly first: () => HTMLElement | null | undefined,
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    this.#had = this.host.matches(':focus-within');
  }

  hostUpdated(): void {
    if (!this.#had || this.host.matches(':focus-within')) return;
    // Focus that went somewhere on purpose (the page's own field) stays there.
    const active = document.activeElement;
    if (active && active !== document.body && active !== document.documentElement) return;
    this.first()?.focus();
  }
}
