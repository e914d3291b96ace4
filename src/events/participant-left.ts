import type { LeaveReason, Participant } from '../session/room-session.js';

export interface RtcParticipantLeftDetail {
  /** The participant who left. */
  participant: Participant;
  /** `left`: they left; `closed`: their connection closed (page closed, network lost); `timeout`: they stopped answering. */
  reason: LeaveReason;
}

/** Fired when another participant has left the room. */
export class RtcParticipantLeftEvent extends CustomEvent<RtcParticipantLeftDetail> {
  constructor(detail: RtcParticipantLeftDetail) {
    super('rtc-participant-left', { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-participant-left': RtcParticipantLeftEvent;
  }
}
