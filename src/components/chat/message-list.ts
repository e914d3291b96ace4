import { html, nothing } from 'lit';
import type { Strings } from '../../i18n/en.js';
import type { LogFollower } from './log-follower.js';

/**
 * The message list around its lines (`lines`: entries.ts's, once the chat core is loaded), and
 * below it the button to the newest messages while the reader is scrolled up (`follower`).
 */
export function renderMessageList(t: Strings, follower: LogFollower, lines: unknown) {
  return html`<div part="message-list" role="log" aria-live="off" aria-label=${t.messages} tabindex="0" @scroll=${() => follower.scrolled()}>
      ${lines}
    </div>
    ${follower.unread
      ? html`<button part="button unread-button" class="small primary" @click=${() => follower.jump()}>${t.newMessages(follower.unread)}</button>`
      : nothing}`;
}
