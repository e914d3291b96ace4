import type { Participant, RoomController, SessionError, SessionRequest } from '../../controllers/room-controller.js';
import type { DevicesController } from '../../controllers/devices.js';
import type { SessionModule } from '../../controllers/lazy.js';
import type { Strings } from '../../i18n/en.js';
import { RtcJoinedEvent } from '../../events/joined.js';
import { RtcLeftEvent, type RtcLeftDetail } from '../../events/left.js';
import { RtcParticipantJoinedEvent } from '../../events/participant-joined.js';
import type { Notices } from '../notices.js';
import { JoinAttempt } from '../join-attempt.js';
import type { CallAnnouncements } from './call-announcements.js';
import type { CallMedia } from './call-media.js';
import { loadInCall } from './call-kit.js';
import type { FirstRender } from './first-render.js';
import type { Lobby } from './lobby.js';
import type { ScreenShare } from './screen-share.js';

/** The phases of a call element, also exposed as custom states (`:state(in-call)`). */
export type CallPhase = 'idle' | 'joining' | 'in-call' | 'left' | 'error';

/** The element, as the moves between its phases see it. */
export interface CallPhasesHost extends EventTarget {
  readonly phase: CallPhase;
  readonly isConnected: boolean;
  /** The room the element names now. */
  readonly room: string;
  readonly password: string;
  readonly audioOnly: boolean;
  readonly participants: readonly Participant[];
  readonly microphoneOn: boolean;
  readonly cameraOn: boolean;
  toggleMicrophone(on: boolean): Promise<void>;
  toggleCamera(on: boolean): Promise<void>;
}

/** The parts of the element that a join and an end set going, in their order. */
export interface CallParts {
  room: RoomController;
  devices: DevicesController;
  media: CallMedia;
  lobby: Lobby;
  screen: ScreenShare;
  notices: Notices;
  announcer: CallAnnouncements;
  firstRender: FirstRender;
}

/** What the moves ask the element, and tell it. */
export interface CallPhasesHooks {
  /** The element is in `phase` now. */
  enter(phase: CallPhase): void;
  /** The strings of the element's language now. */
  strings(): Strings;
  /** The session's options from the element's attributes (which throws on a bad one). */
  options(lib: SessionModule): SessionRequest;
  /** The in-call parts' chunk came: the element sets them up. */
  staged(parts: typeof import('./in-call.js')): void;
  /** In the call now: the in-call parts start, for as long as `current` says. */
  started(current: () => boolean): void;
  /** The call is over: the in-call parts stop, and what was opened in them closes. */
  ended(): void;
  /** The join failed on `err`: the element shows why, and the phase becomes `error`. */
  failed(err: unknown): void;
  /** Whether focus is inside the element. */
  hasFocus(): boolean;
  /** Moves focus to what comes first in the phase now. */
  focusFirst(): Promise<void>;
}

/**
 * The moves between the phases of `<rtc-call>`: a join (the session's code, the devices, the
 * room, the stage's code), a leave, a session that ends on its own, a move to another room. A
 * leave or a move starts a new generation, and a join it overtook stops where it is.
 */
export class CallPhases {
  readonly #joins = new JoinAttempt();
  /** The end of the call under way: a second leave (or the element's removal) waits for it. */
  #ending: Promise<void> | null = null;
  /** Counts the page's leave() calls: a move to another room started before one does not join. */
  #leaves = 0;
  /** Bumped by every leave, so that a join still under way knows it was overtaken. */
  #generation = 0;
  /** The room the call under way was joining, for its events before the session has it (a move to another room while joining). */
  #joining = '';
  /** See `pressed`. */
  #pressed = false;

  constructor(
    private readonly host: CallPhasesHost,
    private readonly parts: CallParts,
    private readonly hooks: CallPhasesHooks,
  ) {}

  /** Whether the join under way began with focus inside the element (the visitor pressed Join): focus follows it. */
  get pressed(): boolean {
    return this.#pressed;
  }

  /** The call's generation: what a call started is still part of while it is the same. */
  get generation(): number {
    return this.#generation;
  }

  /** The room of the call under way, for its events: the session's, or the one being joined. */
  get room(): string {
    return this.parts.room.room ?? this.#joining;
  }

