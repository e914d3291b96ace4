/** How `<rtc-call>` draws its notices, the error that ended the call (the problems are notices.ts's) and the wait to be let in. */
import { html, nothing } from 'lit';
import type { Strings } from '../../i18n/en.js';
import type { Notices } from '../notices.js';
import { icon } from './icons.js';

/** The notices, each with its Dismiss button. */
export function renderNotices(notices: Notices, t: Strings) {
  return notices.list.length
    ? html`<div class="notices">
        ${notices.list.map(
          (n, i) => html`<div part="notice" class="notice">
            <p id="notice-${i}">${notices.say(n)}</p>
            <button part="button dismiss-button" class="icon-button" aria-label=${t.dismiss} aria-describedby="notice-${i}" @click=${() => notices.dismiss(n)}>${icon('close')}</button>
          </div>`,
        )}
      </div>`
    : nothing;
}

/** The panel of the error that ended the call, with Try again unless a setting is wrong. */
export function renderError(notices: Notices, t: Strings, retry: () => unknown) {
  const error = notices.error;
  return html`<div part="error" class="panel" tabindex="-1">
    <p>${error ? notices.say(error) : ''}</p>
    ${error?.type === 'invalid-config' ? nothing : html`<button part="button join-button" class="primary" @click=${retry}>${t.tryAgain}</button>`}
  </div>`;
}

/**
 * While a room that knocks keeps this page waiting: what happens, and Cancel. A region named by
 * its heading, not a live one: the call reads it out once (its announcer).
 */
export function renderWaiting(t: Strings, cancel: () => unknown) {
  return html`<section part="waiting" class="panel" aria-labelledby="waiting">
    <h2 id="waiting">${t.askingToJoin}</h2>
    <p>${t.letInSoon}</p>
    <button part="button cancel-button" @click=${cancel}>${t.cancel}</button>
  </section>`;
}
