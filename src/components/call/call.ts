import { html, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { RoomController } from '../../controllers/room-controller.js';
import { acquireLocalMedia, listDevices, stopStream } from '../../media/local-media.js';
import type { LoadError } from '../../controllers/lazy.js';
import type { ConfigError } from '../../session/config.js';
import type { Participant, RoomSession, SessionError } from '../../session/room-session.js';
import { ALONE_PRIVATE, RoomElement } from '../room-element.js';
import { RtcErrorEvent, type RtcErrorDetail, type RtcErrorType } from '../../events/error.js';
import { RtcJoinedEvent } from '../../events/joined.js';
import { RtcLeftEvent, type RtcLeftDetail } from '../../events/left.js';
import { RtcParticipantJoinedEvent } from '../../events/participant-joined.js';
import { RtcParticipantLeftEvent } from '../../events/participant-left.js';
import { callStyles } from './call.styles.js';
import { VideoWatch } from './video-watch.js';

/** The phases of a call element, also exposed as custom states (`:state(in-call)`). */
export type CallPhase = 'idle' | 'joining' | 'in-call' | 'left' | 'error';

/**
 * How long, at most, an element that starts joining as it is attached waits before its first
 * render. The join's first steps (the signalling server's replies, the camera, the call's offer
 * or answer) need the page's main thread, and the first render and layout take 20–40 ms of it
 * on a 2-core machine, most of it one-time set-up (templates, fonts, the video element's
 * styles): done at once, it delays each of those steps (docs/benchmarks.md). So the first render
 * waits until the call is under way (this page's offer or answer has gone out), the page is
 * alone in the room, or the join failed; 100 ms at most, which still reads as instant.
 */
const FIRST_RENDER_DELAY = 100;

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return (words.length > 1 ? words[0][0] + words[words.length - 1][0] : (words[0] ?? '?').slice(0, 2)).toUpperCase();
}

function hasLiveVideo(stream: MediaStream | null): boolean {
  return !!stream?.getVideoTracks().some((t) => t.readyState === 'live');
}

/**
 * A multi-party audio and video call in a named room: everyone whose page shows an
 * `<rtc-call>` with the same `room` and `server` sees and hears everyone else.
 *
 * @summary A video call in a named room, peer to peer over WebRTC.
 * @tag rtc-call
 *
 * @csspart base - The element's frame.
 * @csspart header - The bar with the room name and the status line.
 * @csspart status - The status line: how many are in the call, or what is happening.
 * @csspart notice - A non-fatal problem, such as a blocked camera.
 * @csspart error - The panel shown when the call failed.
 * @csspart lobby - The panel shown before joining and after leaving.
 * @csspart grid - The grid of video tiles.
 * @csspart tile - One participant's tile; the local one also has `local-tile`. `data-connection` is `connected` or `reconnecting`.
 * @csspart local-tile - This page's own tile.
 * @csspart video - A tile's video; also `local-video` or `remote-video`.
 * @csspart local-video - The local preview (mirrored).
 * @csspart remote-video - A remote participant's video.
 * @csspart placeholder - Shown instead of a video that is off, missing, ended or frozen.
 * @csspart tile-status - "Reconnecting…" on a tile whose connection is being restored.
 * @csspart name - A tile's name label.
 * @csspart mic-off - The sign on a tile whose microphone is off.
 * @csspart controls - The button bar.
 * @csspart button - Every button; also `join-button`, `leave-button`, `mic-button`, `camera-button`.
 * @csspart device-select - A device picker (shown with two or more devices); also `microphone-select` or `camera-select`.
 *
 * @cssprop [--rtc-call-background=#101418] - Background of the element.
 * @cssprop [--rtc-call-foreground=#f3f5f7] - Text color.
 * @cssprop [--rtc-call-tile-background=#232a31] - Background of an empty tile.
 * @cssprop [--rtc-call-tile-radius=10px] - Corner radius of the element and tiles.
 * @cssprop [--rtc-call-gap=8px] - Space between tiles.
 * @cssprop [--rtc-call-accent=#2563eb] - Color of the join button and focus rings.
 * @cssprop [--rtc-call-danger=#b91c1c] - Color of the leave button.
 * @cssprop [--rtc-call-min-tile-width=220px] - Narrowest a tile may get before the grid wraps.
 *
 * @cssstate idle - Before joining: the join button shows.
 * @cssstate joining - Asking for devices and connecting.
 * @cssstate in-call - In the room.
 * @cssstate left - After leaving: the join-again button shows.
 * @cssstate error - The call failed; the message shows.
 *
 * @fires {RtcJoinedEvent} rtc-joined - Joined the room. `detail: { room, id }`.
 * @fires {RtcLeftEvent} rtc-left - Left the room. `detail: { room, reason }`.
 * @fires {RtcParticipantJoinedEvent} rtc-participant-joined - Someone joined. `detail: { participant }`.
 * @fires {RtcParticipantLeftEvent} rtc-participant-left - Someone left. `detail: { participant, reason }`.
 * @fires {RtcErrorEvent} rtc-error - Something failed. `detail: { type, message, fatal }`.
 */
