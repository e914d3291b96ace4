import { html, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import { RoomController } from '../../controllers/room-controller.js';
import { DevicesController, canChooseSpeaker } from '../../controllers/devices.js';
import { AudioLevels } from '../../media/audio-level.js';
import { blockedByEmbedder, stopStream, type MediaProblem } from '../../media/local-media.js';
import { lazy, type LoadError, type SessionModule } from '../../controllers/lazy.js';
import type { ConfigError } from '../../session/config.js';
import type { SessionRequest } from '../../session/registry.js';
import type { Participant, RoomSession, SessionError } from '../../session/room-session.js';
import { Announcer } from '../announcer.js';
import { RoomElement } from '../room-element.js';
import type { Strings } from '../../i18n/en.js';
import { problemText, configProblem, type Problem } from '../../i18n/errors.js';
import { english } from '../../i18n/localizer.js';
import { RtcErrorEvent, type RtcErrorDetail, type RtcErrorType } from '../../events/error.js';
import { RtcJoinedEvent } from '../../events/joined.js';
import { RtcLeftEvent, type RtcLeftDetail } from '../../events/left.js';
import { RtcParticipantJoinedEvent } from '../../events/participant-joined.js';
import { RtcParticipantLeftEvent } from '../../events/participant-left.js';
import { RtcConnectionQualityEvent } from '../../events/connection-quality.js';
import type { ParticipantStats, Quality, QualityWatch, WatchedPeer } from '../../media/quality.js';
import { callStyles } from './call.styles.js';
import { icon, signal } from './icons.js';
import { SHORTCUTS, shortcutOf } from './keyboard.js';
import { gridLayout, speakerLayout, type Rect } from './layout.js';
import type { CallAudio } from './speaker.js';
import { VideoWatch } from './video-watch.js';

/** The phases of a call element, also exposed as custom states (`:state(in-call)`). */
export type CallPhase = 'idle' | 'joining' | 'in-call' | 'left' | 'error';

/** The theme attribute's values; without it the element follows the system's setting. */
export type CallTheme = 'light' | 'dark';

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

/** Where a name typed in the lobby is kept for the next visit (same origin). */
const NAME_KEY = 'rtc-elements:name';

/** How often audio levels are read: often enough for a meter and a speaker highlight to feel live. */
const METER_INTERVAL = 100;
const SPEAKER_INTERVAL = 100;
/** How long "You're muted" stays after the visitor stopped speaking. */
const MUTED_HINT_MS = 3_000;
/** How often the connections' statistics are read for the quality signs. */
const STATS_INTERVAL = 2_000;

/** The connection-quality judge (media/quality.ts): a chunk of its own, loaded after the join. */
const loadQuality = lazy(() => import('../../media/quality.js'));

/** One letter per word, the first and the last word's ("Ada Lovelace": AL; "Bob": B). */
function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = (word = '?') => [...word][0];
  return (words.length > 1 ? first(words[0]) + first(words[words.length - 1]) : first(words[0])).toUpperCase();
}

function hasLiveVideo(stream: MediaStream | null): boolean {
  return !!stream?.getVideoTracks().some((t) => t.readyState === 'live');
}

function storedName(): string {
  try {
    return localStorage.getItem(NAME_KEY) ?? '';
  } catch {
    return ''; // storage blocked (a sandboxed frame, strict privacy settings)
  }
}

/** One tile of the stage: a person, or the card that invites others while alone. */
type Tile = { id: string; participant?: Participant; screen?: MediaStream };

/** What a visitor in the call presses to try a device again (they are in: not "join again"). */
const pressAgain = (device: MediaProblem['device'], t: Strings = english) =>
  device === 'microphone' ? t.pressAgain('audio') : device === 'camera' ? t.pressAgain('video') : t.pressBothAgain;

/** Screens can be shared where the browser has getDisplayMedia (not on most phones). */
const canShareScreen = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getDisplayMedia;

