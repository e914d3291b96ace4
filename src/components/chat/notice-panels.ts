/** How `<rtc-chat>` draws its notices and the error that ended its join (the problems are notices.ts's). */
import { html, nothing } from 'lit';
import type { Strings } from '../../i18n/en.js';
import type { Notices } from '../notices.js';

/** The notices, each with its Dismiss button. */
export function renderNotices(notices: Notices, t: Strings) {
  return notices.list.map(
    (n, i) => html`<div part="notice">
      <p id="notice-${i}">${notices.say(n)}</p>
      <button part="button dismiss-button" class="small" aria-label=${t.dismiss} aria-describedby="notice-${i}" @click=${() => notices.dismiss(n)}>✕</button>
    </div>`,
  );
}

/** The panel of the error that ended the join, with Try again unless a setting is wrong. */
export function renderError(notices: Notices, t: Strings, retry: () => unknown) {
  const error = notices.error;
  return html`<div part="error" tabindex="-1">
    <p>${error ? notices.say(error) : ''}</p>
    ${error?.type === 'invalid-config' ? nothing : html`<button part="button retry-button" class="primary" @click=${retry}>${t.tryAgain}</button>`}
  </div>`;
}
