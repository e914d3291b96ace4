import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { RoomController } from '../../controllers/room-controller.js';
import { acquireLocalMedia, stopStream } from '../../media/local-media.js';
import {
  ConfigError,
  DEFAULT_KEY,
  checkMaxParticipants,
  checkRoom,
  defaultServerUrl,
  parseIceServers,
  parseServerUrl,
} from '../../session/config.js';
import { createPeer } from '../../session/peer-factory.js';
import type { Participant, PeerFactory, RoomSessionOptions, SessionError } from '../../session/room-session.js';
import { RtcErrorEvent, type RtcErrorDetail, type RtcErrorType } from '../../events/error.js';
import { RtcJoinedEvent } from '../../events/joined.js';
import { RtcLeftEvent, type RtcLeftDetail } from '../../events/left.js';
import { RtcParticipantJoinedEvent } from '../../events/participant-joined.js';
import { RtcParticipantLeftEvent } from '../../events/participant-left.js';
import { callStyles } from './call.styles.js';

/** The phases of a call element, also exposed as custom states (`:state(in-call)`). */
export type CallPhase = 'idle' | 'joining' | 'in-call' | 'left' | 'error';

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
 * @csspart tile - One participant's tile; the local one also has `local-tile`.
 * @csspart local-tile - This page's own tile.
 * @csspart video - A tile's video; also `local-video` or `remote-video`.
 * @csspart local-video - The local preview (mirrored).
 * @csspart remote-video - A remote participant's video.
 * @csspart placeholder - Shown instead of a video that is off or missing.
 * @csspart name - A tile's name label.
 * @csspart mic-off - The sign on a tile whose microphone is off.
 * @csspart controls - The button bar.
 * @csspart button - Every button; also `join-button`, `leave-button`, `mic-button`, `camera-button`.
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
 * @fires {RtcJoinedEvent} rtc-joined - Joined the room. `detail: { room, id }`.
 * @fires {RtcLeftEvent} rtc-left - Left the room. `detail: { room, reason }`.
 * @fires {RtcParticipantJoinedEvent} rtc-participant-joined - Someone joined. `detail: { participant }`.
 * @fires {RtcParticipantLeftEvent} rtc-participant-left - Someone left. `detail: { participant, reason }`.
 * @fires {RtcErrorEvent} rtc-error - Something failed. `detail: { type, message, fatal }`.
 */
@customElement('rtc-call')
export class RtcCall extends LitElement {
  static override styles = callStyles;

  /** The room to join. People in the same room on the same server see each other. */
  @property({ reflect: true }) room = '';

  /**
   * The PeerServer's URL, such as `https://calls.example.com/peerjs`. When empty, the
   * server the script was loaded from (its origin plus `/peerjs`).
   */
  @property() server = '';

  /** The PeerServer's API key. */
  @property() key: string = 'peerjs';

  /** The display name others see. */
  @property() name = '';

  /**
   * STUN and TURN servers, as a JSON array of RTCIceServer objects in the attribute. Empty by
   * default: only direct connections (same machine or network). Calls across the internet need
   * at least a STUN server, and a TURN server for restrictive networks.
   */
  @property({ attribute: 'ice-servers' }) iceServers = '';

  /** The most people in the room, this page included; 0 for no limit. */
  @property({ attribute: 'max-participants' }) maxParticipants: number | string = 8;

  /** Join as soon as the element is on the page, without the join button. */
  @property({ type: Boolean, reflect: true }) autojoin = false;

  /** Join without the camera (the microphone only). */
  @property({ type: Boolean, attribute: 'audio-only' }) audioOnly = false;

  /** Creates PeerJS peers; replace it to wrap or instrument PeerJS. */
  @property({ attribute: false }) peerFactory: PeerFactory = createPeer;