/**
 * A multi-party audio and video call in a named room: everyone whose page shows an
 * `<rtc-call>` with the same `room` and `server` sees and hears everyone else.
 *
 * It fills the box the page gives it (unsized, it is as wide as its container and 3/4 as tall,
 * at least 360 px) and never overflows it: the tiles are arranged in the columns and rows that
 * make them largest, or one large with the others in a strip (speaker view, or a pinned tile).
 *
 * Keyboard shortcuts, in a call, while focus is inside the element (not in a text field or a
 * picker, so they never take a key from the page): **M** mutes or unmutes, **V** turns the
 * camera off or on, **S** starts or stops sharing the screen, **Shift+L** leaves. The buttons
 * name them in their tooltips and `aria-keyshortcuts`. After joining, focus moves to the
 * Mute button; after leaving, to the Join button. Joins, leaves and problems are read out
 * politely to screen readers (a visually hidden `aria-live` region; bursts come as one).
 *
 * @summary A video call in a named room, peer to peer over WebRTC.
 * @tag rtc-call
 *
 * @csspart base - The element's frame.
 * @csspart header - The bar with the room name and the status line.
 * @csspart room-name - The room's name (cut short with an ellipsis when long).
 * @csspart status - The status line: how many are in the call, or what is happening.
 * @csspart notice - A non-fatal problem, such as a blocked camera.
 * @csspart dismiss-button - The button that closes a notice.
 * @csspart error - The panel shown when the call failed.
 * @csspart lobby - The panel shown before joining and after leaving.
 * @csspart preview - The lobby's camera preview, or the button that starts it.
 * @csspart preview-video - The lobby's live camera picture (mirrored).
 * @csspart check-button - The lobby's "Check camera and microphone" button.
 * @csspart permission-hint - The lobby's line about the browser's permission prompt.
 * @csspart mic-level - The lobby's microphone level meter; its bar is `mic-level-bar`.
 * @csspart mic-level-bar - The filled part of the meter, scaled by the level.
 * @csspart lobby-form - The lobby's name field, device pickers and join button.
 * @csspart name-input - The lobby's name field (shown when the page set no `name`).
 * @csspart grid - The stage holding the video tiles.
 * @csspart tile - One participant's tile; also `local-tile` for this page's own, `speaking-tile` while its person speaks, `pinned-tile` when pinned. `data-connection` is `connected` or `reconnecting`.
 * @csspart local-tile - This page's own tile.
 * @csspart speaking-tile - The active speaker's tile.
 * @csspart pinned-tile - The pinned tile.
 * @csspart video - A tile's video; also `local-video` or `remote-video`.
 * @csspart local-video - The local preview (mirrored).
 * @csspart remote-video - A remote participant's video.
 * @csspart placeholder - Shown instead of a video that is off, missing, ended or frozen.
 * @csspart avatar - The initials on a placeholder.
 * @csspart tile-status - "Reconnecting…" on a tile whose connection is being restored.
 * @csspart label - A tile's label: the name and the muted sign.
 * @csspart name - A tile's name.
 * @csspart mic-off - The sign on a tile whose microphone is off (this page's own included).
 * @csspart quality - The connection-quality sign on a remote tile (signal bars named for screen readers); `data-quality` is `good` (not shown), `weak` or `bad`.
 * @csspart tile-actions - A tile's buttons: `pin-button`, `fullscreen-button`, `pip-button`.
 * @csspart alone - The card shown while nobody else is in the call, with `copy-link-button`.
 * @csspart muted-notice - "You're muted", shown when the visitor speaks with the microphone off.
 * @csspart controls - The button bar.
 * @csspart settings - The panel of device pickers opened by `settings-button`.
 * @csspart screen-tile - A shared screen's tile (also `tile`), shown large beside the cameras.
 * @csspart screen-video - A shared screen's video.
 * @csspart button - Every button; also `join-button`, `leave-button`, `mic-button`, `camera-button`, `screen-button`, `settings-button`, `view-button`, `fullscreen-button`, `pin-button`, `pip-button`, `copy-link-button`, `check-button`, `dismiss-button`.
 * @csspart device-select - A device picker; also `microphone-select`, `camera-select` or `speaker-select`.
 *
 * @cssprop [--rtc-call-background=#101418 (light: #f8fafc)] - Background of the element.
 * @cssprop [--rtc-call-foreground=#f3f5f7 (light: #0f172a)] - Text color.
 * @cssprop [--rtc-call-muted-foreground=#b4bcc6 (light: #475569)] - Color of secondary text (the status line, hints).
 * @cssprop [--rtc-call-tile-background=#232a31 (light: #e2e8f0)] - Background of an empty tile and the lobby's preview.
 * @cssprop [--rtc-call-avatar-background=#4b5563 (light: #64748b)] - Background of a placeholder's initials.
 * @cssprop [--rtc-call-avatar-foreground=#ffffff] - Color of a placeholder's initials.
 * @cssprop [--rtc-call-label-background=rgb(0 0 0 / 70%)] - Background of the name labels and tile buttons over videos.
 * @cssprop [--rtc-call-label-foreground=#ffffff] - Text color of the name labels and tile buttons.
 * @cssprop [--rtc-call-button-background=#374151 (light: #e2e8f0)] - Background of a button.
 * @cssprop [--rtc-call-button-foreground=#f3f5f7 (light: #0f172a)] - Text color of a button.
 * @cssprop [--rtc-call-off-background=#991b1b] - Background of the microphone and camera buttons while off.
 * @cssprop [--rtc-call-off-foreground=#ffffff] - Text color of those buttons while off.
 * @cssprop [--rtc-call-accent=#2563eb (light: #1d4ed8)] - Color of the join button, the meter, focus rings and the speaker's outline.
 * @cssprop [--rtc-call-accent-foreground=#ffffff] - Text color on the accent color.
 * @cssprop [--rtc-call-danger=#b91c1c] - Color of the leave button.
 * @cssprop [--rtc-call-danger-foreground=#ffffff] - Text color on the danger color.
 * @cssprop [--rtc-call-notice-background=#3f3a1d (light: #fef3c7)] - Background of a notice.
 * @cssprop [--rtc-call-notice-foreground=#fff7cc (light: #713f12)] - Text color of a notice.
 * @cssprop [--rtc-call-status-background=#78350f] - Background of a tile's "Reconnecting…".
 * @cssprop [--rtc-call-quality-weak=#fbbf24] - Color of the connection-quality sign when weak.
 * @cssprop [--rtc-call-quality-bad=#f87171] - Color of the connection-quality sign when bad.
 * @cssprop [--rtc-call-field-background=#1f2937 (light: #ffffff)] - Background of the name field and device pickers.
 * @cssprop [--rtc-call-border=#6b7280 (light: #64748b)] - Border color of the name field and device pickers.
 * @cssprop [--rtc-call-radius=10px] - Corner radius of the element.
 * @cssprop [--rtc-call-tile-radius=10px] - Corner radius of tiles and panels.
 * @cssprop [--rtc-call-button-radius=999px] - Corner radius of buttons and pickers.
 * @cssprop [--rtc-call-gap=8px] - Space between tiles, and around them.
 * @cssprop [--rtc-call-font=14px/1.4 system-ui, sans-serif] - The font (the `font` shorthand).
 * @cssprop [--rtc-call-aspect-ratio=4 / 3] - The element's shape when the page gives it no height.
 * @cssprop [--rtc-call-min-height=360px] - The least height the element takes when the page gives it none.
 *
 * @cssstate idle - Before joining: the lobby shows.
 * @cssstate joining - Asking for devices and connecting.
 * @cssstate in-call - In the room.
 * @cssstate left - After leaving: the lobby shows again, with a join-again button.
 * @cssstate error - The call failed; the message shows.
 *
 * @fires {RtcJoinedEvent} rtc-joined - Joined the room. `detail: { room, id }`.
 * @fires {RtcLeftEvent} rtc-left - Left the room. `detail: { room, reason }`.
 * @fires {RtcParticipantJoinedEvent} rtc-participant-joined - Someone joined. `detail: { participant }`.
 * @fires {RtcParticipantLeftEvent} rtc-participant-left - Someone left. `detail: { participant, reason }`.
 * @fires {RtcErrorEvent} rtc-error - Something failed. `detail: { type, message, fatal }`.
 * @fires {RtcConnectionQualityEvent} rtc-connection-quality - The quality of the connection with someone changed (and once when first judged). `detail: { participant, quality, stats }`: `quality` is `good`, `weak` or `bad`, `stats` the figures of a `getStats()` entry.
 */
export class RtcCall extends RoomElement {
  static override styles = callStyles;

  static override properties = {
    autojoin: { type: Boolean, reflect: true },
    audioOnly: { type: Boolean, attribute: 'audio-only' },
    noScreenShare: { type: Boolean, attribute: 'no-screen-share' },
    theme: { reflect: true },
    _screen: { state: true },
    _phase: { state: true },
    _error: { state: true },
    _notices: { state: true },
    _mic: { state: true },
    _cam: { state: true },
    _status: { state: true },
    _stalled: { state: true },
    _box: { state: true },
    _pinned: { state: true },
    _view: { state: true },
    _fullscreen: { state: true },
    _speaker: { state: true },
    _mutedHint: { state: true },
    _settings: { state: true },
    _preview: { state: true },
    _joinMic: { state: true },
    _joinCam: { state: true },
    _typedName: { state: true },
    _copied: { state: true },
    _quality: { state: true },
  };

  /** Join as soon as the element is on the page, without the lobby. */
  autojoin = false;

  /** Join without the camera (the microphone only). */
  audioOnly = false;

  /** Switches screen sharing off: no Share screen button, and `toggleScreenShare()` does nothing. */
  noScreenShare = false;

  /** The screen this page shares, while it shares one. */
  private _screen: MediaStream | null = null;

  /** `light` or `dark`; unset (the default), the element follows the system's colour scheme. */
  theme?: CallTheme;

  private _phase: CallPhase = 'idle';
  private _error: RtcErrorDetail | null = null;
  private _notices: RtcErrorDetail[] = [];
  private _mic = false;
  private _cam = false;
  private _status = '';
  private _stalled = new Set<string>();
  /** The size of the stage the tiles share, measured by a ResizeObserver. */
  private _box = { width: 0, height: 0 };
  /** The tile the visitor pinned (a peer id, or `local`): shown large. */
  private _pinned: string | null = null;
  /** `speaker`: one tile large, the others in a strip. */
  private _view: 'grid' | 'speaker' = 'grid';
  private _fullscreen = false;
  /** Who speaks now (a peer id, or `local`), from the audio levels. */
  private _speaker: string | null = null;
  /** Who spoke last: the large tile of the speaker view. */
  private lastSpeaker: string | null = null;
  private _mutedHint = false;
  private mutedHintUntil = 0;
  private _settings = false;
  /** The lobby's preview: not asked for yet, starting, or showing. */
  private _preview: 'off' | 'starting' | 'on' = 'off';
  private _joinMic = true;
  private _joinCam = true;
  private _typedName = storedName();
  private _copied: '' | 'copied' | 'failed' = '';
  /** The connection quality shown on each remote tile, by peer id. */
  private _quality: ReadonlyMap<string, Quality> = new Map();

