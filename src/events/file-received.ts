import type { ChatFile } from '../chat/transfer.js';

export interface RtcFileReceivedDetail {
  /** The transfer, done. */
  file: ChatFile;
  /** The file's bytes, verified against the sender's hash (type `application/octet-stream`). */
  blob: Blob;
}

/** Fired when a file has arrived whole and verified. */
export class RtcFileReceivedEvent extends CustomEvent<RtcFileReceivedDetail> {
  constructor(detail: RtcFileReceivedDetail) {
    super('rtc-file-received', { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-file-received': RtcFileReceivedEvent;
  }
}
