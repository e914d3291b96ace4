export interface RtcLeftDetail {
  /** The room left. */
  room: string;
  /** `user`: leave() or the leave button; `removed`: the element left the page; `error`: a fatal error ended the call. */
  reason: 'user' | 'removed' | 'error';
}

/** Fired when the element has left its room. */
export class RtcLeftEvent extends CustomEvent<RtcLeftDetail> {
  constructor(detail: RtcLeftDetail) {
    super('rtc-left', { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-left': RtcLeftEvent;
  }
}
