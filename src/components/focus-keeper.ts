import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Keeps focus inside an element when a render takes away the control that had it: a button that
 * goes with the state it changed (Copy link once someone joins, Check camera once the preview
 * starts, Try again once the join starts), or a panel replaced by another (the call by the error
 * that ended it). Without it focus falls to the page's `<body>`: a keyboard user loses their
 * place, and the call's shortcuts, which act only inside the element, stop without a sign.
 * Focus then goes where the element says its current phase begins; or, from a control inside a
 * group that names its next control (`data-focus-next`, a selector: the Let in of the next person
 * asking to be let in), to that control while the group is still shown.
 */
export class FocusKeeper implements ReactiveController {
  #had = false;
  /** The group that had focus as the render began, if any. */
  #group: HTMLElement | null = null;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    /** Where focus goes when the control that had it is gone. */
    private readonly first: () => HTMLElement | null | undefined,
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    this.#had = this.host.matches(':focus-within');
    this.#group = this.#had ? (this.host.shadowRoot?.activeElement?.closest<HTMLElement>('[data-focus-next]') ?? null) : null;
  }

  hostUpdated(): void {
    if (!this.#had || this.host.matches(':focus-within')) return;
    // Focus that went somewhere on purpose (the page's own field) stays there.
    const active = document.activeElement;
    if (active && active !== document.body && active !== document.documentElement) return;
    const group = this.#group;
    const next = group?.isConnected ? group.querySelector<HTMLElement>(group.dataset.focusNext!) : null;
    (next ?? this.first())?.focus();
  }
}
