import type { Participant } from '../session/room-session.js';

export interface RtcParticipantJoinedDetail {
  /** The participant who joined (id, display name, media state). */
  participant: Participant;
}

/** Fired when another participant has joined the room. */
export class RtcParticipantJoinedEvent extends CustomEvent<RtcParticipantJoinedDetail> {
  constructor(detail: RtcParticipantJoinedDetail) {
    super('rtc-participant-joined', { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-participant-joined': RtcParticipantJoinedEvent;
  }
}
