import type { ReactiveControllerHost } from 'lit';

/** The panels that the control bar opens: the device pickers, the reactions and the call's people above it, the call's chat beside the stage. */
export type BarPanelName = 'settings' | 'reactions' | 'people' | 'chat';

/**
 * Which panels are open: one above the control bar at a time, so that opening one closes the
 * other; the chat beside the stage stays open beside them (a visitor who writes may react, or
 * look at the list of people).
 */
export class BarPanel {
  #open: Exclude<BarPanelName, 'chat'> | null = null;
  #chat = false;

  constructor(private readonly host: ReactiveControllerHost) {}

  /** The panel open above the bar now, if any. */
  get open(): Exclude<BarPanelName, 'chat'> | null {
    return this.#open;
  }

  /** Whether `name` is open. */
  isOpen(name: BarPanelName): boolean {
    return name === 'chat' ? this.#chat : this.#open === name;
  }

  /** Opens `name` (closing the other one above the bar), or closes it (toggles without `open`). */
  toggle(name: BarPanelName, open = !this.isOpen(name)): void {
    if (open === this.isOpen(name)) return;
    if (name === 'chat') this.#chat = open;
    else this.#open = open ? name : null;
    this.host.requestUpdate();
  }

  /** The call is over: no panel is open. */
  close(): void {
    this.#open = null;
    this.#chat = false;
  }
}
