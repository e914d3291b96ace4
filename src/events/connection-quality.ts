import type { ConnectionStats, Quality } from '../media/quality.js';
import type { Participant } from '../session/room-session.js';

export interface RtcConnectionQualityDetail {
  /** The participant whose connection it is. */
  participant: Participant;
  /** The quality now shown on their tile: `good`, `weak` or `bad`. */
  quality: Quality;
  /** The figures it was judged from (the same shape as an entry of `getStats()`, without id and name). */
  stats: ConnectionStats;
}

/**
 * Fired when the quality of the connection with a participant changes (and once when it is
 * first judged, a few seconds after they arrive); not on every measurement.
 */
export class RtcConnectionQualityEvent extends CustomEvent<RtcConnectionQualityDetail> {
  constructor(detail: RtcConnectionQualityDetail) {
    super('rtc-connection-quality', { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-connection-quality': RtcConnectionQualityEvent;
  }
}

export type { CandidateType, ConnectionStats, ParticipantStats, Quality } from '../media/quality.js';
