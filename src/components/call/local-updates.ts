import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RtcLocalUpdatedDetail } from '../../events/local-updated.js';

/** The element whose own state is told: its phase and the getters the event's detail copies. */
export interface LocalUpdatesHost extends ReactiveControllerHost, Readonly<RtcLocalUpdatedDetail> {
  readonly phase: string;
}

/**
 * Tells the page, in a call, of each change of this page's own microphone, camera, screen
 * sharing and raised hand (`rtc-local-updated`): at most one event per update of the element,
 * with the whole state as it is then. The state the call starts with is not a change: the page
 * reads it from the getters at `rtc-joined`.
 */
export class LocalUpdates implements ReactiveController {
  /** The state last told (or found at the start of the call); null outside a call. */
  #last: string | null = null;
  #quiet = false;

  constructor(
    private readonly host: LocalUpdatesHost,
    /** Fires the event (made by the element: the event's class is in its chunk). */
    private readonly tell: (state: RtcLocalUpdatedDetail) => void,
  ) {
    host.addController(this);
  }

  /** What changes in this update is the page's own doing (a property it set): taken without an event. */
  quiet(): void {
    this.#quiet = true;
  }

  hostUpdated(): void {
    const quiet = this.#quiet;
    this.#quiet = false;
    if (this.host.phase !== 'in-call') {
      this.#last = null;
      return;
    }
    const { microphoneOn, cameraOn, sharingScreen, handRaised } = this.host;
    const state = [microphoneOn, cameraOn, sharingScreen, handRaised].map(Number).join('');
    const before = this.#last;
    this.#last = state;
    if (before !== null && before !== state && !quiet) this.tell({ microphoneOn, cameraOn, sharingScreen, handRaised });
  }
}