export class RtcCall extends RoomElement {
  static override styles = callStyles;

  static override properties = {
    autojoin: { type: Boolean, reflect: true },
    audioOnly: { type: Boolean, attribute: 'audio-only' },
    _phase: { state: true },
    _error: { state: true },
    _notices: { state: true },
    _localStream: { state: true },
    _mic: { state: true },
    _cam: { state: true },
    _status: { state: true },
    _devices: { state: true },
    _stalled: { state: true },
  };

  /** Join as soon as the element is on the page, without the join button. */
  autojoin = false;

  /** Join without the camera (the microphone only). */
  audioOnly = false;

  private _phase: CallPhase = 'idle';
  private _error: RtcErrorDetail | null = null;
  private _notices: RtcErrorDetail[] = [];
  private _localStream: MediaStream | null = null;
  private _mic = false;
  private _cam = false;
  private _status = '';
  private _devices: MediaDeviceInfo[] = [];
  private _stalled = new Set<string>();

  private readonly internals: ElementInternals;
  private readonly controller = new RoomController(
    this,
    {
      participantJoined: (participant) => {
        this.announce(`${participant.name} joined`);
        this.dispatchEvent(new RtcParticipantJoinedEvent({ participant }));
      },
      participantLeft: (participant, reason) => {
        this.announce(`${participant.name} left`);
        this.dispatchEvent(new RtcParticipantLeftEvent({ participant, reason }));
      },
      error: (error) => this.onSessionError(error),
      signalling: (state) => this.onSignalling(state),
      calling: () => this.firstRender?.release(),
    },
    () => void this.endCall('removed'),
    // The call's people: a member who only has the chat open, or who left the call and kept
    // the chat, shares the page's session but is not in the call.
    { roster: (p) => p.media },
  );
  private joining: Promise<void> | null = null;
  /** Remote videos that stopped (camera off, unplugged, frozen) show a placeholder within 2 s. */
  private readonly videoWatch = new VideoWatch(1_500);
  private videoCheck: ReturnType<typeof setInterval> | null = null;
  /** Bumped by every leave, so that a join still under way knows it was overtaken. */
  private generation = 0;
  /** Settles when the first render may go ahead (see FIRST_RENDER_DELAY); null once it has. */
  private firstRender: { promise: Promise<void>; release: () => void } | null = null;

  constructor() {
    super();
    this.internals = this.attachInternals();
  }

  /** The call's phase: `idle`, `joining`, `in-call`, `left` or `error`. */
  get phase(): CallPhase {
    return this._phase;
  }

  /** The other participants in the call, in the order they joined (not those with only the chat). */
  get participants(): readonly Participant[] {
    return this.controller.participants;
  }

  /** This page's peer id in the room, while joined. */
  get peerId(): string | null {
    return this._phase === 'in-call' ? (this.controller.session?.id ?? null) : null;
  }

  /** This page's camera and microphone, while joined (null when receive-only). */
  get localStream(): MediaStream | null {
    return this._localStream;
  }

  /** Whether the microphone is on. */
  get microphoneOn(): boolean {
    return this._mic;
  }

  /** Whether the camera is on. */
  get cameraOn(): boolean {
    return this._cam;
  }

