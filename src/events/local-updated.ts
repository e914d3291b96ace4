export interface RtcLocalUpdatedDetail {
  /** Whether this page's microphone is on (`microphoneOn`). */
  microphoneOn: boolean;
  /** Whether this page's camera is on (`cameraOn`). */
  cameraOn: boolean;
  /** Whether this page shares a screen (`sharingScreen`). */
  sharingScreen: boolean;
  /** Whether this page's hand is raised (`handRaised`). */
  handRaised: boolean;
}

/**
 * Fired in a call when this page's own microphone, camera, screen sharing or raised hand
 * changed: by its buttons or keys, a method, the browser (a device unplugged or blocked, sharing
 * stopped from the browser's bar) or the call. Not for a change the page made by setting a
 * property (`audio-only`, `no-screen-share`).
 */
export class RtcLocalUpdatedEvent extends CustomEvent<RtcLocalUpdatedDetail> {
  constructor(detail: RtcLocalUpdatedDetail) {
    super('rtc-local-updated', { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-local-updated': RtcLocalUpdatedEvent;
  }
}
