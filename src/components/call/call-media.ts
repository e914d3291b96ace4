import type { ReactiveControllerHost } from 'lit';
import type { DevicesController, Replaced } from '../../controllers/devices.js';
import type { RtcErrorDetail } from '../../events/error.js';
import type { Strings } from '../../i18n/en.js';
import { problemText, type Problem } from '../../i18n/errors.js';
import { english } from '../../i18n/localizer.js';
import { describeMediaError, type MediaProblem } from '../../media/local-media.js';

type Kind = 'audio' | 'video';

/**
 * How long a device stays paused before the visitor is told: a camera that skips a second on a
 * busy machine (Chromium pauses a camera track that gives no frame for about a second), or a
 * phone's OS that pauses it while the visitor is in another app, says nothing. The others are
 * told at once: they would see a still picture meanwhile.
 */
const PAUSE_NOTICE_AFTER = 3_000;

/** What a visitor in the call presses to try a device again (they are in: not "join again"). */
const pressAgain = (device: MediaProblem['device'], t: Strings = english) =>
  device === 'microphone' ? t.pressAgain('audio') : device === 'camera' ? t.pressAgain('video') : t.pressBothAgain;

/** A device problem as the element says it: `again` is what to do to try again, `more` what follows. */
function mediaProblem(problem: MediaProblem, again?: (t: Strings) => string, more?: (t: Strings) => string): Problem {
  const base: Problem = { type: problem.type, device: problem.device, framed: problem.framed, again };
  return more ? { ...base, text: (t) => problemText(t, base) + more(t) } : base;
}

/** Whom the camera and microphone tell of what happens to them. */
export interface CallMediaOutlets {
  /** The room: the others hear of the microphone and camera, and get the new tracks. */
  room: { setMediaState(state: { mic: boolean; cam: boolean }): void; setLocalStream(stream: MediaStream | null): void };
  /** The element's notices of problems. */
  notices: { notice(detail: RtcErrorDetail, problem?: Problem): void; clear(over: (n: RtcErrorDetail) => boolean): void };
  /** Reads out that the microphone or camera went on or off (an answer to the visitor's press). */
  switched(kind: Kind, on: boolean): void;
}

/**
 * The camera and microphone of `<rtc-call>` in a call: whether each is on, switching them,
 * another device, a device unplugged, and the problems of each, said in the element's words.
 */
export class CallMedia {
  /** Whether the microphone is on. */
  mic = false;
  /** Whether the camera is on. */
  cam = false;
  /** Bumped by `off()`, so that a device change still under way knows the call ended. */
  #generation = 0;
  /** The notice of a device paused, waiting for PAUSE_NOTICE_AFTER, per kind. */
  readonly #pausing: Partial<Record<Kind, ReturnType<typeof setTimeout>>> = {};
  /** The device each problem shown concerns: its notice goes once that device works. */
  readonly #devices = new WeakMap<RtcErrorDetail, MediaProblem['device']>();

  constructor(
    private readonly host: ReactiveControllerHost & { readonly phase: string },
    private readonly devices: DevicesController,
    private readonly out: CallMediaOutlets,
  ) {}

  /** The stream to join with: the lobby's preview, when there is one, or a new one; resolves with its problems. */
  acquire(video: boolean): Promise<MediaProblem[]> {
    if (!this.devices.stream) return this.devices.start({ audio: true, video, again: pressAgain });
    if (!video) this.devices.drop('video');
    return Promise.resolve([]);
  }

  /** The devices answered the join: the microphone on as the lobby said, and their problems shown. */
  joined(problems: MediaProblem[], video: boolean, mic: boolean): void {
    const stream = this.devices.stream;
    const audio = this.devices.track('audio');
    if (audio) audio.enabled = mic;
    this.mic = !!audio && mic;
    this.cam = !!this.devices.track('video');
    this.host.requestUpdate();
    for (const problem of problems) {
      const fallback = (t: Strings) => (!stream ? t.joinedWithout : this.cam || !video ? '' : t.joinedMicOnly);
      this.#notice(problem, mediaProblem(problem, (t) => pressAgain(problem.device, t), fallback), fallback(english));
    }
  }

  /** The call ended: both off. */
  off(): void {
    this.#generation++;
    this.mic = this.cam = false;
    this.host.requestUpdate();
  }

  /** Shows device problems (the lobby's) as notices, and `rtc-error`; those of devices that work now go. */
  report(problems: MediaProblem[]): void {
    this.#working();
    for (const problem of problems) this.#notice(problem, mediaProblem(problem));
  }

  /** Switches a device on or off; switching on one that is missing, blocked or unplugged asks again. */
  async setOn(kind: Kind, on: boolean): Promise<void> {
    if (this.host.phase !== 'in-call') return;
    const tracks = (this.devices.stream?.getTracks() ?? []).filter((t) => t.kind === kind && t.readyState === 'live');
    if (on && tracks.length === 0) return this.replace(kind, undefined);
    // Off while one is still starting: it is stopped as it comes.
    if (!on && tracks.length === 0) this.devices.drop(kind);
    // The camera off is off, as in the lobby: stopped (its light goes out) and taken from the
    // calls; on again, it is asked for again. The microphone is only muted: it comes back at once.
    if (!on && kind === 'video' && tracks.length) return this.dropCamera();
    for (const t of tracks) t.enabled = on;
    this.#switched(kind, on);
  }