  override connectedCallback(): void {
    if (this.autojoin && !this.hasUpdated && !this.firstRender) {
      let release!: () => void;
      const promise = new Promise<void>((resolve) => (release = resolve));
      const timer = setTimeout(release, FIRST_RENDER_DELAY);
      this.firstRender = { promise, release: () => (clearTimeout(timer), release()) };
    }
    super.connectedCallback();
    if (this.autojoin && (this._phase === 'idle' || this._phase === 'left')) void this.join().catch(() => {});
  }

  protected override async scheduleUpdate(): Promise<void> {
    if (this.firstRender) {
      await this.firstRender.promise;
      this.firstRender = null;
    }
    super.scheduleUpdate();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Moving to another room (or server) while in a call: leave, then join the new one.
    if (this.movesRoom(changed) && (this._phase === 'in-call' || this._phase === 'joining')) {
      void this.endCall('user').then(() => this.join().catch(() => {}));
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (this._phase === 'in-call' && !this.videoCheck) {
      this.videoCheck = setInterval(() => this.checkVideos(), 250);
    } else if (this._phase !== 'in-call' && this.videoCheck) {
      clearInterval(this.videoCheck);
      this.videoCheck = null;
    }
    if (changed.has('_phase' as keyof RtcCall)) {
      const states = this.internals.states;
      for (const s of ['idle', 'joining', 'in-call', 'left', 'error']) states.delete(s);
      states.add(this._phase);
    }
  }

  /**
   * Joins the room: asks for the camera and microphone and connects to the others.
   * Resolves when joined; rejects with the error also shown in the element and sent as
   * `rtc-error`. Missing or blocked devices do not fail the join: it goes on audio-only or
   * receive-only and says so.
   */
  join(): Promise<void> {
    if (this._phase === 'in-call') return Promise.resolve();
    this.joining ??= this.runJoin().finally(() => (this.joining = null));
    return this.joining;
  }

  /** Leaves the room, stops the camera and microphone, and closes every connection. */
  async leave(): Promise<void> {
    await this.endCall('user');
  }

  /**
   * Switches the microphone on or off (toggles without an argument). Switching on a microphone
   * that was missing, blocked or unplugged asks for one again.
   */
  async toggleMicrophone(on: boolean = !this._mic): Promise<void> {
    await this.setDeviceOn('audio', on);
  }

  /**
   * Switches the camera on or off (toggles without an argument). Switching on a camera that
   * was missing, blocked or unplugged asks for one again.
   */
  async toggleCamera(on: boolean = !this._cam): Promise<void> {
    await this.setDeviceOn('video', on);
  }

  /**
   * Uses another microphone or camera, by its `deviceId` from
   * `navigator.mediaDevices.enumerateDevices()`. The call goes on: the new track replaces the
   * old one in every connection, without renegotiation.
   */
  async switchDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void> {
    await this.acquireTrack(kind === 'audioinput' ? 'audio' : 'video', deviceId);
  }

  private async setDeviceOn(kind: 'audio' | 'video', on: boolean): Promise<void> {
    if (this._phase !== 'in-call') return;
    const tracks = (this._localStream?.getTracks() ?? []).filter((t) => t.kind === kind && t.readyState === 'live');
    if (on && tracks.length === 0) return this.acquireTrack(kind);
    for (const t of tracks) t.enabled = on;
    this.setOn(kind, on);
  }

  private setOn(kind: 'audio' | 'video', on: boolean): void {
    if (kind === 'audio') this._mic = on;
    else this._cam = on;
    this.controller.session?.setMediaState({ mic: this._mic, cam: this._cam });
    this.announce(`${kind === 'audio' ? 'Microphone' : 'Camera'} ${on ? 'on' : 'off'}`);
  }

  /** Gets a (new) track of one kind and puts it in place of the old one, in the preview and the calls. */
  private async acquireTrack(kind: 'audio' | 'video', deviceId?: string): Promise<void> {
    const generation = this.generation;
    const wish = kind === 'audio' ? { audio: true, video: false, audioDevice: deviceId } : { audio: false, video: true, videoDevice: deviceId };
    const { stream, problems } = await acquireLocalMedia(wish);
    if (generation !== this.generation || this._phase !== 'in-call') {
      stopStream(stream);
      return;
    }
    for (const problem of problems) this.notice({ type: problem.type, message: problem.message, fatal: false });
    const track = stream?.getTracks()[0];
    if (!track) return;
    const previous = this._localStream?.getTracks() ?? [];
    const wasOn = kind === 'audio' ? this._mic : this._cam;
    // A device switch keeps the mute state; switching on a missing device turns it on.
    track.enabled = deviceId && previous.some((t) => t.kind === kind) ? wasOn : true;
    this.useLocalStream(new MediaStream([...previous.filter((t) => t.kind !== kind), track]));
    for (const old of previous) if (old.kind === kind) old.stop();
    this._notices = this._notices.filter((n) => !(n.type === 'media-ended' && n.message.includes(kind === 'audio' ? 'microphone' : 'camera')));
    this.setOn(kind, track.enabled);
    void this.refreshDevices();
  }

  /** Makes `stream` the local media: preview, calls, and the watch for unplugged devices. */
  private useLocalStream(stream: MediaStream | null): void {
    this._localStream = stream;
    this.watchTracks(stream);
    this.controller.session?.setLocalStream(stream);
  }

  /** Listens for the browser ending a local track (device unplugged or taken). */
  private watchTracks(stream: MediaStream | null): void {
    for (const track of stream?.getTracks() ?? []) {
      track.addEventListener('ended', () => this.onLocalTrackEnded(track), { once: true });
    }
  }

  /** A device was unplugged or taken by another program (not a stop() of ours: that fires no event). */
  private onLocalTrackEnded(track: MediaStreamTrack): void {
    const stream = this._localStream;
    if (!stream?.getTracks().includes(track) || this._phase !== 'in-call') return;
    const device = track.kind === 'audio' ? 'microphone' : 'camera';
    this.useLocalStream(new MediaStream(stream.getTracks().filter((t) => t !== track)));
    this.setOn(track.kind as 'audio' | 'video', false);
    this.notice({
      type: 'media-ended',
      message: `Your ${device} stopped: it was unplugged or another program took it. Press ${device === 'camera' ? 'Camera' : 'Microphone'} to try again.`,
      fatal: false,
    });
  }

  private readonly onDeviceChange = () => void this.refreshDevices();

  private async refreshDevices(): Promise<void> {
    const devices = await listDevices();
    this._devices = devices.filter((d) => d.kind === 'audioinput' || d.kind === 'videoinput');
  }

  private async runJoin(): Promise<void> {
    const generation = this.generation;
    this._error = null;
    this._notices = [];
    this._phase = 'joining';
    this._status = 'Joining…';
    // Devices, the session layer's code and then signalling, in parallel: the camera prompt
    // overlaps the load and the server's answers, and calls that arrive meanwhile are answered
    // once the devices are there.
    const media = acquireLocalMedia({ audio: true, video: !this.audioOnly });
    const dropMedia = () => void media.then(({ stream }) => stopStream(stream));
    let session: RoomSession;
    try {
      const lib = await this.controller.load();
      if (generation !== this.generation) return dropMedia(); // a leave overtook this join
      session = this.controller.attach(this.sessionOptions(lib));
    } catch (err) {
      dropMedia();
      if (generation !== this.generation) return;
      const e = err as Partial<ConfigError | LoadError>;
      this.fail({ type: e.type ?? 'network', message: e.message ?? String(err), fatal: true });
      throw err;
    }
    session.expectMedia();
    const joined = session.join();
    joined.catch(() => {}); // awaited below, unless a leave overtakes this join
    try {
      const { stream, problems } = await media;
      if (generation !== this.generation) {
        stopStream(stream);
        return;
      }
      this._localStream = stream;
      this.watchTracks(stream);
      this._mic = !!stream?.getAudioTracks().length;
      this._cam = !!stream?.getVideoTracks().length;
      for (const problem of problems) {
        const fallback = !stream
          ? ' You joined without camera and microphone: you can still see and hear the others.'
          : this._cam
            ? ''
            : ' You joined with your microphone only.';
        this.notice({ type: problem.type, message: problem.message + fallback, fatal: false });
      }
      session.enableMedia(stream);
      await joined;
    } catch (err) {
      if (generation !== this.generation) return;
      const e = err as SessionError;
      stopStream(this._localStream);
      this._localStream = null;
      await this.controller.detach();
      this.fail({ type: (e.type as RtcErrorType) ?? 'network', message: e.message, fatal: true });
      throw err;
    }
    if (generation !== this.generation) return;
    if (session.holdsBeacon) this.firstRender?.release(); // alone in the room: nothing to wait for
    this._phase = 'in-call';
    this._status = '';
    navigator.mediaDevices?.addEventListener('devicechange', this.onDeviceChange);
    void this.refreshDevices();
    this.dispatchEvent(new RtcJoinedEvent({ room: session.room, id: session.id ?? '' }));
  }

  private async endCall(reason: RtcLeftDetail['reason']): Promise<void> {
    const wasActive = this._phase === 'in-call' || this._phase === 'joining';
    this.generation++;
    navigator.mediaDevices?.removeEventListener('devicechange', this.onDeviceChange);
    stopStream(this._localStream);
    this._localStream = null;
    this._mic = this._cam = false;
    const session = this.controller.session;
    // Another element (a chat) may keep the session: stop only this element's media.
    session?.disableMedia();
    await this.controller.detach();
    if (!wasActive) return;
    this._phase = 'left';
    this._status = 'You left the call.';
    this.dispatchEvent(new RtcLeftEvent({ room: session?.room ?? this.room, reason }));
  }

  private onSignalling(state: 'connected' | 'reconnecting'): void {
    if (state === 'reconnecting') {
      this.notice({
        type: 'disconnected',
        message: 'Lost the connection to the call server. The call goes on; reconnecting…',
        fatal: false,
      });
    } else {
      this._notices = this._notices.filter((n) => n.type !== 'disconnected');
      this.announce('Reconnected to the call server');
    }
  }

  private onSessionError(error: SessionError): void {
    if (error.fatal) return; // join() reports fatal errors itself
    this.notice({ type: error.type as RtcErrorType, message: error.message, fatal: false });
  }

  private fail(detail: RtcErrorDetail): void {
    this.firstRender?.release(); // an error shows at once
    this._phase = 'error';
    this._error = detail;
    this._status = '';
    this.dispatchEvent(new RtcErrorEvent(detail));
  }

  private notice(detail: RtcErrorDetail): void {
    this._notices = [...this._notices.filter((n) => n.message !== detail.message), detail];
    this.dispatchEvent(new RtcErrorEvent(detail));
  }

  private announce(text: string): void {
    this._status = text;
  }

  private dismiss(notice: RtcErrorDetail): void {
    this._notices = this._notices.filter((n) => n !== notice);
  }

  protected override render() {
    const count = this.participants.length + (this._phase === 'in-call' ? 1 : 0);
    return html`
      <div part="base" class="base" role="region" aria-label=${`Video call${this.room ? `: ${this.room}` : ''}`}>
        <div part="header">
          <span class="room" title=${this.room}>${this.room}</span>
          <span part="status">${this._phase === 'in-call' ? (count === 1 && this.password ? ALONE_PRIVATE : `${count} in call`) : this._status}</span>
          <span class="visually-hidden" role="status">${this._status}</span>
        </div>
        ${this._notices.map(
          (n) => html`<div part="notice" role="alert">
            <p>${n.message}</p>
            <button part="button dismiss-button" class="dismiss" aria-label="Dismiss" @click=${() => this.dismiss(n)}>
              ✕
            </button>
          </div>`,
        )}
        ${this.renderMain()}
      </div>
    `;
  }

  private renderMain() {
    switch (this._phase) {
      case 'error':
        return html`<div part="error" role="alert">
          <p>${this._error?.message}</p>
          ${this._error?.type === 'invalid-config'
            ? nothing
            : html`<button part="button join-button" class="primary" @click=${() => this.join().catch(() => {})}>
                Try again
              </button>`}
        </div>`;
      case 'idle':
      case 'left':
        return html`<div part="lobby">
          <button part="button join-button" class="primary" @click=${() => this.join().catch(() => {})}>
            ${this._phase === 'left' ? 'Join again' : 'Join call'}
          </button>
        </div>`;
      default:
        return html`${this.renderGrid()} ${this.renderControls()}`;
    }
  }

  private checkVideos(): void {
    const stalled = new Set<string>();
    for (const video of this.renderRoot.querySelectorAll<HTMLVideoElement>('video[part~="remote-video"]')) {
      const id = video.closest('[data-peer-id]')?.getAttribute('data-peer-id');
      if (id && !this.videoWatch.isLive(video)) stalled.add(id);
    }
    if (stalled.size !== this._stalled.size || [...stalled].some((id) => !this._stalled.has(id))) this._stalled = stalled;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.videoCheck) clearInterval(this.videoCheck);
    this.videoCheck = null;
  }

