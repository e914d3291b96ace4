import { css } from 'lit';

// Compact on purpose: template whitespace ships in the bundle as it is written.
export const chatStyles = css`
  :host {
    --rtc-chat-background: #101418;
    --rtc-chat-foreground: #f3f5f7;
    --rtc-chat-muted: #aeb8c2;
    --rtc-chat-theirs-background: #232a31;
    --rtc-chat-mine-background: #1e3a8a;
    --rtc-chat-link: #93c5fd;
    --rtc-chat-accent: #2563eb;
    --rtc-chat-radius: 10px;
    display: block;
    box-sizing: border-box;
    height: 420px;
    color: var(--rtc-chat-foreground);
    background: var(--rtc-chat-background);
    border-radius: var(--rtc-chat-radius);
    font: 14px/1.4 system-ui, sans-serif;
  }
  :host([hidden]) { display: none; }
  * { box-sizing: inherit; }
  .base { display: flex; flex-direction: column; gap: 8px; height: 100%; padding: 8px; }
  [part~='header'], .meta, .row { display: flex; flex-wrap: wrap; gap: 8px; align-items: baseline; }
  [part~='header'] { justify-content: space-between; }
  [part~='header'] :first-child, [part~='sender'] { font-weight: 600; }
  [part~='status'], [part~='time'], [part~='system-line'], [part~='file-status'], [part~='file-size'] { color: var(--rtc-chat-muted); }
  [part~='notice'] { display: flex; gap: 8px; align-items: start; padding: 6px 10px; border-radius: 6px; background: #3f3a1d; color: #fff7cc; }
  p { flex: 1; margin: 0; }
  [part~='error'] { display: grid; flex: 1; place-content: center; justify-items: center; gap: 12px; text-align: center; }
  /* Block flow rather than a flex column: a growing list is cheaper to lay out. */
  [part~='message-list'] { flex: 1; min-height: 0; overflow-y: auto; }
  [part~='message-list'] > * { margin-bottom: 6px; }
  .bubble { width: fit-content; max-width: 85%; padding: 6px 10px; border-radius: var(--rtc-chat-radius); background: var(--rtc-chat-theirs-background); overflow-wrap: anywhere; }
  .mine { margin-left: auto; background: var(--rtc-chat-mine-background); }
  .meta, [part~='system-line'] { font-size: 12px; }
  [part~='system-line'] { text-align: center; }
  [part~='unread-button'] { align-self: center; }
  [part~='text'] { white-space: pre-wrap; }
  a { color: var(--rtc-chat-link); }
  [part~='progress'] { width: 100%; accent-color: var(--rtc-chat-accent); }
  [part~='composer'] { display: flex; gap: 8px; }
  textarea { flex: 1; max-height: 8em; padding: 8px 10px; border: 1px solid #4b5563; border-radius: 8px; background: #1b2128; color: inherit; font: inherit; }
  button { min-width: 44px; min-height: 40px; padding: 8px 14px; border: 0; border-radius: 999px; background: #374151; color: inherit; font: inherit; cursor: pointer; }
  .primary { background: var(--rtc-chat-accent); color: #fff; }
  .small { min-height: 32px; padding: 4px 10px; }
  :disabled { opacity: 0.5; }
  :focus-visible { outline: 3px solid var(--rtc-chat-accent); outline-offset: 2px; }
  :host(:state(drop-target)) .base { outline: 3px dashed var(--rtc-chat-link); outline-offset: -3px; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
`;
