import type { ChatFile } from '../chat/transfer.js';

export interface RtcFileProgressDetail {
  /** The transfer now: `state`, `bytes` of `size`, and for a sent file each recipient's part. */
  file: ChatFile;
}

/** Fired as a transfer, sent or received, moves on (a few times a second) and when it ends. */
export class RtcFileProgressEvent extends CustomEvent<RtcFileProgressDetail> {
  constructor(detail: RtcFileProgressDetail) {
    super('rtc-file-progress', { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-file-progress': RtcFileProgressEvent;
  }
}