  private renderGrid() {
    // `live()`: Lit sets an object-valued property again on every render, and setting
    // `srcObject`, even to the same stream, restarts the video (blank frames, a gap in the sound).
    const local = this._localStream;
    return html`<ul part="grid" aria-label="Participants">
      <li part="tile local-tile" data-peer-id="local">
        ${hasLiveVideo(local) && this._cam
          ? html`<video part="video local-video" .srcObject=${live(local)} .muted=${true} autoplay playsinline></video>`
          : html`<div part="placeholder"><span class="avatar" aria-hidden="true">${initials(this.name || 'You')}</span></div>`}
        <span class="label"><span part="name">${this.name ? `${this.name} (you)` : 'You'}</span></span>
      </li>
      ${repeat(
        this.participants,
        (p) => p.id,
        (p) => html`<li part="tile" data-peer-id=${p.id} data-connection=${p.connection}>
          ${p.stream
            ? html`<video part="video remote-video" .srcObject=${live(p.stream)} autoplay playsinline></video>`
            : nothing}
          ${!p.stream || !p.cam || !hasLiveVideo(p.stream) || this._stalled.has(p.id)
            ? html`<div part="placeholder"><span class="avatar" aria-hidden="true">${initials(p.name)}</span></div>`
            : nothing}
          ${p.connection === 'reconnecting' ? html`<span part="tile-status" role="status">Reconnecting…</span>` : nothing}
          <span class="label"
            ><span part="name">${p.name}</span
            >${p.media && !p.mic
              ? html`<span part="mic-off" role="img" aria-label="microphone off" title="Microphone off">🔇</span>`
              : nothing}</span
          >
        </li>`,
      )}
    </ul>`;
  }

