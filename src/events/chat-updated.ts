export interface RtcChatUpdatedDetail {
  /** Whether the call's chat is open beside the stage. */
  open: boolean;
  /** How many messages and files came while it was closed (0 once opened). */
  unread: number;
}

/**
 * Fired by `<rtc-call>` when its own chat opens or closes, or its count of messages and files
 * that came while closed changes, as Jitsi's `chatUpdated`: a page that hides the call's bar, or
 * shows the count in its own title, reads it here. Not while the call has no chat of its own.
 */
export class RtcChatUpdatedEvent extends CustomEvent<RtcChatUpdatedDetail> {
  constructor(detail: RtcChatUpdatedDetail) {
    super('rtc-chat-updated', { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-chat-updated': RtcChatUpdatedEvent;
  }
}
