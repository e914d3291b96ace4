export interface RtcTypingDetail {
  /** Who else is writing now, in the order they started: `{ id, name }` each; empty for no one. */
  typing: { id: string; name: string }[];
}

/** Fired when someone starts or stops being shown as writing (the line above the message box). */
export class RtcTypingEvent extends CustomEvent<RtcTypingDetail> {
  constructor(detail: RtcTypingDetail) {
    super('rtc-typing', { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-typing': RtcTypingEvent;
  }
}