  @state() private _phase: CallPhase = 'idle';
  @state() private _error: RtcErrorDetail | null = null;
  @state() private _notices: RtcErrorDetail[] = [];
  @state() private _localStream: MediaStream | null = null;
  @state() private _mic = false;
  @state() private _cam = false;
  @state() private _status = '';

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
    },
    () => void this.endCall('removed'),
  );
  private joining: Promise<void> | null = null;
  /** Bumped by every leave, so that a join still under way knows it was overtaken. */
  private generation = 0;

  constructor() {
    super();
    this.internals = this.attachInternals();
  }

  /** The call's phase: `idle`, `joining`, `in-call`, `left` or `error`. */
  get phase(): CallPhase {
    return this._phase;
  }

  /** The other participants, in the order they joined. */
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
    super.connectedCallback();
    if (this.autojoin && (this._phase === 'idle' || this._phase === 'left')) void this.join().catch(() => {});
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Moving to another room (or server) while in a call: leave, then join the new one.
    const target = (['room', 'server', 'key'] as const).some((k) => changed.has(k) && changed.get(k) !== undefined);
    if (target && (this._phase === 'in-call' || this._phase === 'joining')) {
      void this.endCall('user').then(() => this.join().catch(() => {}));
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
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

  /** Switches the microphone on or off (toggles without an argument). */
  toggleMicrophone(on: boolean = !this._mic): void {
    const tracks = this._localStream?.getAudioTracks() ?? [];
    if (!tracks.length) return;
    for (const t of tracks) t.enabled = on;
    this._mic = on;
    this.controller.session?.setMediaState({ mic: on });
    this.announce(on ? 'Microphone on' : 'Microphone off');
  }

  /** Switches the camera on or off (toggles without an argument). */
  toggleCamera(on: boolean = !this._cam): void {
    const tracks = this._localStream?.getVideoTracks() ?? [];
    if (!tracks.length) return;
    for (const t of tracks) t.enabled = on;
    this._cam = on;
    this.controller.session?.setMediaState({ cam: on });
    this.announce(on ? 'Camera on' : 'Camera off');
  }

  private sessionOptions(): RoomSessionOptions {
    return {
      room: checkRoom(this.room),
      server: parseServerUrl(this.server || defaultServerUrl(), this.key || DEFAULT_KEY),
      name: this.name.trim() || 'Guest',
      iceServers: parseIceServers(this.iceServers),
      maxParticipants: checkMaxParticipants(this.maxParticipants),
      peerFactory: this.peerFactory,
    };
  }

  private async runJoin(): Promise<void> {
    const generation = this.generation;
    this._error = null;
    this._notices = [];
    let options: RoomSessionOptions;
    try {
      options = this.sessionOptions();
    } catch (err) {
      const e = err as ConfigError;
      this.fail({ type: e.type ?? 'invalid-config', message: e.message, fatal: true });
      throw err;
    }
    this._phase = 'joining';
    this._status = 'Joining…';
    const session = this.controller.attach(options);
    // Devices and signalling in parallel: the camera prompt and the server answer overlap.
    const media = acquireLocalMedia({ audio: true, video: !this.audioOnly });
    const joined = session.join();
    joined.catch(() => {}); // awaited below, unless a leave overtakes this join
    try {
      const { stream, problems } = await media;
      if (generation !== this.generation) {
        stopStream(stream);
        return;
      }
      this._localStream = stream;
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
    this._phase = 'in-call';
    this._status = '';
    this.dispatchEvent(new RtcJoinedEvent({ room: session.room, id: session.id ?? '' }));
  }

  private async endCall(reason: RtcLeftDetail['reason']): Promise<void> {
    const wasActive = this._phase === 'in-call' || this._phase === 'joining';
    this.generation++;
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

  private onSessionError(error: SessionError): void {
    if (error.fatal) return; // join() reports fatal errors itself
    this.notice({ type: error.type as RtcErrorType, message: error.message, fatal: false });
  }

  private fail(detail: RtcErrorDetail): void {
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
          <span part="status">${this._phase === 'in-call' ? `${count} in call` : this._status}</span>
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

  private renderGrid() {
    const local = this._localStream;
    return html`<ul part="grid" aria-label="Participants">
      <li part="tile local-tile" data-peer-id="local">
        ${hasLiveVideo(local) && this._cam
          ? html`<video part="video local-video" .srcObject=${local} .muted=${true} autoplay playsinline></video>`
          : html`<div part="placeholder"><span class="avatar" aria-hidden="true">${initials(this.name || 'You')}</span></div>`}
        <span class="label"><span part="name">${this.name ? `${this.name} (you)` : 'You'}</span></span>
      </li>
      ${repeat(
        this.participants,
        (p) => p.id,
        (p) => html`<li part="tile" data-peer-id=${p.id}>
          ${p.stream
            ? html`<video part="video remote-video" .srcObject=${p.stream} autoplay playsinline></video>`
            : nothing}
          ${!p.stream || !p.cam || !hasLiveVideo(p.stream)
            ? html`<div part="placeholder"><span class="avatar" aria-hidden="true">${initials(p.name)}</span></div>`
            : nothing}
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

  private renderControls() {
    const hasMic = !!this._localStream?.getAudioTracks().length;
    const hasCam = !!this._localStream?.getVideoTracks().length;
    return html`<div part="controls" role="toolbar" aria-label="Call controls">
      <button part="button mic-button" aria-pressed=${this._mic} ?disabled=${!hasMic} @click=${() => this.toggleMicrophone()}>
        Microphone
      </button>
      <button part="button camera-button" aria-pressed=${this._cam} ?disabled=${!hasCam} @click=${() => this.toggleCamera()}>
        Camera
      </button>
      <button part="button leave-button" class="danger" @click=${() => this.leave()}>Leave</button>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rtc-call': RtcCall;
  }
}