  /** A device picker, shown when there is more than one device of the kind to choose from. */
  private renderDeviceSelect(kind: 'audioinput' | 'videoinput', label: string) {
    const devices = this._devices.filter((d) => d.kind === kind && d.deviceId);
    if (devices.length < 2) return nothing;
    const current = this._localStream
      ?.getTracks()
      .find((t) => t.kind === (kind === 'audioinput' ? 'audio' : 'video'))
      ?.getSettings().deviceId;
    return html`<select
      part="device-select ${kind === 'audioinput' ? 'microphone-select' : 'camera-select'}"
      aria-label=${label}
      @change=${(e: Event) => this.switchDevice(kind, (e.target as HTMLSelectElement).value)}
    >
      ${devices.map(
        (d, i) => html`<option value=${d.deviceId} ?selected=${d.deviceId === current}>${d.label || `${label} ${i + 1}`}</option>`,
      )}
    </select>`;
  }

  private renderControls() {
    const canMic = !!this._localStream?.getAudioTracks().length || this._devices.some((d) => d.kind === 'audioinput');
    const canCam =
      !this.audioOnly && (!!this._localStream?.getVideoTracks().length || this._devices.some((d) => d.kind === 'videoinput'));
    return html`<div part="controls" role="toolbar" aria-label="Call controls">
      <button part="button mic-button" aria-pressed=${this._mic} ?disabled=${!canMic} @click=${() => this.toggleMicrophone()}>
        Microphone
      </button>
      <button part="button camera-button" aria-pressed=${this._cam} ?disabled=${!canCam} @click=${() => this.toggleCamera()}>
        Camera
      </button>
      ${this.renderDeviceSelect('audioinput', 'Microphone')} ${canCam ? this.renderDeviceSelect('videoinput', 'Camera') : nothing}
      <button part="button leave-button" class="danger" @click=${() => this.leave()}>Leave</button>
    </div>`;
  }
}

customElements.define('rtc-call', RtcCall);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-call': RtcCall;
  }
}
