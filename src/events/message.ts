import type { ChatMessage } from '../chat/store.js';

export interface RtcMessageDetail extends ChatMessage {
  /** True for a message that came with the history a member sent on joining, not live. */
  history: boolean;
}

/** Fired when a message from someone else arrives (its text is plain text, never markup). */
export class RtcMessageEvent extends CustomEvent<RtcMessageDetail> {
  constructor(detail: RtcMessageDetail) {
    super('rtc-message', { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-message': RtcMessageEvent;
  }
}
