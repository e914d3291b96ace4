import type { ChatFile } from '../chat/transfer.js';

export interface RtcFileOfferedDetail {
  /** The file on offer: name, size, declared type, sender. */
  file: ChatFile;
}

/** Fired when someone offers this page a file, before it is accepted; `preventDefault()` declines it. */
export class RtcFileOfferedEvent extends CustomEvent<RtcFileOfferedDetail> {
  constructor(detail: RtcFileOfferedDetail) {
    super('rtc-file-offered', { detail, bubbles: true, composed: true, cancelable: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-file-offered': RtcFileOfferedEvent;
  }
}
