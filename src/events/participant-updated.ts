import type { Participant } from '../session/room-session.js';

export interface RtcParticipantUpdatedDetail {
  /** The participant as they are now. */
  participant: Participant;
}

/**
 * Fired when something about someone in the call changed: their name, microphone, camera,
 * raised hand, shared screen, streams or connection.
 */
export class RtcParticipantUpdatedEvent extends CustomEvent<RtcParticipantUpdatedDetail> {
  constructor(detail: RtcParticipantUpdatedDetail) {
    super('rtc-participant-updated', { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-participant-updated': RtcParticipantUpdatedEvent;
  }
}
