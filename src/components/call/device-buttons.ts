import { html, nothing } from 'lit';
import { canChooseSpeaker, type DevicesController } from '../../controllers/devices.js';
import type { Strings } from '../../i18n/en.js';
import { icon } from './icons.js';

/** The kinds of device a picker chooses. */
export type DeviceKind = 'audioinput' | 'videoinput' | 'audiooutput';

/** What the device pickers show and whom they tell of a choice; the lobby's and the call's settings share them. */
export interface DevicePickers {
  t: Strings;
  devices: DevicesController;
  audioOnly: boolean;
  choose(kind: DeviceKind, deviceId: string): unknown;
}

/**
 * A microphone or camera button; its words say what pressing it does, its tooltip the shortcut
 * (`keys`, in a call), or, when it cannot be pressed, why (`unavailable`).
 */
export function toggleButton(t: Strings, kind: 'audio' | 'video', isOn: boolean, unavailable: string, toggle: () => unknown, keys?: string) {
  const mic = kind === 'audio';
  const label = mic ? (isOn ? t.mute : t.unmute) : isOn ? t.cameraOff : t.cameraOn;
  return html`<button
    part="button ${mic ? 'mic-button' : 'camera-button'}"
    class="control"
    data-off=${isOn ? nothing : ''}
    title=${unavailable || (keys ? t.withShortcut(label, keys) : label)}
    aria-keyshortcuts=${keys ?? nothing}
    ?disabled=${!!unavailable}
    @click=${toggle}
  >
    ${icon(mic ? (isOn ? 'mic' : 'micOff') : isOn ? 'cam' : 'camOff')}<span class="text">${label}</span>
  </button>`;
}

/** The device pickers: microphone, camera, and speaker where the browser lets pages choose. */
export function deviceSelects(p: DevicePickers, lobby: boolean) {
  return html`${deviceSelect(p, 'audioinput', p.t.microphone, lobby)}
  ${p.audioOnly ? nothing : deviceSelect(p, 'videoinput', p.t.camera, lobby)}
  ${canChooseSpeaker ? deviceSelect(p, 'audiooutput', p.t.speaker, lobby) : nothing}`;
}

/** A device picker: in the lobby as soon as there is one to show, in the call from two on. */
function deviceSelect(p: DevicePickers, kind: DeviceKind, label: string, lobby: boolean) {
  const devices = p.devices.devices.filter((d) => d.kind === kind && d.deviceId);
  // Chromium lists the system's default output as `default`; Firefox lists only some outputs,
  // none of them the default: the picker offers it itself (an empty sink id plays there).
  const systemDefault = kind === 'audiooutput' && !devices.some((d) => d.deviceId === 'default');
  if (devices.length + (systemDefault ? 1 : 0) < (lobby ? 1 : 2)) return nothing;
  const current = kind === 'audiooutput' ? p.devices.speaker || (systemDefault ? '' : 'default') : p.devices.deviceOf(kind === 'audioinput' ? 'audio' : 'video');
  const name = kind === 'audioinput' ? 'microphone-select' : kind === 'videoinput' ? 'camera-select' : 'speaker-select';
  return html`<label class="field"
    ><span>${label}</span
    ><select part="device-select ${name}" @change=${(e: Event) => p.choose(kind, (e.target as HTMLSelectElement).value)}>
      ${systemDefault ? html`<option value="" ?selected=${current === ''}>${p.t.systemDefault}</option>` : nothing}
      ${devices.map((d, i) => html`<option value=${d.deviceId} ?selected=${d.deviceId === current}>${d.label || p.t.device(label, i + 1)}</option>`)}
    </select></label
  >`;
}
