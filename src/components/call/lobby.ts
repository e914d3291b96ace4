import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { live } from 'lit/directives/live.js';
import type { DevicesController } from '../../controllers/devices.js';
import { AudioLevels } from '../../media/audio-level.js';
import { blockedByEmbedder, type MediaProblem } from '../../media/local-media.js';
import { loadInCall } from './call-kit.js';
import { facesAway } from './facing.js';
import { deviceSelects, toggleButton, type DevicePickers } from './device-buttons.js';
import { avatar, icon } from './icons.js';

/** Where a name typed in the lobby is kept for the next visit (same origin). */
const NAME_KEY = 'rtc-elements:name';

/** How often the microphone's level is read: often enough for the meter to feel live. */
const METER_INTERVAL = 100;

function storedName(): string {
  try {
    return localStorage.getItem(NAME_KEY) ?? '';
  } catch {
    return ''; // storage blocked (a sandboxed frame, strict privacy settings)
  }
}

/** The element whose lobby this is. */
export interface LobbyHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly isConnected: boolean;
  readonly phase: string;
  readonly audioOnly: boolean;
  /** Until the visitor (or a script) chooses, the call starts with the microphone muted. */
  readonly startMuted: boolean;
  /** Until the visitor (or a script) chooses, the call starts with the camera off. */
  readonly startCameraOff: boolean;
}

/** What the lobby's template needs besides the lobby's own state. */
export interface LobbyView extends DevicePickers {
  /** The page's `name`: when set, no name field. */
  name: string;
  /** The name shown on the preview's placeholder. */
  displayName: string;
  /** After leaving: the button says "Join again". */
  left: boolean;
  join(): unknown;
  /** The visitor is about to join (points at Join, or focuses it): the code a join needs may load now. */
  prepare(): void;
}

/**
 * The lobby, before joining and after leaving: the camera preview and microphone meter the
 * visitor may ask for, the microphone and camera to join with, and the name typed (kept for the
 * next visit).
 */
export class Lobby implements ReactiveController {
  /** The preview: not asked for yet, starting, or showing. */
  preview: 'off' | 'starting' | 'on' = 'off';
  /** The microphone and camera to join with as chosen (the buttons, the toggles, a device missing); null: not chosen. */
  #mic: boolean | null = null;
  #cam: boolean | null = null;
  /** A camera being switched on in the preview, until it is on (or could not be). */
  #starting: Promise<unknown> = Promise.resolve();
  /** The name typed in the lobby's field; read from storage when first needed. */
  #typed: string | null = null;
  /** The kinds the browser blocked at the last ask: asked for again once the visitor allows them. */
  readonly #blocked = new Set<'audio' | 'video'>();
  /** The microphone meter. */
  #meter: { levels: AudioLevels; timer: ReturnType<typeof setInterval> } | null = null;

  constructor(
    private readonly host: LobbyHost,
    private readonly devices: DevicesController,
    /** Device problems, to be shown as notices. */
    private readonly problems: (problems: MediaProblem[]) => void,
  ) {
    host.addController(this);
  }

