import type { ReactiveControllerHost } from 'lit';

/** The panels that the control bar opens: the device pickers, the reactions and the call's people above it, the call's chat beside the stage. */
export type BarPanelName = 'settings' | 'reactions' | 'people' | 'chat';

/** Which panel is open above the control bar: one at a time, so that opening one closes the other. */
export class BarPanel {
  #open: BarPanelName | null = null;

  constructor(private readonly host: ReactiveControllerHost) {}

  /** The panel open now, if any. */
  get open(): BarPanelName | null {
    return this.#open;
  }

  /** Opens `name`, closing the other, or closes it (toggles without `open`). */
  toggle(name: BarPanelName, open = this.#open !== name): void {
    const next = open ? name : this.#open === name ? null : this.#open;
    if (next === this.#open) return;
    this.#open = next;
    this.host.requestUpdate();
  }

  /** The call is over: no panel is open. */
  close(): void {
    this.#open = null;
  }
}
