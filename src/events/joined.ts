export interface RtcJoinedDetail {
  /** The room joined. */
  room: string;
  /** This page's peer id in the room (fresh for every join, and when the page joins again under a fresh id). */
  id: string;
}

/** Fired when the element has joined its room. */
export class RtcJoinedEvent extends CustomEvent<RtcJoinedDetail> {
  constructor(detail: RtcJoinedDetail) {
    super('rtc-joined', { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-joined': RtcJoinedEvent;
  }
}
