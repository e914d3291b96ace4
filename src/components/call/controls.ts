import type { BarForm } from './bar-fit.js';
import type { BarPanelName } from './bar-panel.js';
import type { CallKit } from './call-kit.js';
import type { DevicePickers } from './device-buttons.js';
import type { IconName } from './icons.js';
import { SHORTCUTS } from './keyboard.js';
import { OFFERED } from './reactions.js';

/** The call the bar controls: `<rtc-call>`'s own public API. */
export interface ControlsCall extends Element {
  readonly microphoneOn: boolean;
  readonly cameraOn: boolean;
  readonly participants: readonly unknown[];
  readonly handRaised: boolean;
  /** Set by Devices' "Show the others' video" (unticked: true). */
  noIncomingVideo: boolean;
  toggleMicrophone(): unknown;
  toggleCamera(): unknown;
  switchCamera(): unknown;
  toggleScreenShare(): unknown;
  toggleHand(): unknown;
  react(emoji: string): unknown;
  leave(): unknown;
}

/** What the control bar shows, and what its buttons do. */
export interface ControlsView extends DevicePickers {
  /** lit and the first load's parts (call-kit.ts). */
  kit: CallKit;
  call: ControlsCall;
  /** Whether the Share screen button shows (the browser can, and the page allows it), and whether this page shares. */
  screenShare: boolean;
  sharing: boolean;
  /** The view and full screen (StageState). */
  state: { readonly view: 'grid' | 'speaker'; readonly fullscreen: boolean; toggleView(): void; toggleFullscreen(target: Element): void };
  /** Whether Chat shows (the call has its own chat), and how many messages came while it was closed (CallChat). */
  chat: { readonly shown: boolean; readonly unread: number };
  /** The panels open: one above the bar (the device pickers, the reactions or the people), and the chat beside the stage (BarPanel). */
  panel: { readonly open: BarPanelName | null; isOpen(name: BarPanelName): boolean; toggle(name: BarPanelName, open?: boolean): void };
  /** The bar's form for the element's width, and its More panel (BarFit). */
  fit: { readonly form: BarForm; readonly open: boolean; readonly roomForActive: boolean; toggle(open?: boolean): Promise<void>; close(): Promise<void>; refocus(part: string): Promise<void> };
}

/** How far a key moves focus in the More panel (wrapping round), or to its first or last button. */
const MOVES: Record<string, number> = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1, Home: -Infinity, End: Infinity };

