/**
 * Error types: PeerJS's own strings where one fits (`network`, `invalid-key`, `server-error`,
 * `browser-incompatible`, `disconnected`, `negotiation-failed`), and ours in the same style.
 */
export type RtcErrorType =
  | 'network'
  | 'invalid-key'
  | 'server-error'
  | 'browser-incompatible'
  | 'disconnected'
  | 'negotiation-failed'
  | 'room-full'
  | 'room-unreachable'
  | 'not-let-in'
  | 'invalid-config'
  | 'insecure-context'
  | 'protocol'
  | 'duplicate-name'
  | 'media-denied'
  | 'media-missing'
  | 'media-in-use'
  | 'media-constraints'
  | 'media-failed'
  | 'media-ended'
  | 'media-paused'
  | 'empty-message'
  | 'message-too-long'
  | 'rate-limited'
  | 'file-too-large'
  | 'file-corrupt'
  | 'file-failed';

export interface RtcErrorDetail {
  /** What failed, as a stable string to switch on. */
  type: RtcErrorType;
  /** A sentence for people: what happened and what they can do. */
  message: string;
  /** True when the error ended the call; false when the call goes on (for example audio-only). */
  fatal: boolean;
}

/** Fired when something fails; the element shows the same message. */
export class RtcErrorEvent extends CustomEvent<RtcErrorDetail> {
  constructor(detail: RtcErrorDetail) {
    super('rtc-error', { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-error': RtcErrorEvent;
  }
}
