import type { Knocker } from '../session/room-session.js';

export interface RtcKnockDetail {
  /** Who asks to be let in: `{ id, name }`; `id` is what `letIn()` and `turnAway()` take. */
  knocker: Knocker;
}

/** Fired when someone starts asking to be let into the call (a room with `knock`). */
export class RtcKnockEvent extends CustomEvent<RtcKnockDetail> {
  constructor(detail: RtcKnockDetail) {
    super('rtc-knock', { detail, bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-knock': RtcKnockEvent;
  }
}
