import { css } from 'lit';

/**
 * The light theme. Colours are read through private `--_x` properties whose value is the page's
 * `--rtc-chat-x` when it sets one (on any ancestor, `:root` included), else the theme's: the
 * public properties are never declared here, so a page's values inherit into the element.
 */
const light = css`
  color-scheme: light;
  --_bg: var(--rtc-chat-background, #f8fafc);
  --_fg: var(--rtc-chat-foreground, #0f172a);
  --_muted: var(--rtc-chat-muted, #475569);
  --_theirs: var(--rtc-chat-theirs-background, #e2e8f0);
  --_mine: var(--rtc-chat-mine-background, #dbeafe);
  --_link: var(--rtc-chat-link, #1d4ed8);
  --_accent: var(--rtc-chat-accent, #1d4ed8);
  --_ring: var(--rtc-chat-focus-ring, #1d4ed8);
  --_notice: #fef3c7;
  --_notice-fg: #713f12;
  --_field: #ffffff;
  --_border: #64748b;
  --_button: #e2e8f0;
`;

// Compact on purpose: template whitespace ships in the bundle as it is written.
export const chatStyles = css`
  :host {
    color-scheme: dark;
    --_bg: var(--rtc-chat-background, #101418);
    --_fg: var(--rtc-chat-foreground, #f3f5f7);
    --_muted: var(--rtc-chat-muted, #aeb8c2);
    --_theirs: var(--rtc-chat-theirs-background, #232a31);
    --_mine: var(--rtc-chat-mine-background, #1e3a8a);
    --_link: var(--rtc-chat-link, #93c5fd);
    --_accent: var(--rtc-chat-accent, #2563eb);
    --_ring: var(--rtc-chat-focus-ring, #60a5fa);
    --_notice: #3f3a1d;
    --_notice-fg: #fff7cc;
    --_field: #1b2128;
    --_border: #6b7280;
    --_button: #374151;
    display: block;
    box-sizing: border-box;
    height: 420px;
    color: var(--_fg);
    background: var(--_bg);
    border-radius: var(--rtc-chat-radius, 10px);
    font: 14px/1.4 system-ui, sans-serif;
  }
  :host([theme='light']) { ${light} }
  @media (prefers-color-scheme: light) { :host(:not([theme='dark'])) { ${light} } }
  :host([hidden]) { display: none; }
  * { box-sizing: inherit; }
  .base { display: flex; flex-direction: column; gap: 8px; height: 100%; padding: 8px; }
  [part~='header'], .meta, .row { display: flex; flex-wrap: wrap; gap: 8px; align-items: baseline; }
  [part~='header'] { justify-content: space-between; }
  [part~='header'] :first-child, [part~='sender'] { font-weight: 600; }
  [part~='status'], [part~='time'], [part~='system-line'], [part~='file-status'], [part~='file-size'], [part~='typing'] { color: var(--_muted); }
  [part~='notice'] { display: flex; gap: 8px; align-items: start; padding: 6px 10px; border-radius: 6px; background: var(--_notice); color: var(--_notice-fg); }
  p { flex: 1; margin: 0; }
  [part~='error'] { display: grid; flex: 1; place-content: center; justify-items: center; gap: 12px; text-align: center; }
  /* Block flow rather than a flex column: a growing list is cheaper to lay out. */
  [part~='message-list'] { flex: 1; min-height: 0; overflow-y: auto; }
  [part~='message-list'] > * { margin-bottom: 6px; }
  .bubble { width: fit-content; max-width: 85%; padding: 6px 10px; border-radius: var(--rtc-chat-radius, 10px); background: var(--_theirs); overflow-wrap: anywhere; }
  .mine { margin-left: auto; background: var(--_mine); }
  .meta, [part~='system-line'], [part~='typing'] { font-size: 12px; }
  [part~='typing'] { margin-top: -4px; }
  [part~='system-line'] { text-align: center; }
  [part~='unread-button'] { align-self: center; }
  /* Who asks to be let in (a room that knocks): rows above the messages; many scroll. */
  .knock-requests { display: flex; flex: none; flex-direction: column; gap: 4px; max-height: 50%; overflow-y: auto; }
  .knock-request { display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: center; justify-content: flex-end; padding: 4px 4px 4px 10px; border-radius: 6px; background: var(--_notice); }
  .knock-request p { flex: 1 1 12em; min-width: 0; color: var(--_notice-fg); overflow-wrap: anywhere; }
  .knock-request button { min-height: 32px; padding: 4px 12px; }
  .knock-buttons { display: flex; flex: none; gap: 6px; }
  [part~='text'] { white-space: pre-wrap; }
  a { color: var(--_link); }
  [part~='progress'] { width: 100%; accent-color: var(--_accent); }
  [part~='preview'] { display: block; max-width: 100%; max-height: 240px; width: auto; height: auto; margin: 4px 0; border-radius: 6px; }
  [part~='composer'] { display: flex; gap: 8px; align-items: end; }
  /* The box grows with its lines up to max-height, then scrolls. */
  textarea { flex: 1; min-width: 0; field-sizing: content; max-height: 8em; padding: 8px 10px; border: 1px solid var(--_border); border-radius: 8px; background: var(--_field); color: inherit; font: inherit; }
  /* Safari on a phone zooms the page into a field whose text is under 16px. */
  @media (pointer: coarse) { textarea { font-size: max(16px, 1em); } }
  button { min-width: 44px; min-height: 40px; padding: 8px 14px; border: 0; border-radius: 999px; background: var(--_button); color: inherit; font: inherit; cursor: pointer; }
  .primary { background: var(--_accent); color: #fff; }
  .small { min-height: 32px; padding: 4px 10px; }
  :disabled { opacity: 0.5; }
  :focus-visible { outline: 3px solid var(--_ring); outline-offset: 2px; }
  :host(:state(drop-target)) .base { outline: 3px dashed var(--_link); outline-offset: -3px; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
`;