  /**
   * The name typed in the lobby's field. A page's first read of `localStorage` takes about a
   * millisecond (the browser opens the origin's storage), so it waits until a name is needed:
   * never, when the page gives one.
   */
  get typedName(): string {
    return (this.#typed ??= storedName());
  }

  set typedName(name: string) {
    this.#typed = name;
  }

  /** Join with the microphone on: as chosen, else as the element's `start-muted` says. */
  get joinMic(): boolean {
    return this.#mic ?? !this.host.startMuted;
  }

  set joinMic(on: boolean) {
    this.#mic = on;
  }

  /** Join with the camera on: as chosen, else as the element's `start-camera-off` says. */
  get joinCam(): boolean {
    return this.#cam ?? !this.host.startCameraOff;
  }

  set joinCam(on: boolean) {
    this.#cam = on;
  }

  hostUpdated(): void {
    // The meter follows the microphone in use (a switch brings a new track).
    if (this.#meter) this.#meter.levels.set('local', this.devices.track('audio'));
  }

  /** Starts the preview at once when the browser will not prompt (the visitor allowed it before). */
  async previewIfAllowed(): Promise<void> {
    if ((await this.devices.queryPermission(this.host.audioOnly)) === 'granted' && this.host.phase === 'idle' && this.preview === 'off' && this.host.isConnected) {
      await this.startPreview();
    }
  }

  /** The visitor asked to check their devices: camera preview, microphone meter, device lists. */
  async startPreview(): Promise<void> {
    this.preview = 'starting';
    this.host.requestUpdate();
    const problems = await this.devices.start({ audio: true, video: !this.host.audioOnly && this.joinCam });
    if (this.preview !== 'starting') return; // joined or removed meanwhile
    this.preview = 'on';
    this.#asked(problems);
    // A device that could not be had (missing, blocked) is off, as its button then says: the call starts without it.
    if (!this.devices.track('audio')) this.joinMic = false;
    if (!this.host.audioOnly && !this.devices.track('video')) this.joinCam = false;
    this.host.requestUpdate();
    this.#startMeter();
  }

  /** The lobby closes (a join, a leave, the element removed): no meter, no preview. */
  close(): void {
    this.preview = 'off';
    this.#blocked.clear();
    this.host.requestUpdate();
    if (!this.#meter) return;
    clearInterval(this.#meter.timer);
    this.#meter.levels.close();
    this.#meter = null;
  }

  #startMeter(): void {
    if (this.#meter) return;
    const levels = new AudioLevels();
    levels.set('local', this.devices.track('audio'));
    const timer = setInterval(() => {
      const meter = this.host.renderRoot.querySelector<HTMLElement>('[part~="mic-level"]');
      if (!meter) return;
      const level = this.joinMic ? levels.level('local') : 0;
      meter.style.setProperty('--level', level.toFixed(3));
      meter.setAttribute('aria-valuenow', String(Math.round(level * 100)));
    }, METER_INTERVAL);
    this.#meter = { levels, timer };
  }

  /** Sets what to join with, as the buttons do (a page's toggleMicrophone or toggleCamera before the call). */
  async choose(kind: 'audio' | 'video', on: boolean): Promise<void> {
    if ((kind === 'audio' ? this.joinMic : this.joinCam) !== on) await this.#toggle(kind);
  }

  async #toggle(kind: 'audio' | 'video'): Promise<void> {
    const on = kind === 'audio' ? (this.joinMic = !this.joinMic) : (this.joinCam = !this.joinCam);
    this.host.requestUpdate();
    const track = this.devices.track(kind);
    if (kind === 'audio' && track) track.enabled = on;
    // Off means off: the camera's light goes out, not just the picture.
    else if (!on) this.devices.drop(kind);
    // On again with none (unplugged during the preview, say; or switched off while waiting to be
    // let in, when the devices are there): asked for again.
    else if (this.preview === 'on' || this.#waiting()) {
      const replacing = this.devices.replace(kind);
      this.#starting = replacing.catch(() => {});
      const { track, problems } = await replacing;
      // None could be had (missing, blocked): off, as its button then says.
      if (!track && problems.length && (this.preview === 'on' || this.#waiting())) this.ended(kind);
      this.#asked(problems);
    }
  }

  /**
   * The browser's permission changed to allowed (the visitor unblocked the devices in its
   * settings, where no prompt comes again): the preview starts, or asks again for what was
   * blocked, switched on, as pressing its button would.
   */
  async allowed(): Promise<void> {
    if (this.host.phase !== 'idle' || !this.host.isConnected) return;
    if (this.preview === 'off') return this.startPreview();
    const kinds = [...this.#blocked].filter((kind) => !this.devices.track(kind));
    this.#blocked.clear();
    for (const kind of kinds) if (this.preview === 'on') await this.choose(kind, true);
  }

  /** Shows what the devices answered, and remembers what the browser blocked. */
  #asked(problems: MediaProblem[]): void {
    for (const p of problems) {
      if (p.type !== 'media-denied' || p.framed) continue;
      if (p.device !== 'camera') this.#blocked.add('audio');
      if (p.device !== 'microphone') this.#blocked.add('video');
    }
    this.problems(problems);
  }

  /** Plays a short tune through the speaker chosen (its code comes with the call's, which the join needs anyway). */
  #testSpeaker(): void {
    loadInCall()
      .then(({ testTune }) => testTune(this.devices.speaker))
      .catch(() => {}); // no tune: the chunk could not load, as the join will say
  }

  /** A device of the preview ended (unplugged, taken by another program): off, as the camera's button switches it off. */
  ended(kind: string): void {
    if (kind === 'audio') this.joinMic = false;
    else this.joinCam = false;
    this.host.requestUpdate();
  }

  /** Joining, with the devices there (a room that knocks keeps the page waiting; its buttons are shown). */
  #waiting(): boolean {
    return this.host.phase === 'joining' && !!this.devices.stream;
  }

  /** Resolves once a camera switched on in the preview is on: a join pressed meanwhile starts with it. */
  settled(): Promise<unknown> {
    return this.#starting;
  }

  #onNameInput(e: Event): void {
    this.typedName = (e.target as HTMLInputElement).value;
    this.host.requestUpdate();
    try {
      localStorage.setItem(NAME_KEY, this.typedName.trim());
    } catch {
      // Not remembered: the visitor types it again next time.
    }
  }

  render(v: LobbyView) {
    const { t, audioOnly } = v;
    const stream = this.devices.stream;
    const video = this.devices.track('video');
    const audio = this.devices.track('audio');
    const on = this.preview === 'on';
    // In a frame that does not allow the devices, no prompt will come: the lobby says why.
    const framedOut = blockedByEmbedder(audioOnly ? 'microphone' : 'camera and microphone');
    const prompt = framedOut
      ? t.mediaDeniedFramed(audioOnly ? 'microphone' : 'camera and microphone')
      : this.devices.permission === 'denied'
        ? ''
        : audioOnly
          ? t.promptComingAudio
          : t.promptComing;
    return html`<div part="lobby" class="lobby">
      <div part="preview" class="preview">
        ${video && !video.muted
          ? previewVideo(stream)
          : html`<div part="placeholder" class="placeholder">
              ${this.preview === 'starting'
                ? html`<p>${t.starting}</p>`
                : on
                  ? html`${avatar(v.displayName || t.you)}
                      ${audioOnly ? nothing : html`<p>${t.previewOff}</p>`}`
                  : html`<button part="button check-button" @click=${() => this.startPreview()}>
                        ${icon(audioOnly ? 'mic' : 'cam')}<span>${audioOnly ? t.checkMicrophone : t.checkDevices}</span>
                      </button>
                      ${prompt ? html`<p part="permission-hint" class="hint">${prompt}</p>` : nothing}`}
            </div>`}
        ${on
          ? html`<div class="preview-bar">
              ${audio
                ? html`<div part="mic-level" class="meter" role="meter" aria-label=${t.micLevel} aria-valuemin="0" aria-valuemax="100" aria-valuenow="0">
                    <span part="mic-level-bar" class="meter-bar"></span>
                  </div>`
                : nothing}
              ${toggleButton(t, 'audio', this.joinMic, !audio && !this.devices.devices.some((d) => d.kind === 'audioinput') ? t.noMicrophone : '', () => this.#toggle('audio'))}
              ${audioOnly ? nothing : toggleButton(t, 'video', this.joinCam, !video && !this.devices.devices.some((d) => d.kind === 'videoinput') ? t.noCamera : '', () => this.#toggle('video'))}
            </div>`
          : nothing}
      </div>
      <div part="lobby-form" class="form">
        ${v.name
          ? nothing
          : html`<label class="field"
              ><span>${t.yourName}</span
              ><input part="name-input" name="name" autocomplete="name" maxlength="64" .value=${live(this.typedName)} @input=${(e: Event) => this.#onNameInput(e)}
            /></label>`}
        ${on
          ? html`${deviceSelects(v, true)}
              <button part="button test-speaker-button" @click=${() => this.#testSpeaker()}>${icon('sound')}<span>${t.testSpeaker}</span></button>`
          : nothing}
        <button part="button join-button" class="primary" @click=${v.join} @pointerenter=${v.prepare} @pointerdown=${v.prepare} @focus=${v.prepare}>
          ${v.left ? t.joinAgain : t.joinCall}
        </button>
        <p class="hint">${t.lobbyHint}</p>
      </div>
    </div>`;
  }
}

/** The visitor's own camera, in the lobby and while waiting to be let in: mirrored, unless it faces away. */
export function previewVideo(stream: MediaStream | null) {
  return html`<video part="video preview-video" class=${facesAway(stream) ? 'facing-away' : ''} .srcObject=${live(stream)} .muted=${true} autoplay playsinline></video>`;
}
