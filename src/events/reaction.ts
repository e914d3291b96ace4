import type { Participant } from '../session/room-session.js';

export interface RtcReactionDetail {
  /** Who reacted. */
  participant: Participant;
  /** The reaction: one of 👍 👏 😂 😮 ❤️ 🎉. */
  emoji: string;
}

/** Fired when someone else in the call reacted (this page's own reactions are its `react()` calls). */
export class RtcReactionEvent extends CustomEvent<RtcReactionDetail> {
  constructor(detail: RtcReactionDetail) {
    super('rtc-reaction', { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-reaction': RtcReactionEvent;
  }
}
