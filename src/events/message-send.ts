export interface RtcMessageSendDetail {
  /** The message about to be sent. */
  text: string;
}

/** Fired before a message is sent; `preventDefault()` keeps it back (and in the composer). */
export class RtcMessageSendEvent extends CustomEvent<RtcMessageSendDetail> {
  constructor(detail: RtcMessageSendDetail) {
    super('rtc-message-send', { detail, bubbles: true, composed: true, cancelable: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-message-send': RtcMessageSendEvent;
  }
}
