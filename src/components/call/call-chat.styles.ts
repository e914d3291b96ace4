import type { CSSResult } from 'lit';
import type { CallKit } from './call-kit.js';

let styles: CSSResult | undefined;

/** The call's own chat (call-chat.ts) beside the stage, and the count of new messages on Chat: made with the element's lit, as the stage's rules are. */
export function callChatStyles({ css }: Pick<CallKit, 'css'>): CSSResult {
  return (styles ??= css`
    /* The stage, and the chat beside it while open; over it where the call is narrow. */
    .middle {
      position: relative;
      display: flex;
      flex: 1 1 0;
      gap: var(--_gap);
      min-height: 0;
    }
    .middle > .stage {
      min-width: 0;
    }
    .chat-panel {
      display: flex;
      flex: 0 0 min(22rem, 40%);
      flex-direction: column;
      min-width: 0;
      border: 1px solid var(--_tile);
      border-radius: var(--_radius);
    }
    .chat-panel[hidden] {
      display: none;
    }
    .chat-heading {
      display: flex;
      flex: none;
      align-items: center;
      padding: 4px 4px 0 12px;
    }
    .chat-heading h2 {
      flex: 1 1 auto;
      margin: 0;
      font-size: 14px;
      font-weight: 600;
    }
    .chat-heading .icon-button {
      background: transparent;
      color: inherit;
    }
    .chat-panel > rtc-chat {
      flex: 1 1 0;
      min-width: 0;
      min-height: 0;
      height: auto;
    }
    /* The call's header already names the room and says who is here. */
    .chat-panel > rtc-chat::part(header) {
      display: none;
    }
    @container call (max-width: 599px) {
      .chat-panel {
        position: absolute;
        inset: 0;
        z-index: 3;
      }
    }
    /* How many messages came while the chat was closed, on Chat (and on More while it holds Chat). */
    .badge {
      position: absolute;
      top: -2px;
      right: -2px;
      min-width: 18px;
      height: 18px;
      padding: 0 5px;
      border-radius: 9px;
      background: var(--rtc-call-danger, #b91c1c);
      color: var(--rtc-call-danger-foreground, #fff);
      font-size: 11px;
      font-weight: 600;
      line-height: 18px;
      text-align: center;
    }
  `);
}