/** The button bar of a call, and above it the settings panel, the reactions and the More panel while open. */
export function renderControls(v: ControlsView) {
  const { t, call, state } = v;
  const { html, nothing, icon, deviceSelects, toggleButton, facing } = v.kit;
  const speakerView = state.view === 'speaker';
  const stream = v.devices.stream;
  const all = v.devices.devices;
  const canMic = !!stream?.getAudioTracks().length || all.some((d) => d.kind === 'audioinput');
  const hasCam = !!stream?.getVideoTracks().length || all.some((d) => d.kind === 'videoinput');
  // A phone or a tablet (its camera says which way it faces) gets a button for its other
  // camera; elsewhere the settings' picker chooses.
  const flip = call.cameraOn && all.filter((d) => d.kind === 'videoinput').length > 1 && facing(stream) !== undefined;
  // Devices: the pickers (from two devices of a kind), and whether the others' cameras come.
  const pickers = html`${deviceSelects(v, false)}
    <label class="field check"
      ><input
        type="checkbox"
        part="others-video-checkbox"
        .checked=${!call.noIncomingVideo}
        @change=${(e: Event) => (call.noIncomingVideo = !(e.target as HTMLInputElement).checked)}
      /><span>${t.othersVideo}</span></label
    >`;
  const { form, open } = v.fit;
  // Escape closes a panel, and focus goes back to its button.
  const escape = (e: KeyboardEvent) => e.key === 'Escape' && (e.stopPropagation(), v.panel.toggle('settings', false), void v.fit.refocus('settings-button'));
  // In the More panel and the reactions, the arrow keys, Home and End move among the buttons too, as in a menu.
  const moreKeys = (e: KeyboardEvent) => (e.key === 'Escape' ? (e.stopPropagation(), void v.fit.close()) : arrows(e));
  const reactionKeys = (e: KeyboardEvent) => (e.key === 'Escape' ? (e.stopPropagation(), v.panel.toggle('reactions', false), void v.fit.refocus('react-button')) : arrows(e));
  const arrows = (e: KeyboardEvent) => {
    const step = MOVES[e.key];
    if (step === undefined) return;
    e.preventDefault();
    e.stopPropagation();
    const buttons = [...(e.currentTarget as HTMLElement).querySelectorAll('button')];
    const at = buttons.indexOf(e.target as HTMLButtonElement);
    buttons[Math.abs(step) === Infinity ? (step < 0 ? 0 : buttons.length - 1) : (at + step + buttons.length) % buttons.length]?.focus();
  };
  // A button in the More panel closes it, focus going back to More: what it did shows at once.
  // (Stop sharing or Lower hand beside More goes behind it when pressed: focus goes to More too.)
  const fromMore = (act: () => unknown) => () => {
    if (form === 'more') void v.fit.close();
    act();
  };
  // While this page shares, or its hand is up, Stop sharing and Lower hand stay in the bar beside
  // More where they have room: what the others see is one press away.
  const shareInBar = form !== 'more' || (v.sharing && v.fit.roomForActive);
  const handInBar = form !== 'more' || (call.handRaised && v.fit.roomForActive);
  // A button for what this page shows the others (its screen, its hand): highlighted while on,
  // its words saying what a press does, its key in its tooltip.
  const onOff = (name: string, on: boolean, words: string, key: string, symbol: IconName, act: () => unknown) =>
    html`<button part="button ${name}" class=${on ? 'control primary' : 'control'} title=${t.withShortcut(words, key)} aria-keyshortcuts=${key} @click=${fromMore(act)}>
      ${icon(symbol)}<span class="text">${words}</span>
    </button>`;
  const share = v.screenShare
    ? onOff('screen-button', v.sharing, v.sharing ? t.stopSharing : t.shareScreen, SHORTCUTS.screen, v.sharing ? 'screenOff' : 'screen', () => call.toggleScreenShare())
    : nothing;
  // Raise hand and React, once there is someone to see them (and Lower hand while the hand is up).
  const others = call.participants.length > 0;
  const hand =
    call.handRaised || others
      ? onOff('hand-button', call.handRaised, call.handRaised ? t.lowerHand : t.raiseHand, SHORTCUTS.hand, 'hand', () => call.toggleHand())
      : nothing;
  // A button that opens its panel above the bar (closing More and the other panel), focus going to
  // the panel's first control (`into`); closed, focus stays on the button, or More that holds it.
  // A count on it (Chat's new messages) is in its name too, and its key (Chat's) in its tooltip.
  const panelButton = (panel: BarPanelName, name: string, words: string, symbol: IconName, into: string, { count = 0, counted = words, key = '' } = {}) =>
    html`<button
      part="button ${name}"
      class="control"
      aria-expanded=${v.panel.isOpen(panel)}
      aria-controls=${panel}
      aria-label=${count ? counted : nothing}
      aria-keyshortcuts=${key || nothing}
      title=${key ? t.withShortcut(count ? counted : words, key) : count ? counted : words}
      @click=${() => {
        if (form === 'more') void v.fit.toggle(false);
        v.panel.toggle(panel);
        void v.fit.refocus(v.panel.isOpen(panel) ? into : name);
      }}
    >
      ${icon(symbol)}<span class="text">${words}</span>${badge(count)}
    </button>`;
  const badge = (count: number) => (count ? html`<span part="badge" class="badge" aria-hidden="true">${count > 99 ? '99+' : count}</span>` : nothing);
  const unread = v.chat.unread;
  const chat = v.chat.shown ? panelButton('chat', 'chat-button', t.chat, 'chat', 'chat', { count: unread, counted: t.chatUnread(unread), key: SHORTCUTS.chat }) : nothing;
  const react = others ? panelButton('reactions', 'react-button', t.react, 'react', 'reaction-button') : nothing;
  const people = others ? panelButton('people', 'people-button', t.people, 'people', 'people') : nothing;
  const secondary = html`${shareInBar ? nothing : share}${handInBar ? nothing : hand}${react}${people}${chat}
    ${panelButton('settings', 'settings-button', t.settings, 'settings', 'device-select others-video-checkbox')}
    ${others
      ? html`<button part="button view-button" class="control" title=${speakerView ? t.gridView : t.speakerView} @click=${fromMore(() => state.toggleView())}>
          ${icon(speakerView ? 'grid' : 'speaker')}<span class="text">${speakerView ? t.gridView : t.speakerView}</span>
        </button>`
      : nothing}
    ${document.fullscreenEnabled
      ? html`<button part="button fullscreen-button" class="control" title=${state.fullscreen ? t.exitFullscreen : t.fullscreen} @click=${fromMore(() => state.toggleFullscreen(call))}>
          ${icon(state.fullscreen ? 'exitFullscreen' : 'fullscreen')}<span class="text">${state.fullscreen ? t.exitFullscreen : t.fullscreen}</span>
        </button>`
      : nothing}`;
  return html`${v.panel.open === 'settings' ? html`<div part="settings" id="settings" class="settings" @keydown=${escape}>${pickers}</div>` : nothing}
    ${v.panel.open === 'reactions' && others
      ? html`<div part="reactions-panel" id="reactions" class="reactions-panel" role="group" aria-label=${t.reactions} @keydown=${reactionKeys}>
          ${OFFERED.map((emoji) => html`<button part="button reaction-button" class="control" title=${t.reaction(emoji)} aria-label=${t.reaction(emoji)} @click=${() => call.react(emoji)}>${emoji}</button>`)}
        </div>`
      : nothing}
    ${form === 'more' ? html`<div part="more-panel" id="more" class="more-panel" ?hidden=${!open} @keydown=${moreKeys}>${secondary}</div>` : nothing}
    <div part="controls" class="controls ${form}" role="group" aria-label=${t.controls}>
      ${toggleButton(t, 'audio', call.microphoneOn, canMic ? '' : t.noMicrophone, () => call.toggleMicrophone(), SHORTCUTS.mic)}
      ${toggleButton(t, 'video', call.cameraOn, v.audioOnly ? t.audioOnlyCall : hasCam ? '' : t.noCamera, () => call.toggleCamera(), SHORTCUTS.camera)}
      ${flip
        ? html`<button part="button switch-camera-button" class="control" title=${t.switchCamera} @click=${() => call.switchCamera()}>
            ${icon('switchCamera')}<span class="text">${t.switchCamera}</span>
          </button>`
        : nothing}
      ${shareInBar ? share : nothing}${handInBar ? hand : nothing}
      ${form === 'more'
        ? html`<button part="button more-button" class="control" aria-expanded=${open} aria-controls="more" title=${t.moreControls} @click=${() => void v.fit.toggle()}>
            ${icon('more')}<span class="text">${t.moreControls}</span>${badge(open || !v.chat.shown ? 0 : unread)}
          </button>`
        : secondary}
      <button part="button leave-button" class="control danger" title=${t.withShortcut(t.leave, SHORTCUTS.leave)} aria-keyshortcuts=${SHORTCUTS.leave} @click=${() => call.leave()}>
        ${icon('leave')}<span class="text">${t.leave}</span>
      </button>
    </div>`;
}