  /** See RtcCall.join(). */
  join(): Promise<void> {
    const host = this.host;
    // Off the page, nothing would ever end the call (the element's removal does): refused.
    if (!host.isConnected) return Promise.reject(new DOMException('<rtc-call> is not on the page: add it to the page, then join.', 'InvalidStateError'));
    // Joined again while the last call's goodbyes still go out: once they went, unless the page left again meanwhile.
    if (this.#ending) {
      const leaves = this.#leaves;
      return this.#ending.then(() => (leaves === this.#leaves ? this.join() : undefined));
    }
    if (host.phase === 'in-call') return Promise.resolve();
    return this.#joins.of(this.#generation, () => {
      // Focus follows the visitor who pressed Join (not a page that calls join()): to Mute.
      const focused = (this.#pressed = this.hooks.hasFocus());
      const done = this.#runJoin();
      if (focused) void done.then(() => this.hooks.focusFirst(), () => this.hooks.focusFirst()).catch(() => {});
      return done;
    });
  }

  /** See RtcCall.leave(). */
  async leave(): Promise<void> {
    this.#leaves++;
    const focused = this.hooks.hasFocus();
    await this.end('user');
    if (focused) await this.hooks.focusFirst();
  }

  /** Another room (or server) while in a call or joining: leave, then join the new one, unless the page leaves meanwhile. */
  move(): void {
    const leaves = this.#leaves;
    void this.end('user').then(() => void (this.host.isConnected && leaves === this.#leaves && this.join().catch(() => {})));
  }

  /** The session ended on its own during the call: the call ends (`rtc-left`, reason `error`) and shows why. */
  async lost(error: SessionError): Promise<void> {
    await this.end('error');
    if (this.host.phase === 'left') this.hooks.failed(error);
  }

  /** Ends the call, once however often asked while it ends. */
  end(reason: RtcLeftDetail['reason']): Promise<void> {
    return (this.#ending ??= this.#runEnd(reason).finally(() => (this.#ending = null)));
  }

  async #runJoin(): Promise<void> {
    const { host, hooks } = this;
    const { room, devices, media, lobby } = this.parts;
    const generation = this.#generation;
    this.#joining = host.room;
    this.parts.notices.reset();
    hooks.enter('joining');
    lobby.close();
    // The session layer's code and then signalling, and the devices, in parallel: the camera
    // prompt overlaps the load and the server's answers, and calls that arrive meanwhile are
    // answered once the devices are there. The lobby's preview, when there is one, is the
    // stream. The load goes first, so that its requests leave before the few milliseconds
    // that asking for the devices holds the main thread. The stage's code loads once the
    // session's has come (unless the visitor's pointing at Join loaded both ahead), so that its
    // parsing takes nothing from the session's start: it runs while the session waits on the
    // network. The call waits for both, so that its first render shows the stage.
    const loading = room.load();
    const staging = loading.then(() => loadInCall()).then((parts) => hooks.staged(parts));
    staging.catch(() => {}); // awaited below, unless the session's load fails first
    // A camera switched on in the lobby just before Join is still starting: the call starts with it.
    await lobby.settled();
    if (generation !== this.#generation) return;
    const video = !host.audioOnly && lobby.joinCam;
    // A room with a password cannot open on a page that is not secure, and no device can be had
    // there: the devices are asked for once the room let this page in, so that the session's
    // refusal is said alone, not after a notice about the devices.
    const early = host.password && globalThis.isSecureContext === false ? null : media.acquire(video);
    let joined: Promise<void>;
    let sent: MediaStream | null;
    try {
      const lib = await loading;
      if (generation !== this.#generation) return; // a leave overtook this join (and stopped the devices)
      joined = room.join(hooks.options(lib), { media: true });
    } catch (err) {
      if (generation !== this.#generation) return;
      devices.stop();
      hooks.failed(err);
      throw err;
    }
    joined.catch(() => {}); // awaited below, unless a leave overtakes this join
    try {
      const problems = await (early ?? joined.then(() => media.acquire(video)));
      if (generation !== this.#generation) return;
      media.joined(problems, video, lobby.joinMic);
      sent = devices.stream;
      room.enableMedia(sent);
      await Promise.all([joined, staging]);
    } catch (err) {
      if (generation !== this.#generation) return;
      devices.stop();
      await room.detach();
      hooks.failed(err);
      throw err;
    }
    if (generation !== this.#generation) return;
    if (room.holdsBeacon) this.parts.firstRender.release(); // alone in the room: nothing to wait for
    hooks.enter('in-call');
    // Switched while waiting to be let in (a room that knocks), or lost: the call sends what is there now.
    if (devices.stream !== sent) room.setLocalStream(devices.stream);
    // Switched (the lobby's choice, the page's toggle or audio-only) after the devices were asked for.
    if (host.cameraOn && (!lobby.joinCam || host.audioOnly)) void host.toggleCamera(false);
    else if (!video && lobby.joinCam && !host.audioOnly) void host.toggleCamera(true);
    if (host.microphoneOn && !lobby.joinMic) void host.toggleMicrophone(false);
    else if (!host.microphoneOn && lobby.joinMic && devices.track('audio')) void host.toggleMicrophone(true);
    void devices.refresh();
    const current = () => generation === this.#generation && host.phase === 'in-call';
    hooks.started(current);
    host.dispatchEvent(new RtcJoinedEvent({ room: this.room, id: room.id ?? '' }));
    for (const participant of host.participants) if (current()) host.dispatchEvent(new RtcParticipantJoinedEvent({ participant }));
  }

  async #runEnd(reason: RtcLeftDetail['reason']): Promise<void> {
    const { host, parts } = this;
    const wasActive = host.phase === 'in-call' || host.phase === 'joining';
    this.#generation++;
    // Over at once for whatever the page or the visitor does next (a toggle, a move, Join); the
    // goodbyes go out meanwhile, and rtc-left follows them.
    if (wasActive) this.hooks.enter('left');
    parts.devices.stop();
    parts.screen.drop();
    parts.lobby.close();
    this.hooks.ended();
    parts.media.off();
    parts.announcer.clear();
    const room = this.room;
    // Another element (a chat) may keep the session: stop only this element's media.
    parts.room.disableMedia();
    await parts.room.detach();
    if (!wasActive) return;
    parts.announcer.say(this.hooks.strings().youLeft);
    host.dispatchEvent(new RtcLeftEvent({ room, reason }));
  }
}