  /** The camera off (its button, or the page switched to audio-only): stopped, not only off (its light goes out), and taken from the calls. */
  dropCamera(): void {
    if (this.host.phase !== 'in-call' || !this.devices.stream?.getVideoTracks().length) return;
    this.devices.drop('video');
    this.out.room.setLocalStream(this.devices.stream);
    if (this.cam) this.#switched('video', false);
  }

  /** Gets a (new) track of one kind and puts it in place of the old one, in the preview and the calls. */
  replace(kind: Kind, deviceId?: string): Promise<void> {
    return this.#use(kind, (again) => this.devices.replace(kind, deviceId, again));
  }

  /** Turns to another camera (DevicesController.switchCamera), in the preview and the calls. */
  switchCamera(): Promise<void> {
    return this.#use('video', (again) => this.devices.switchCamera(again));
  }

  /** What a replace got goes to the calls; its problems are shown; a device lost on the way is off. */
  async #use(kind: Kind, replace: (again: () => string) => Promise<Replaced>): Promise<void> {
    const generation = this.#generation;
    // In the call, a problem's message ends with what to press, not "join again"; a device that
    // fails to take over from one that works (which stays) is simply tried again.
    const again = this.devices.track(kind) ? (t: Strings) => t.tryOnceMore : (t: Strings) => t.pressAgain(kind);
    const { track, problems } = await replace(() => again(english));
    if (generation !== this.#generation || this.host.phase !== 'in-call') return;
    // The notices of earlier problems go once the device works; this attempt's own come after
    // (a phone's camera that came back after the new one failed works, and the visitor is told).
    if (track) this.#working();
    for (const problem of problems) this.#notice(problem, mediaProblem(problem, again));
    if (!track) {
      // A phone's camera that had to go first for the new one, and came back neither.
      if ((kind === 'audio' ? this.mic : this.cam) && !this.devices.track(kind)) {
        this.out.room.setLocalStream(this.devices.stream);
        this.#switched(kind, false);
      }
      return;
    }
    this.out.room.setLocalStream(this.devices.stream);
    this.#switched(kind, track.enabled);
  }

  /**
   * A device was unplugged, taken by another program or blocked in the browser's settings (not a
   * stop() of ours: that fires no event), in the call or in the lobby's preview: it is off, and
   * the visitor is told which.
   */
  trackEnded(track: MediaStreamTrack): void {
    this.devices.forget(track);
    const kind: Kind = track.kind === 'audio' ? 'audio' : 'video';
    const device = kind === 'audio' ? 'microphone' : 'camera';
    const inCall = this.host.phase === 'in-call';
    if (inCall) {
      this.out.room.setLocalStream(this.devices.stream);
      this.#switched(kind, false);
    }
    const generation = this.#generation;
    void this.devices.blocked(kind).then((blocked) => {
      if (generation !== this.#generation) return; // the call ended meanwhile
      // The browser ends the tracks of a device blocked in its settings: said as blocked, with what to do.
      if (blocked) {
        const problem = describeMediaError({ name: 'NotAllowedError' }, device, inCall ? english.pressAgain(kind) : undefined);
        return this.#notice(problem, mediaProblem(problem, inCall ? (t) => t.pressAgain(kind) : undefined));
      }
      this.#notice({ type: 'media-ended', device, message: english.deviceStopped(device) }, { type: 'media-ended', device });
    });
  }

  /**
   * The browser or the system paused a device, or resumed it (see DevicesController.paused), in
   * the call or in the lobby's preview. While it is paused, the others see it off and a notice
   * says why; the visitor's own choice (the button) stays as it was.
   */
  trackPaused(track: MediaStreamTrack): void {
    const kind = track.kind as Kind;
    const device = kind === 'audio' ? 'microphone' : 'camera';
    // While joining too: one that resumes as the call starts (a slow camera's first picture) is
    // told; what is told before the call has the stream is overwritten by what the stream says.
    if (this.host.phase === 'in-call' || this.host.phase === 'joining') this.out.room.setMediaState(this.#sent());
    clearTimeout(this.#pausing[kind]);
    if (!track.muted) return this.#working();
    this.#pausing[kind] = setTimeout(() => {
      if (!this.devices.paused(kind)) return; // resumed, or stopped meanwhile
      this.#notice({ type: 'media-paused', device, message: english.devicePaused(device) }, { type: 'media-paused', device });
    }, PAUSE_NOTICE_AFTER);
  }

  /** Missing, blocked, unplugged or paused no more: the notices of a device that works go (of both, once both work). */
  #working(): void {
    const works = (kind: Kind) => !!this.devices.track(kind) && !this.devices.paused(kind);
    this.out.notices.clear((n) => {
      const device = this.#devices.get(n);
      return !!device && (device === 'microphone' || works('video')) && (device === 'camera' || works('audio'));
    });
  }

  #switched(kind: Kind, on: boolean): void {
    if (kind === 'audio') this.mic = on;
    else this.cam = on;
    this.host.requestUpdate();
    this.out.room.setMediaState(this.#sent());
    this.out.switched(kind, on);
  }

  /** What the others are told: a device on and not paused. */
  #sent(): { mic: boolean; cam: boolean } {
    return { mic: this.mic && !this.devices.paused('audio'), cam: this.cam && !this.devices.paused('video') };
  }

  /** A device's problem as a notice: the event keeps the English message (and what follows it, `more`). */
  #notice(problem: { type: RtcErrorDetail['type']; device: MediaProblem['device']; message: string }, said: Problem, more = ''): void {
    const detail: RtcErrorDetail = { type: problem.type, message: problem.message + more, fatal: false };
    this.#devices.set(detail, problem.device);
    this.out.notices.notice(detail, said);
  }
}
