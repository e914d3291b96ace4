/** How `<rtc-call>` draws its notices, the error that ended the call (the problems are notices.ts's) and the wait to be let in. */
import { html, nothing } from 'lit';
import type { Strings } from '../../i18n/en.js';
import type { Notices } from '../notices.js';
import { toggleButton } from './device-buttons.js';
import { avatar, icon } from './icons.js';
import { previewVideo } from './lobby.js';

/** What the visitor sees of themselves while waiting to be let in, and their buttons. */
export interface WaitingView {
  /** The camera and microphone, as the call will start with them. */
  stream: MediaStream | null;
  /** Whether the camera (and the microphone) is on: the call starts so. */
  cam: boolean;
  mic: boolean;
  /** The name on the placeholder while the camera is off. */
  name: string;
  /** No camera in this call (`audio-only`): no camera button. */
  audioOnly: boolean;
  /** Switches the microphone or the camera on or off for the call, as the lobby's buttons do. */
  toggle(kind: 'audio' | 'video'): unknown;
  /** Stops waiting: back to the lobby. */
  cancel(): unknown;
}

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
 * While a room that knocks keeps this page waiting: the visitor's own camera, as in the lobby
 * (it is on, and its light too: they see what the others will see), with the microphone and
 * camera buttons; what happens, and Cancel. A region named by its heading, not a live one: the
 * call reads it out once (its announcer).
 */
export function renderWaiting(t: Strings, v: WaitingView) {
  const video = v.cam && v.stream?.getVideoTracks().some((track) => track.readyState === 'live');
  return html`<div class="lobby">
    <div part="preview" class="preview">
      ${video
        ? previewVideo(v.stream)
        : html`<div part="placeholder" class="placeholder">${avatar(v.name || t.you)}</div>`}
      <div class="preview-bar">
        ${toggleButton(t, 'audio', v.mic, '', () => v.toggle('audio'))} ${v.audioOnly ? nothing : toggleButton(t, 'video', v.cam, '', () => v.toggle('video'))}
      </div>
    </div>
    <section part="waiting" class="form waiting" aria-labelledby="waiting">
      <h2 id="waiting">${t.askingToJoin}</h2>
      <p>${t.letInSoon}</p>
      <button part="button cancel-button" @click=${v.cancel}>${t.cancel}</button>
    </section>
  </div>`;
}