  private readonly internals: ElementInternals;
  private readonly controller = new RoomController(
    this,
    {
      participantJoined: (participant) => {
        this.announce(this.t.joined(participant.name));
        this.dispatchEvent(new RtcParticipantJoinedEvent({ participant }));
      },
      participantLeft: (participant, reason) => {
        this.announce(this.t.left(participant.name));
        if (this._pinned === participant.id) this._pinned = null;
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
  private readonly devices = new DevicesController(this, { trackEnded: (track) => this.onLocalTrackEnded(track) });
  private readonly announcer = new Announcer(this, (count) => this.t.more(count));
  /** The problems reported as `rtc-error` in this call (type and message): each once, however often it recurs. */
  private readonly reported = new Set<string>();
  /** The settings when the call failed (see willUpdate: an invalid one corrected). */
  private failedSettings = '';
  /** What is known of each problem shown, to say it in the element's language. */
  private readonly problems = new WeakMap<RtcErrorDetail, Problem>();
  private joining: Promise<void> | null = null;
  /** Remote videos that stopped (camera off, unplugged, frozen) show a placeholder within 2 s. */
  private readonly videoWatch = new VideoWatch(1_500);
  private videoCheck: ReturnType<typeof setInterval> | null = null;
  /** Bumped by every leave, so that a join still under way knows it was overtaken. */
  private generation = 0;
  /** Settles when the first render may go ahead (see FIRST_RENDER_DELAY); null once it has. */
  private firstRender: { promise: Promise<void>; release: () => void } | null = null;
  private readonly resizeObserver = new ResizeObserver((entries) => {
    const { width, height } = entries[entries.length - 1].contentRect;
    if (width !== this._box.width || height !== this._box.height) this._box = { width, height };
  });
  private observedStage: Element | null = null;
  /** The lobby's microphone meter. */
  private meter: { levels: AudioLevels; timer: ReturnType<typeof setInterval> } | null = null;
  /** The call's speaker detection, loaded after the join. */
  private audio: { ears: CallAudio; timer: ReturnType<typeof setInterval> } | null = null;
  /** The connection-quality polls, started after the join. */
  private quality: { watch: QualityWatch; timer: ReturnType<typeof setInterval> } | null = null;

  constructor() {
    super();
    this.internals = this.attachInternals();
    this.addEventListener('keydown', (e) => this.onKeyDown(e));
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

  /** This page's camera and microphone, while joining or joined (null when receive-only). */
  get localStream(): MediaStream | null {
    return this._phase === 'in-call' || this._phase === 'joining' ? this.devices.stream : null;
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
    document.addEventListener('fullscreenchange', this.onFullscreenChange);
    if (this.autojoin && (this._phase === 'idle' || this._phase === 'left')) void this.join().catch(() => {});
    else if (this._phase === 'idle' && this._preview === 'off') void this.previewIfAllowed();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('fullscreenchange', this.onFullscreenChange);
    if (this.videoCheck) clearInterval(this.videoCheck);
    this.videoCheck = null;
    queueMicrotask(() => {
      if (this.isConnected) return;
      this.stopMeter();
      this.stopAudio();
      this.stopQuality();
      this._preview = 'off';
    });
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
    // A bad setting, corrected: back to the lobby (or straight in, with autojoin).
    if (this._phase === 'error' && this._error?.type === 'invalid-config' && this.settings() !== this.failedSettings) {
      this._phase = 'idle';
      this._error = null;
      if (this.autojoin && this.isConnected) void this.join().catch(() => {});
      else if (this.isConnected) void this.previewIfAllowed();
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
    const stage = this.renderRoot.querySelector('[part~="grid"]');
    if (stage !== this.observedStage) {
      if (this.observedStage) this.resizeObserver.unobserve(this.observedStage);
      if (stage) this.resizeObserver.observe(stage);
      this.observedStage = stage;
    }
    for (const media of this.renderRoot.querySelectorAll<HTMLVideoElement>('video[part~="remote-video"]')) this.devices.applySpeaker(media);
    // The meter follows the microphone in use (a switch brings a new track).
    if (this.meter) this.meter.levels.set('local', this.devices.track('audio'));
  }

  /**
   * Joins the room: asks for the camera and microphone (unless the lobby's preview has them)
   * and connects to the others. Resolves when joined; rejects with the error also shown in the
   * element and sent as `rtc-error`. Missing or blocked devices do not fail the join: it goes
   * on audio-only or receive-only and says so.
   */
  join(): Promise<void> {
    if (this._phase === 'in-call') return Promise.resolve();
    if (!this.joining) {
      // Focus follows the visitor who pressed Join (not a page that calls join()): to Mute.
      const focused = this.hasFocus();
      this.joining = this.runJoin().finally(() => (this.joining = null));
      if (focused) void this.joining.then(() => this.focusFirst(), () => this.focusFirst()).catch(() => {});
    }
    return this.joining;
  }

  /** Leaves the room, stops the camera and microphone, and closes every connection. */
  async leave(): Promise<void> {
    const focused = this.hasFocus();
    await this.endCall('user');
    if (focused) await this.focusFirst();
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
   * Shares a screen, a window or a tab with everyone in the call, or stops (toggles without an
   * argument). The browser asks the visitor what to share; stopping from the browser's own bar
   * is the same as stopping here. Does nothing outside a call or with `no-screen-share`.
   */
  async toggleScreenShare(enabled: boolean = !this._screen): Promise<void> {
    if (!enabled) return this.stopScreen();
    if (this._screen || this.noScreenShare || this._phase !== 'in-call' || !navigator.mediaDevices?.getDisplayMedia) return;
    const generation = this.generation;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch (err) {
      // The visitor pressing Cancel is no error.
      if ((err as DOMException)?.name !== 'NotAllowedError' || !(err as DOMException).message.includes('Permission denied by user')) {
        this.notice({ type: 'media-denied', message: english.screenDenied, fatal: false }, { type: 'media-denied', text: (t) => t.screenDenied });
      }
      return;
    }
    if (generation !== this.generation || this._phase !== 'in-call') return stopStream(stream);
    const track = stream.getVideoTracks()[0];
    // Stopped from the browser's own "Stop sharing" bar.
    track?.addEventListener('ended', () => this._screen === stream && void this.stopScreen());
    this._screen = stream;
    this.controller.session?.setScreen(stream);
    this.announce(this.t.screenShared);
  }

  private async stopScreen(): Promise<void> {
    const stream = this._screen;
    if (!stream) return;
    this._screen = null;
    stopStream(stream);
    this.controller.session?.setScreen(null);
    if (this._phase === 'in-call') this.announce(this.t.screenStopped);
  }

  /**
   * The connection with each other participant in the call, measured now: one entry per
   * person, `{ id, name, quality, rtt, packetLoss, packetLossOut, jitter, frameRate,
   * frameWidth, frameHeight, bitrateIn, bitrateOut, candidateType, remoteCandidateType }`.
   * Times are in milliseconds, loss a share from 0 to 1, bitrates in bits per second; a figure
   * the browser does not give is null. `quality` is `good`, `weak` or `bad`: bad from a round
   * trip over 400 ms, loss over 10 %, jitter over 100 ms or nothing received for 1.5 s; weak
   * from 200 ms, 3 %, 40 ms or a camera at under 10 frames per second. Rates compare with the
   * element's own measurement, taken every 2 s during a call. Empty outside a call.
   */
  async getStats(): Promise<ParticipantStats[]> {
    if (this._phase !== 'in-call') return [];
    const people = [...this.participants];
    const [judge, reports] = await Promise.all([
      loadQuality().catch(() => null),
      Promise.all(people.map((p) => this.controller.stats(p.id).catch(() => null))),
    ]);
    if (!judge) return [];
    const watch = this.quality?.watch ?? new judge.QualityWatch();
    return people.map((p, i) => ({ id: p.id, name: p.name, ...watch.peek(this.watched(p), reports[i]) }));
  }

  /**
   * Uses another microphone, camera or speaker, by its `deviceId` from
   * `navigator.mediaDevices.enumerateDevices()`. In a call, the new track replaces the old one
   * in every connection, without renegotiation. A speaker (`audiooutput`) is chosen only where
   * the browser supports `HTMLMediaElement.setSinkId`.
   */
  async switchDevice(kind: 'audioinput' | 'videoinput' | 'audiooutput', deviceId: string): Promise<void> {
    if (kind === 'audiooutput') return this.devices.setSpeaker(deviceId);
    const media = kind === 'audioinput' ? 'audio' : 'video';
    if (this._phase === 'in-call') return this.acquireTrack(media, deviceId);
    if (this._preview === 'on') await this.devices.replace(media, deviceId);
  }

  /** The name shown and sent: the page's `name`, else the one typed in the lobby. */
  private get displayName(): string {
    return (this.name || this._typedName).trim();
  }

  protected override sessionOptions(lib: SessionModule): SessionRequest {
    return { ...super.sessionOptions(lib), name: this.displayName || this.t.guest };
  }

  private async setDeviceOn(kind: 'audio' | 'video', on: boolean): Promise<void> {
    if (this._phase !== 'in-call') return;
    const tracks = (this.devices.stream?.getTracks() ?? []).filter((t) => t.kind === kind && t.readyState === 'live');
    if (on && tracks.length === 0) return this.acquireTrack(kind, undefined);
    for (const t of tracks) t.enabled = on;
    this.setOn(kind, on);
  }

  private setOn(kind: 'audio' | 'video', on: boolean): void {
    if (kind === 'audio') this._mic = on;
    else this._cam = on;
    if (kind === 'audio' && on) this._mutedHint = false;
    this.controller.session?.setMediaState({ mic: this._mic, cam: this._cam });
    this.announce(kind === 'audio' ? (on ? this.t.microphoneOn : this.t.microphoneOff) : on ? this.t.cameraIsOn : this.t.cameraIsOff, true);
  }

  /** Gets a (new) track of one kind and puts it in place of the old one, in the preview and the calls. */
  private async acquireTrack(kind: 'audio' | 'video', deviceId?: string): Promise<void> {
    const generation = this.generation;
    // In the call, a problem's message ends with what to press, not "join again".
    const { track, problems } = await this.devices.replace(kind, deviceId, () => english.pressAgain(kind));
    if (generation !== this.generation || this._phase !== 'in-call') return;
    for (const problem of problems) this.notice({ type: problem.type, message: problem.message, fatal: false }, this.mediaProblem(problem, (t) => t.pressAgain(kind)));
    if (!track) return;
    this.controller.session?.setLocalStream(this.devices.stream);
    this.clearNotices((n) => n.type === 'media-ended' && n.message.includes(kind === 'audio' ? 'microphone' : 'camera'));
    this.setOn(kind, track.enabled);
  }

  /** A device was unplugged or taken by another program (not a stop() of ours: that fires no event). */
  private onLocalTrackEnded(track: MediaStreamTrack): void {
    this.devices.forget(track);
    if (this._phase !== 'in-call') return;
    const device = track.kind === 'audio' ? 'microphone' : 'camera';
    this.controller.session?.setLocalStream(this.devices.stream);
    this.setOn(track.kind as 'audio' | 'video', false);
    this.notice({ type: 'media-ended', message: english.deviceStopped(device), fatal: false }, { type: 'media-ended', device });
  }

  // The lobby.

  /** Starts the preview at once when the browser will not prompt (the visitor allowed it before). */
  private async previewIfAllowed(): Promise<void> {
    if ((await this.devices.queryPermission(this.audioOnly)) === 'granted' && this._phase === 'idle' && this._preview === 'off' && this.isConnected) {
      await this.startPreview();
    }
  }

  /** The visitor asked to check their devices: camera preview, microphone meter, device lists. */
  private async startPreview(): Promise<void> {
    this._preview = 'starting';
    const problems = await this.devices.start({ audio: true, video: !this.audioOnly && this._joinCam });
    if (this._preview !== 'starting') return; // joined or removed meanwhile
    this._preview = 'on';
    this.showProblems(problems);
    if (!this.devices.track('audio')) this._joinMic = false;
    this.startMeter();
  }

  private startMeter(): void {
    if (this.meter) return;
    const levels = new AudioLevels();
    levels.set('local', this.devices.track('audio'));
    const timer = setInterval(() => {
      const meter = this.renderRoot.querySelector<HTMLElement>('[part~="mic-level"]');
      if (!meter) return;
      const level = this._joinMic ? levels.level('local') : 0;
      meter.style.setProperty('--level', level.toFixed(3));
      meter.setAttribute('aria-valuenow', String(Math.round(level * 100)));
    }, METER_INTERVAL);
    this.meter = { levels, timer };
  }

  private stopMeter(): void {
    if (!this.meter) return;
    clearInterval(this.meter.timer);
    this.meter.levels.close();
    this.meter = null;
  }

  private async toggleLobby(kind: 'audio' | 'video'): Promise<void> {
    if (kind === 'audio') {
      this._joinMic = !this._joinMic;
      const track = this.devices.track('audio');
      if (track) track.enabled = this._joinMic;
      return;
    }
    this._joinCam = !this._joinCam;
    // Off means off: the camera's light goes out, not just the picture.
    if (!this._joinCam) this.devices.drop('video');
    else if (this._preview === 'on') this.showProblems((await this.devices.replace('video')).problems);
  }

  private onNameInput(e: Event): void {
    this._typedName = (e.target as HTMLInputElement).value;
    try {
      localStorage.setItem(NAME_KEY, this._typedName.trim());
    } catch {
      // Not remembered: the visitor types it again next time.
    }
  }

  /** Shows the lobby's device problems as notices (and rtc-error). */
  private showProblems(problems: MediaProblem[]): void {
    for (const problem of problems) this.notice({ type: problem.type, message: problem.message, fatal: false }, this.mediaProblem(problem));
  }

  private async runJoin(): Promise<void> {
    const generation = this.generation;
    this._error = null;
    this._notices = [];
    this.reported.clear();
    this._phase = 'joining';
    this._status = this.t.joining;
    this._preview = 'off';
    this.stopMeter();
    // Devices, the session layer's code and then signalling, in parallel: the camera prompt
    // overlaps the load and the server's answers, and calls that arrive meanwhile are answered
    // once the devices are there. The lobby's preview, when there is one, is the stream.
    const video = !this.audioOnly && this._joinCam;
    let media: Promise<MediaProblem[]>;
    if (this.devices.stream) {
      if (!video) this.devices.drop('video');
      media = Promise.resolve([]);
    } else {
      media = this.devices.start({ audio: true, video, again: pressAgain });
    }
    let session: RoomSession;
    try {
      const lib = await this.controller.load();
      if (generation !== this.generation) return; // a leave overtook this join (and stopped the devices)
      session = this.controller.attach(this.sessionOptions(lib));
    } catch (err) {
      if (generation !== this.generation) return;
      this.devices.stop();
      const e = err as Partial<ConfigError | LoadError>;
      this.fail({ type: e.type ?? 'network', message: e.message ?? String(err), fatal: true }, configProblem(this, err));
      throw err;
    }
    session.expectMedia();
    const joined = session.join();
    joined.catch(() => {}); // awaited below, unless a leave overtakes this join
    try {
      const problems = await media;
      if (generation !== this.generation) return;
      const stream = this.devices.stream;
      const audio = this.devices.track('audio');
      if (audio) audio.enabled = this._joinMic;
      this._mic = !!audio && this._joinMic;
      this._cam = !!this.devices.track('video');
      for (const problem of problems) {
        const fallback = (t: Strings) => (!stream ? t.joinedWithout : this._cam || !video ? '' : t.joinedMicOnly);
        this.notice({ type: problem.type, message: problem.message + fallback(english), fatal: false }, this.mediaProblem(problem, (t) => pressAgain(problem.device, t), fallback));
      }
      session.enableMedia(stream);
      await joined;
    } catch (err) {
      if (generation !== this.generation) return;
      const e = err as SessionError;
      this.devices.stop();
      await this.controller.detach();
      this.fail({ type: (e.type as RtcErrorType) ?? 'network', message: e.message, fatal: true });
      throw err;
    }
    if (generation !== this.generation) return;
    if (session.holdsBeacon) this.firstRender?.release(); // alone in the room: nothing to wait for
    this._phase = 'in-call';
    this._status = '';
    void this.devices.refresh();
    void this.startAudio(generation);
    void this.startQuality(generation);
    this.dispatchEvent(new RtcJoinedEvent({ room: session.room, id: session.id ?? '' }));
  }

  private async endCall(reason: RtcLeftDetail['reason']): Promise<void> {
    const wasActive = this._phase === 'in-call' || this._phase === 'joining';
    this.generation++;
    this.devices.stop();
    if (this._screen) stopStream(this._screen);
    this._screen = null;
    this.stopMeter();
    this.stopAudio();
    this.stopQuality();
    this._preview = 'off';
    this._mic = this._cam = false;
    this._speaker = this.lastSpeaker = this._pinned = null;
    this._mutedHint = this._settings = false;
    this._copied = '';
    const session = this.controller.session;
    // Another element (a chat) may keep the session: stop only this element's media.
    session?.disableMedia();
    await this.controller.detach();
    if (!wasActive) return;
    this._phase = 'left';
    this._status = this.t.youLeft;
    this.announce(this.t.youLeft);
    this.dispatchEvent(new RtcLeftEvent({ room: session?.room ?? this.room, reason }));
  }

  // Cues: who speaks, and whether the visitor speaks unheard.

  private async startAudio(generation: number): Promise<void> {
    let CallAudioClass: typeof CallAudio;
    try {
      ({ CallAudio: CallAudioClass } = await import('./speaker.js'));
    } catch {
      return; // no highlight: the call goes on without it
    }
    if (generation !== this.generation || this._phase !== 'in-call' || this.audio) return;
    const ears = new CallAudioClass(new AudioLevels());
    const timer = setInterval(() => {
      ears.sync(new Map(this.participants.map((p) => [p.id, p.stream])), this.devices.track('audio') ?? null);
      const { speaker, speakingWhileMuted } = ears.sample(this._mic);
      if (speaker !== this._speaker) {
        this._speaker = speaker;
        if (speaker) this.lastSpeaker = speaker;
      }
      const now = performance.now();
      if (speakingWhileMuted) this.mutedHintUntil = now + MUTED_HINT_MS;
      const hint = !this._mic && now < this.mutedHintUntil;
      if (hint !== this._mutedHint) this._mutedHint = hint;
    }, SPEAKER_INTERVAL);
    this.audio = { ears, timer };
  }

  private stopAudio(): void {
    if (!this.audio) return;
    clearInterval(this.audio.timer);
    this.audio.ears.close();
    this.audio = null;
  }

  // Connection quality: every 2 s, one getStats() per person, judged by media/quality.ts.

  private async startQuality(generation: number): Promise<void> {
    let judge: typeof import('../../media/quality.js');
    try {
      judge = await loadQuality();
    } catch {
      return; // no quality signs: the call goes on without them
    }
    if (generation !== this.generation || this._phase !== 'in-call' || this.quality) return;
    const watch = new judge.QualityWatch();
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return; // a slow poll is not stacked on by the next
      busy = true;
      void this.pollQuality(watch).finally(() => (busy = false));
    }, STATS_INTERVAL);
    this.quality = { watch, timer };
  }

  private stopQuality(): void {
    if (this.quality) clearInterval(this.quality.timer);
    this.quality = null;
    this._quality = new Map();
  }

  /** What the judge needs to know of a person besides the statistics. */
  private watched(p: Participant): WatchedPeer {
    return {
      id: p.id,
      videoTrack: p.stream?.getVideoTracks()[0]?.id ?? null,
      expectVideo: p.cam && hasLiveVideo(p.stream),
      reconnecting: p.connection === 'reconnecting',
    };
  }

  private async pollQuality(watch: QualityWatch): Promise<void> {
    const people = [...this.participants];
    const reports = await Promise.all(people.map((p) => this.controller.stats(p.id).catch(() => null)));
    if (this.quality?.watch !== watch) return; // left meanwhile
    const here = new Set(this.participants.map((p) => p.id));
    watch.keep(here);
    const shown = new Map<string, Quality>();
    people.forEach((p, i) => {
      const report = reports[i];
      if (!here.has(p.id)) return;
      const verdict = report && watch.update(this.watched(p), report);
      if (!verdict) {
        // No report this time, or a first one (judged from the next poll on, with rates).
        const before = watch.shown(p.id);
        if (before) shown.set(p.id, before);
        return;
      }
      const { stats, changed } = verdict;
      shown.set(p.id, stats.quality);
      if (changed) this.dispatchEvent(new RtcConnectionQualityEvent({ participant: p, quality: stats.quality, stats }));
    });
    if (shown.size !== this._quality.size || [...shown].some(([id, q]) => this._quality.get(id) !== q)) this._quality = shown;
  }

  private onSignalling(state: 'connected' | 'reconnecting'): void {
    if (state === 'reconnecting') {
      this.notice({ type: 'disconnected', message: english.lostServer, fatal: false }, { type: 'disconnected', text: (t) => t.lostServer });
    } else {
      this.clearNotices((n) => n.type === 'disconnected');
      this.announce(this.t.reconnected);
    }
  }

  private onSessionError(error: SessionError): void {
    if (error.fatal) return; // join() reports fatal errors itself
    const twin = error.type === 'duplicate-name' ? this.participants.find((p) => p.tag)?.name : undefined;
    this.notice({ type: error.type as RtcErrorType, message: error.message, fatal: false }, { type: error.type as RtcErrorType, fatal: false, name: twin, message: error.message });
  }

  /** The settings that name a room and how to reach it, as one string to compare. */
  private settings(): string {
    return JSON.stringify([this.room, this.server, this.key, this.password, this.iceServers, this.iceTransportPolicy, this.maxParticipants, this.name]);
  }

  private fail(detail: RtcErrorDetail, problem?: Problem): void {
    this.firstRender?.release(); // an error shows at once
    this.failedSettings = this.settings();
    if (problem) this.problems.set(detail, problem);
    this._phase = 'error';
    this._error = detail;
    this._status = '';
    this.announce(this.say(detail));
    this.dispatchEvent(new RtcErrorEvent(detail));
  }

  /**
   * Shows a problem the call survives, reads it out and fires `rtc-error`: once for a problem
   * already shown, and the event once per call for each problem (pressing Unmute again and again
   * with a blocked microphone brings up its notice again, not a stream of events).
   */
  private notice(detail: RtcErrorDetail, problem?: Problem): void {
    if (this._notices.some((n) => n.type === detail.type && n.message === detail.message)) return;
    if (problem) this.problems.set(detail, problem);
    this._notices = [...this._notices, detail];
    this.announce(this.say(detail));
    const key = `${detail.type}\n${detail.message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.dispatchEvent(new RtcErrorEvent(detail));
  }

  /** A problem in the element's language (the event keeps the English message). */
  private say(detail: RtcErrorDetail): string {
    return problemText(this.t, this.problems.get(detail) ?? detail);
  }

  /** A device problem as the element says it: `again` is what to do to try again, `more` what follows. */
  private mediaProblem(problem: MediaProblem, again?: (t: Strings) => string, more?: (t: Strings) => string): Problem {
    const base: Problem = { type: problem.type, device: problem.device, framed: problem.framed, again };
    return more ? { ...base, text: (t) => problemText(t, base) + more(t) } : base;
  }

  /** Takes away notices whose problem is over: when it comes back, it is reported again. */
  private clearNotices(over: (n: RtcErrorDetail) => boolean): void {
    for (const n of this._notices) if (over(n)) this.reported.delete(`${n.type}\n${n.message}`);
    this._notices = this._notices.filter((n) => !over(n));
  }

  /** Reads a text out to screen readers; `again` for answers to the visitor's own presses. */
  private announce(text: string, again = false): void {
    this.announcer.say(text, again);
  }

  private async dismiss(notice: RtcErrorDetail): Promise<void> {
    const index = this._notices.indexOf(notice);
    this._notices = this._notices.filter((n) => n !== notice);
    await this.updateComplete;
    // Focus goes to the next notice's Dismiss, else to the first control of the panel below.
    const next = this.parts('dismiss-button');
    if (next.length) next[Math.min(index, next.length - 1)].focus();
    else await this.focusFirst();
  }

  // Focus and keys.

  private parts(name: string): HTMLElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
  }

  /** Whether focus is inside the element. */
  private hasFocus(): boolean {
    return this.matches(':focus-within');
  }

  /** Moves focus to what comes first in the current phase: Mute in a call, else Join (Try again, or the error). */
  private async focusFirst(): Promise<void> {
    await this.updateComplete;
    const first = this._phase === 'in-call' ? this.parts('controls')[0]?.querySelector<HTMLButtonElement>('button:not(:disabled)') : (this.parts('join-button')[0] ?? this.parts('error')[0]);
    first?.focus();
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (this._phase !== 'in-call') return;
    const action = shortcutOf(e);
    if (!action || (action === 'screen' && (this.noScreenShare || !canShareScreen))) return;
    e.preventDefault();
    if (action === 'mic') void this.toggleMicrophone();
    else if (action === 'camera' && !this.audioOnly) void this.toggleCamera();
    else if (action === 'screen') void this.toggleScreenShare();
    else if (action === 'leave') void this.leave();
  }

  private checkVideos(): void {
    const stalled = new Set<string>();
    for (const video of this.renderRoot.querySelectorAll<HTMLVideoElement>('video[part~="remote-video"]')) {
      const id = video.closest('[data-peer-id]')?.getAttribute('data-peer-id');
      if (id && !this.videoWatch.isLive(video)) stalled.add(id);
    }
    if (stalled.size !== this._stalled.size || [...stalled].some((id) => !this._stalled.has(id))) this._stalled = stalled;
  }

  // Full screen, picture-in-picture, copying the link.

  private readonly onFullscreenChange = () => {
    this._fullscreen = document.fullscreenElement === this;
    this.requestUpdate();
  };

  private toggleFullscreen(target: Element): void {
    if (document.fullscreenElement === this && (this.shadowRoot?.fullscreenElement ?? this) === target) {
      void document.exitFullscreen().catch(() => {});
    } else {
      void target.requestFullscreen().catch(() => {});
    }
  }

  private pictureInPicture(tile: HTMLElement): void {
    const video = tile.querySelector('video');
    if (!video) return;
    if (document.pictureInPictureElement === video) void document.exitPictureInPicture().catch(() => {});
    else void video.requestPictureInPicture().catch(() => {});
  }

  private async copyLink(): Promise<void> {
    try {
      await navigator.clipboard.writeText(location.href);
      this._copied = 'copied';
      this.announce(this.t.copied);
    } catch {
      this._copied = 'failed';
    }
  }

  // Rendering.

  protected override render() {
    const count = this.participants.length + (this._phase === 'in-call' ? 1 : 0);
    return html`
      <div part="base" class="base" role="region" aria-label=${this.t.region(this.room)}>
        <div part="header" class="header">
          <span part="room-name" class="room" title=${this.room}>${this.room}</span>
          <span part="status" class="status">${this._phase === 'in-call' ? (count === 1 && this.password ? this.t.alonePrivate : this.t.inCall(count)) : this._status}</span>
        </div>
        ${this.announcer.render()}
        ${this._notices.length
          ? html`<div class="notices">
              ${this._notices.map(
                (n) => html`<div part="notice" class="notice">
                  <p>${this.say(n)}</p>
                  <button part="button dismiss-button" class="icon-button" aria-label=${this.t.dismiss} @click=${() => this.dismiss(n)}>
                    ${icon('close')}
                  </button>
                </div>`,
              )}
            </div>`
          : nothing}
        ${this.renderMain()}
      </div>
    `;
  }

  private renderMain() {
    switch (this._phase) {
      case 'error':
        return html`<div part="error" class="panel" tabindex="-1">
          <p>${this._error ? this.say(this._error) : ''}</p>
          ${this._error?.type === 'invalid-config'
            ? nothing
            : html`<button part="button join-button" class="primary" @click=${() => this.join().catch(() => {})}>${this.t.tryAgain}</button>`}
        </div>`;
      case 'idle':
      case 'left':
        return this.renderLobby();
      default:
        return html`${this.renderStage()} ${this.renderControls()}`;
    }
  }

  private renderLobby() {
    const stream = this.devices.stream;
    const video = this.devices.track('video');
    const audio = this.devices.track('audio');
    const on = this._preview === 'on';
    // In a frame that does not allow the devices, no prompt will come: the lobby says why.
    const framedOut = blockedByEmbedder(this.audioOnly ? 'microphone' : 'camera and microphone');
    const prompt = framedOut
      ? this.t.mediaDeniedFramed(this.audioOnly ? 'microphone' : 'camera and microphone')
      : this.devices.permission === 'denied'
        ? ''
        : this.audioOnly
          ? this.t.promptComingAudio
          : this.t.promptComing;
    return html`<div part="lobby" class="lobby">
      <div part="preview" class="preview">
        ${video
          ? html`<video part="video preview-video" .srcObject=${live(stream)} .muted=${true} autoplay playsinline></video>`
          : html`<div part="placeholder" class="placeholder">
              ${this._preview === 'starting'
                ? html`<p>${this.t.starting}</p>`
                : on
                  ? html`<span part="avatar" class="avatar" aria-hidden="true">${initials(this.displayName || this.t.you)}</span>
                      ${this.audioOnly ? nothing : html`<p>${this.t.previewOff}</p>`}`
                  : html`<button part="button check-button" @click=${() => this.startPreview()}>
                        ${icon(this.audioOnly ? 'mic' : 'cam')}<span>${this.audioOnly ? this.t.checkMicrophone : this.t.checkDevices}</span>
                      </button>
                      ${prompt ? html`<p part="permission-hint" class="hint">${prompt}</p>` : nothing}`}
            </div>`}
        ${on
          ? html`<div class="preview-bar">
              ${audio
                ? html`<div part="mic-level" class="meter" role="meter" aria-label=${this.t.micLevel} aria-valuemin="0" aria-valuemax="100" aria-valuenow="0">
                    <span part="mic-level-bar" class="meter-bar"></span>
                  </div>`
                : nothing}
              ${this.renderToggle('audio', this._joinMic, !audio, () => this.toggleLobby('audio'))}
              ${this.audioOnly ? nothing : this.renderToggle('video', this._joinCam, false, () => this.toggleLobby('video'))}
            </div>`
          : nothing}
      </div>
      <div part="lobby-form" class="form">
        ${this.name
          ? nothing
          : html`<label class="field"
              ><span>${this.t.yourName}</span
              ><input part="name-input" name="name" autocomplete="name" maxlength="64" .value=${live(this._typedName)} @input=${this.onNameInput}
            /></label>`}
        ${on ? this.renderDeviceSelects(true) : nothing}
        <button part="button join-button" class="primary" @click=${() => this.join().catch(() => {})}>
          ${this._phase === 'left' ? this.t.joinAgain : this.t.joinCall}
        </button>
        <p class="hint">${this.t.lobbyHint}</p>
      </div>
    </div>`;
  }

  /** A microphone or camera button; its words say what pressing it does, its tooltip the shortcut (`keys`, in a call). */
  private renderToggle(kind: 'audio' | 'video', isOn: boolean, disabled: boolean, toggle: () => unknown, keys?: string) {
    const mic = kind === 'audio';
    const label = mic ? (isOn ? this.t.mute : this.t.unmute) : isOn ? this.t.cameraOff : this.t.cameraOn;
    return html`<button
      part="button ${mic ? 'mic-button' : 'camera-button'}"
      class="control"
      data-off=${isOn ? nothing : ''}
      title=${keys ? this.t.withShortcut(label, keys) : label}
      aria-keyshortcuts=${keys ?? nothing}
      ?disabled=${disabled}
      @click=${toggle}
    >
      ${icon(mic ? (isOn ? 'mic' : 'micOff') : isOn ? 'cam' : 'camOff')}<span class="text">${label}</span>
    </button>`;
  }

  /** The tiles of the stage: shared screens first, this page, the others, and while alone the invitation. */
  private tiles(): Tile[] {
    const screens: Tile[] = this.participants.filter((p) => p.screen).map((p) => ({ id: `${p.id}/screen`, participant: p, screen: p.screen! }));
    if (this._screen) screens.push({ id: 'local/screen', screen: this._screen });
    const tiles: Tile[] = [...screens, { id: 'local' }, ...this.participants.map((p) => ({ id: p.id, participant: p }))];
    if (this.participants.length === 0 && this._phase === 'in-call') tiles.push({ id: 'alone' });
    return tiles;
  }

  /** Where each tile goes: the grid, or one large tile (pinned, or the speaker) and a strip. */
  private layout(tiles: Tile[]): Rect[] {
    const { width, height } = this._box;
    const gap = 8;
    const people = tiles.filter((t) => t.id !== 'alone');
    // A shared screen shows large, beside the cameras, unless the visitor pinned another tile.
    const screen = tiles.find((t) => t.screen && t.id !== 'local/screen') ?? tiles.find((t) => t.screen);
    const pinned = this._pinned && tiles.some((t) => t.id === this._pinned) ? this._pinned : null;
    const focus = pinned ?? screen?.id ?? (this._view === 'speaker' ? (this.lastSpeaker ?? people.find((t) => t.id !== 'local')?.id ?? null) : null);
    const main = focus ? tiles.findIndex((t) => t.id === focus) : -1;
    if (main >= 0 && people.length > 1) return speakerLayout(tiles.length, main, width, height, gap);
    return gridLayout(tiles.length, width, height, gap);
  }

  private renderStage() {
    const tiles = this.tiles();
    const rects = this._box.width > 0 ? this.layout(tiles) : [];
    const place = (i: number) => {
      const r = rects[i];
      return r ? styleMap({ left: `${r.x}px`, top: `${r.y}px`, width: `${r.width}px`, height: `${r.height}px` }) : nothing;
    };
    return html`<div class="stage">
      <ul part="grid" class="grid" aria-label=${this.t.participants}>
        ${repeat(
          tiles,
          (t) => t.id,
          (t, i) => (t.id === 'alone' ? this.renderAlone(place(i)) : t.screen ? this.renderScreen(t, place(i)) : this.renderTile(t, place(i))),
        )}
      </ul>
      ${this._mutedHint ? html`<p part="muted-notice" class="muted-notice" role="status">${this.t.youreMuted}</p>` : nothing}
    </div>`;
  }

  /** A shared screen: the whole picture (not cropped), named. */
  private renderScreen(t: Tile, style: ReturnType<typeof styleMap> | typeof nothing) {
    const name = t.participant ? this.t.screenOf(t.participant.name) : this.t.yourScreen;
    return html`<li part="tile screen-tile" class="tile screen-tile" style=${style} data-peer-id=${t.id}>
      <video part="video screen-video" .srcObject=${live(t.screen!)} .muted=${true} autoplay playsinline></video>
      <span part="label" class="label"><span part="name" class="name">${name}</span></span>
    </li>`;
  }

  private renderAlone(style: ReturnType<typeof styleMap> | typeof nothing) {
    return html`<li part="alone" class="alone" style=${style}>
      <div class="alone-inner">
        <h2>${this.t.firstHere}</h2>
        <p>${this.password ? this.t.alonePrivate : this.t.shareLink}</p>
        <button part="button copy-link-button" class="primary" @click=${() => this.copyLink()}>
          ${icon('copy')}<span>${this._copied === 'copied' ? this.t.copied : this.t.copyLink}</span>
        </button>
        ${this._copied === 'failed' ? html`<p class="hint copy-failed">${this.t.copyFailed(location.href)}</p>` : nothing}
      </div>
    </li>`;
  }

  private renderTile(t: Tile, style: ReturnType<typeof styleMap> | typeof nothing) {
    // `live()`: Lit sets an object-valued property again on every render, and setting
    // `srcObject`, even to the same stream, restarts the video (blank frames, a gap in the sound).
    const p = t.participant;
    const local = !p;
    const stream = local ? this.devices.stream : p.stream;
    const name = local ? this.displayName : p.name;
    const shown = local ? (name ? this.t.youNamed(name) : this.t.you) : name;
    const muted = local ? !this._mic : p.media && !p.mic;
    const pinned = this._pinned === t.id;
    const parts = ['tile', local ? 'local-tile' : '', this._speaker === t.id ? 'speaking-tile' : '', pinned ? 'pinned-tile' : ''].filter(Boolean).join(' ');
    const showVideo = local ? hasLiveVideo(stream) && this._cam : !!stream;
    const placeholder = local ? !showVideo : !p.stream || !p.cam || !hasLiveVideo(p.stream) || this._stalled.has(p.id);
    const pip = !local && !placeholder && document.pictureInPictureEnabled;
    const quality = p ? this._quality.get(p.id) : undefined;
    return html`<li part=${parts} class="tile" style=${style} data-peer-id=${t.id} data-connection=${p ? p.connection : nothing}>
      ${showVideo
        ? local
          ? html`<video part="video local-video" .srcObject=${live(stream)} .muted=${true} autoplay playsinline></video>`
          : html`<video part="video remote-video" .srcObject=${live(stream)} autoplay playsinline></video>`
        : nothing}
      ${placeholder
        ? html`<div part="placeholder" class="placeholder"><span part="avatar" class="avatar" aria-hidden="true">${initials(name || this.t.you)}</span></div>`
        : nothing}
      ${p?.connection === 'reconnecting' ? html`<span part="tile-status" class="tile-status" role="status">${this.t.reconnecting}</span>` : nothing}
      <span part="label" class="label"
        >${quality ? this.renderQuality(quality) : nothing}${muted ? html`<span part="mic-off" class="mic-off" role="img" aria-label=${this.t.muted} title=${this.t.muted}>${icon('micOff')}</span>` : nothing}<span
          part="name"
          class="name"
          >${shown}</span
        >${this._speaker === t.id ? html`<span class="visually-hidden">, ${this.t.speaking}</span>` : nothing}</span
      >
      <span part="tile-actions" class="tile-actions">
        <button part="button pin-button" class="icon-button" aria-pressed=${pinned} aria-label=${pinned ? this.t.unpin(name || this.t.you) : this.t.pin(name || this.t.you)} title=${pinned ? this.t.unpin(name || this.t.you) : this.t.pin(name || this.t.you)} @click=${() => (this._pinned = pinned ? null : t.id)}>
          ${icon('pin')}
        </button>
        ${document.fullscreenEnabled
          ? html`<button part="button fullscreen-button" class="icon-button" aria-label=${this.t.tileFullscreen(name || this.t.you)} title=${this.t.tileFullscreen(name || this.t.you)} @click=${(e: Event) => this.toggleFullscreen((e.currentTarget as HTMLElement).closest('li')!)}>
              ${icon('fullscreen')}
            </button>`
          : nothing}
        ${pip
          ? html`<button part="button pip-button" class="icon-button" aria-label=${this.t.pictureInPicture(name)} title=${this.t.pictureInPicture(name)} @click=${(e: Event) => this.pictureInPicture((e.currentTarget as HTMLElement).closest('li')!)}>
              ${icon('pip')}
            </button>`
          : nothing}
      </span>
    </li>`;
  }

  /** A remote tile's connection-quality sign: bars (3 good, 2 weak, 1 bad) and their words for screen readers; good is not shown. */
  private renderQuality(quality: Quality) {
    const label = quality === 'good' ? this.t.qualityGood : quality === 'weak' ? this.t.qualityWeak : this.t.qualityBad;
    return html`<span part="quality" class="quality" data-quality=${quality} role="img" aria-label=${label} title=${label}>${signal(quality === 'good' ? 3 : quality === 'weak' ? 2 : 1)}</span>`;
  }

  /** The device pickers: microphone, camera, and speaker where the browser lets pages choose. */
  private renderDeviceSelects(lobby: boolean) {
    return html`${this.renderDeviceSelect('audioinput', this.t.microphone, lobby)}
    ${this.audioOnly ? nothing : this.renderDeviceSelect('videoinput', this.t.camera, lobby)}
    ${canChooseSpeaker ? this.renderDeviceSelect('audiooutput', this.t.speaker, lobby) : nothing}`;
  }

  /** A device picker: in the lobby as soon as there is one to show, in the call from two on. */
  private renderDeviceSelect(kind: 'audioinput' | 'videoinput' | 'audiooutput', label: string, lobby: boolean) {
    const devices = this.devices.devices.filter((d) => d.kind === kind && d.deviceId);
    if (devices.length < (lobby ? 1 : 2)) return nothing;
    const current = kind === 'audiooutput' ? this.devices.speaker || 'default' : this.devices.deviceOf(kind === 'audioinput' ? 'audio' : 'video');
    const name = kind === 'audioinput' ? 'microphone-select' : kind === 'videoinput' ? 'camera-select' : 'speaker-select';
    return html`<label class="field"
      ><span>${label}</span
      ><select part="device-select ${name}" @change=${(e: Event) => this.switchDevice(kind, (e.target as HTMLSelectElement).value)}>
        ${devices.map((d, i) => html`<option value=${d.deviceId} ?selected=${d.deviceId === current}>${d.label || this.t.device(label, i + 1)}</option>`)}
      </select></label
    >`;
  }

  private renderControls() {
    const stream = this.devices.stream;
    const all = this.devices.devices;
    const canMic = !!stream?.getAudioTracks().length || all.some((d) => d.kind === 'audioinput');
    const canCam = !this.audioOnly && (!!stream?.getVideoTracks().length || all.some((d) => d.kind === 'videoinput'));
    const pickers = this.renderDeviceSelects(false);
    const many = this.participants.length > 0;
    const speakerView = this._view === 'speaker';
    return html`${this._settings ? html`<div part="settings" id="settings" class="settings">${pickers}</div>` : nothing}
      <div part="controls" class="controls" role="toolbar" aria-label=${this.t.controls}>
        ${this.renderToggle('audio', this._mic, !canMic, () => this.toggleMicrophone(), SHORTCUTS.mic)}
        ${this.renderToggle('video', this._cam, !canCam, () => this.toggleCamera(), SHORTCUTS.camera)}
        ${!this.noScreenShare && canShareScreen
          ? html`<button
              part="button screen-button"
              class="control"
              title=${this.t.withShortcut(this._screen ? this.t.stopSharing : this.t.shareScreen, SHORTCUTS.screen)}
              aria-keyshortcuts=${SHORTCUTS.screen}
              data-off=${this._screen ? nothing : ''}
              @click=${() => this.toggleScreenShare()}
            >
              ${icon(this._screen ? 'screenOff' : 'screen')}<span class="text">${this._screen ? this.t.stopSharing : this.t.shareScreen}</span>
            </button>`
          : nothing}
        <button part="button settings-button" class="control" aria-expanded=${this._settings} aria-controls="settings" title=${this.t.settings} @click=${() => (this._settings = !this._settings)}>
          ${icon('settings')}<span class="text">${this.t.settings}</span>
        </button>
        ${many
          ? html`<button part="button view-button" class="control" title=${speakerView ? this.t.gridView : this.t.speakerView} @click=${() => (this._view = speakerView ? 'grid' : 'speaker')}>
              ${icon(speakerView ? 'grid' : 'speaker')}<span class="text">${speakerView ? this.t.gridView : this.t.speakerView}</span>
            </button>`
          : nothing}
        ${document.fullscreenEnabled
          ? html`<button part="button fullscreen-button" class="control" title=${this._fullscreen ? this.t.exitFullscreen : this.t.fullscreen} @click=${() => this.toggleFullscreen(this)}>
              ${icon(this._fullscreen ? 'exitFullscreen' : 'fullscreen')}<span class="text">${this._fullscreen ? this.t.exitFullscreen : this.t.fullscreen}</span>
            </button>`
          : nothing}
        <button part="button leave-button" class="control danger" title=${this.t.withShortcut(this.t.leave, SHORTCUTS.leave)} aria-keyshortcuts=${SHORTCUTS.leave} @click=${() => this.leave()}>
          ${icon('leave')}<span class="text">${this.t.leave}</span>
        </button>
      </div>`;
  }
}

customElements.define('rtc-call', RtcCall);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-call': RtcCall;
  }
}
