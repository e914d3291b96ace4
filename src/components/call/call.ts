import { html, nothing, type PropertyValues } from 'lit';
import { RoomController, type Knocker, type Participant, type SessionRequest } from '../../controllers/room-controller.js';
import { DevicesController } from '../../controllers/devices.js';
import type { SessionModule } from '../../controllers/lazy.js';
import { RoomElement, text } from '../room-element.js';
import { define } from '../define.js';
import type { Strings } from '../../i18n/en.js';
import { failure, type Problem } from '../../i18n/errors.js';
import { english } from '../../i18n/localizer.js';
import type { RtcErrorDetail } from '../../events/error.js';
import { RtcJoinedEvent } from '../../events/joined.js';
import { RtcParticipantJoinedEvent } from '../../events/participant-joined.js';
import { RtcParticipantLeftEvent } from '../../events/participant-left.js';
import { RtcParticipantUpdatedEvent } from '../../events/participant-updated.js';
import { RtcLocalUpdatedEvent } from '../../events/local-updated.js';
import { RtcReactionEvent } from '../../events/reaction.js';
import { RtcChatUpdatedEvent } from '../../events/chat-updated.js';
import { RtcKnockEvent } from '../../events/knock.js';
import { RtcConnectionQualityEvent } from '../../events/connection-quality.js';
import type { ParticipantStats } from '../../media/quality.js';
import { CallAnnouncements } from './call-announcements.js';
import { CallMedia } from './call-media.js';
import { CallPhases, type CallPhase } from './call-phases.js';
import { callStyles } from './call.styles.js';
import { FirstRender } from './first-render.js';
import { callKit, loadInCall } from './call-kit.js';
import type { DeviceKind } from './device-buttons.js';
import type { CallView, InCall } from './in-call.js';
import type { ChatSettings } from './call-chat.js';
import { Lobby } from './lobby.js';
import { Notices } from '../notices.js';
import { renderError, renderNotices, renderWaiting } from './notice-panels.js';
import { ScreenShare, canShareScreen } from './screen-share.js';

export type { CallPhase };

/** The theme attribute's values; without it the element follows the system's setting. */
export type CallTheme = 'light' | 'dark';

/**
 * A multi-party audio and video call in a named room: everyone whose page shows an
 * `<rtc-call>` with the same `room` and `server` sees and hears everyone else.
 *
 * It fills the box the page gives it (unsized, it is as wide as its container and 3/4 as tall,
 * at least 360 px or the screen's height if less) and never overflows it: the tiles are
 * arranged in the columns and rows that make them largest, or one large with the others in a
 * strip (speaker view, or a pinned tile); in a call of two, the other person fills the stage and
 * this page's own camera floats small in its corner (dragged, it goes into the nearest one; its
 * Move button moves it without dragging).
 *
 * Keyboard shortcuts, in a call, while focus is inside the element (not in a text field or a
 * picker, so they never take a key from the page): **M** mutes or unmutes, **V** turns the
 * camera off or on, **S** starts or stops sharing the screen, **H** raises or lowers the hand,
 * **C** opens or closes the call's own chat, **Shift+L** leaves. The buttons
 * name them in their tooltips and `aria-keyshortcuts`. After joining, focus moves to the
 * Mute button; after leaving, to the Join button. Joins, leaves and problems are read out
 * politely to screen readers (a visually hidden `aria-live` region; bursts come as one).
 *
 * In a room that knocks (`knock`), a newcomer waits, with Cancel, until someone in the call lets
 * them in; the people in the call see a row for each person asking, with Let in and Turn away
 * (and Let everyone in while two or more ask), and hear a short chime unless `no-sounds` is set.
 * Once a row answered goes, focus goes on to the next Let in, else to the control bar. In a call
 * of up to six people, two rising notes sound a second after someone comes in and two falling
 * ones as someone leaves (unless `no-sounds` is set): heard in another tab too.
 *
 * **Chat** (once someone else is in the call) opens the call's own chat beside the stage (over it
 * where the element is narrower than 600 px): an `<rtc-chat>` of the same room, with messages and
 * files, which starts a second after someone else comes in and keeps its messages while closed;
 * Chat counts the messages and files that came meanwhile, and they are read out. Its Close
 * button or Escape closes it. Its events stay inside the call. A page that places its own
 * `<rtc-chat>` for the room gets no second one, and `no-chat` leaves it out.
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
 * @csspart waiting - In a room that knocks, while this page waits to be let in: "Asking to join…", with `cancel-button`, beside the visitor's own `preview` with `mic-button` and `camera-button`.
 * @csspart knock-requests - In a room that knocks, above the stage for the people in the call: a `knock-request` for each person asking to be let in, and while two or more ask, `knock-all` before them.
 * @csspart knock-all - "3 people ask to join", with `let-everyone-in-button`.
 * @csspart knock-request - One person asking to be let in: "Ada asks to join", with `let-in-button` and `turn-away-button`.
 * @csspart lobby - The panel shown before joining and after leaving.
 * @csspart preview - The lobby's camera preview, or the button that starts it; the visitor's own camera while they wait to be let in.
 * @csspart preview-video - The live camera picture of `preview` (mirrored, unless the camera faces away: a phone's back camera).
 * @csspart check-button - The lobby's "Check camera and microphone" button.
 * @csspart permission-hint - The lobby's line about the browser's permission prompt.
 * @csspart mic-level - The lobby's microphone level meter; its bar is `mic-level-bar`.
 * @csspart mic-level-bar - The filled part of the meter, scaled by the level.
 * @csspart lobby-form - The lobby's name field, device pickers, `test-speaker-button` and join button.
 * @csspart name-input - The lobby's name field (shown when the page set no `name`).
 * @csspart grid - The stage holding the video tiles.
 * @csspart tile - One participant's tile; also `local-tile` for this page's own, `speaking-tile` while its person speaks, `pinned-tile` when pinned, `hand-tile` while its person's hand is raised, `floating-tile` for this page's own over the other person's in a call of two (it can be dragged to another corner). `data-connection` is `connected` or `reconnecting`.
 * @csspart local-tile - This page's own tile.
 * @csspart speaking-tile - The active speaker's tile.
 * @csspart pinned-tile - The pinned tile.
 * @csspart video - A tile's video; also `local-video` or `remote-video`.
 * @csspart local-video - The local preview (mirrored, unless the camera faces away: a phone's back camera).
 * @csspart remote-video - A remote participant's video (muted: their sound plays in `remote-audio`).
 * @csspart remote-audio - A remote participant's sound (an `<audio>` element, not shown).
 * @csspart screen-audio - The sound of a tab someone shares with its sound (an `<audio>` element in their `screen-tile`, not shown).
 * @csspart placeholder - Shown instead of a video that is off, missing, ended or frozen.
 * @csspart avatar - The initials on a placeholder.
 * @csspart tile-status - "Reconnecting…" on a tile whose connection is being restored.
 * @csspart label - A tile's label: the name and the muted sign.
 * @csspart name - A tile's name.
 * @csspart mic-off - The sign on a tile whose microphone is off (this page's own included).
 * @csspart muted-for-you - The sign on the tile of someone this page's visitor muted for themselves (`person-mute-button`): their sound does not play here.
 * @csspart hand - The sign on a tile whose person raised their hand (this page's own included).
 * @csspart reactions - On a tile, its person's reactions of the last few seconds (at most three), each a `reaction` that rises and fades (without moving where the visitor prefers reduced motion).
 * @csspart reaction - One reaction on a tile: its emoji, in the system's emoji font.
 * @csspart quality - The connection-quality sign on a remote tile (signal bars named for screen readers); `data-quality` is `good` (not shown), `weak` or `bad`. On this page's own tile, `weak` or `bad` while the connections with two or more others all are (this page's own network, most likely).
 * @csspart tile-actions - A tile's buttons: `pin-button`, `fullscreen-button`, `pip-button`; on this page's own, while someone else is here, `hide-self-button`, which hides it from this page only (the others still see it) until `show-self-button`, in the stage's corner where it floated (the bottom right unless dragged), shows it again; while it floats in a call of two, `move-self-button`, which moves it to the next corner clockwise (or with the arrow keys toward one side), as dragging it does.
 * @csspart alone - The card shown while nobody else is in the call, with `copy-link-button`; in a room that knocks, for a page back after being away, "Asking to join…" instead, until it is let in again.
 * @csspart muted-notice - "You're muted", shown when the visitor speaks with the microphone off.
 * @csspart play-button - "Play sound and video", over the stage while the browser holds the others back until the visitor presses something (a call that joined on its own with no device allowed).
 * @csspart controls - The button bar, in one row: its buttons' words show where they fit, else they are icons, and where even those do not fit, `more-button` holds the less used ones.
 * @csspart more-panel - The less used buttons (sharing, the hand, reactions, the people, devices, the view, full screen), opened by `more-button` when the bar is too narrow for them; while this page shares or has its hand up, Stop sharing and Lower hand stay in the bar where they have room.
 * @csspart settings - The panel of device pickers opened by `settings-button`.
 * @csspart reactions-panel - The reactions, opened by `react-button` above the bar: a `reaction-button` for each; it stays open to send several.
 * @csspart people - The call's people, opened by `people-button` above the bar: a heading with their number, and `people-list`.
 * @csspart connection-details - Under a `person` whose `person-quality-button` is pressed, the figures of the connection with them, measured every 2 s: round trip, jitter, packets lost and data each way, their camera as it comes, and whether it goes direct or through a TURN relay (a `dl`).
 * @csspart people-list - One `person` for each: this page's visitor first, the raised hands in the order they went up, then the others as they came.
 * @csspart person - A row of `people-list`: the `avatar`, `person-name`, the signs of a raised hand (with its place), a shared screen, microphone or camera off, the connection's `quality` (good too) in `person-quality-button`, which shows `connection-details` under the row, and `person-pin-button`; `person-mute-button` for the others, which stops that person's sound (and their shared tab's) on this page only (pressed) or plays it again. `data-peer-id` is the participant's id (`local` for this page's visitor).
 * @csspart person-name - The person's name, "(you)" after this page's visitor's.
 * @csspart screen-tile - A shared screen's tile (also `tile`), shown large beside the cameras.
 * @csspart screen-video - A shared screen's video.
 * @csspart sharing-card - On this page's screen tile while it shares a whole screen, instead of its video (which would show itself over and over): says so, with `stop-sharing-button` and `show-screen-button`.
 * @csspart chat-panel - The call's own chat beside the stage while Chat is open (see the description).
 * @csspart chat - The call's own `<rtc-chat>` in it: style it with its custom properties (`--rtc-chat-background`, …).
 * @csspart badge - On Chat (and on More while it holds Chat): how many messages came while the chat was closed.
 * @csspart button - Every button; also `join-button`, `leave-button`, `mic-button`, `camera-button`, `switch-camera-button` (a phone's or a tablet's other camera), `screen-button`, `hand-button`, `react-button`, `reaction-button`, `people-button`, `chat-button`, `close-chat-button`, `person-pin-button`, `person-mute-button`, `person-quality-button`, `settings-button`, `view-button`, `fullscreen-button`, `more-button`, `pin-button`, `pip-button`, `hide-self-button`, `move-self-button`, `show-self-button`, `copy-link-button`, `stop-sharing-button`, `show-screen-button`, `check-button`, `test-speaker-button`, `dismiss-button`, `play-button`, `cancel-button`, `let-in-button`, `turn-away-button`, `let-everyone-in-button`.
 * @csspart device-select - A device picker; also `microphone-select`, `camera-select` or `speaker-select`.
 *
 * @cssprop [--rtc-call-background=#101418 (light: #f8fafc)] - Background of the element: a plain colour (the tiles' rounded corners are painted in it; with anything else they are square).
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
 * @cssprop [--rtc-call-accent=#2563eb (light: #1d4ed8)] - Color of the join button, Stop sharing, the meter and the speaker's outline.
 * @cssprop [--rtc-call-focus-ring=#60a5fa (light: #1d4ed8)] - Color of the focus ring (at least 3:1 against what it is drawn on, tiles included).
 * @cssprop [--rtc-call-accent-foreground=#ffffff] - Text color on the accent color.
 * @cssprop [--rtc-call-danger=#b91c1c] - Color of the leave button.
 * @cssprop [--rtc-call-danger-foreground=#ffffff] - Text color on the danger color.
 * @cssprop [--rtc-call-notice-background=#3f3a1d (light: #fef3c7)] - Background of a notice.
 * @cssprop [--rtc-call-notice-foreground=#fff7cc (light: #713f12)] - Text color of a notice.
 * @cssprop [--rtc-call-status-background=#78350f] - Background of a tile's "Reconnecting…".
 * @cssprop [--rtc-call-quality-weak=#fbbf24] - Color of the connection-quality sign when weak.
 * @cssprop [--rtc-call-quality-bad=#f87171] - Color of the connection-quality sign when bad.
 * @cssprop [--rtc-call-hand-color=#fbbf24] - Color of the raised-hand sign on a tile.
 * @cssprop [--rtc-call-field-background=#1f2937 (light: #ffffff)] - Background of the name field and device pickers.
 * @cssprop [--rtc-call-border=#6b7280 (light: #64748b)] - Border color of the name field and device pickers.
 * @cssprop [--rtc-call-radius=10px] - Corner radius of the element.
 * @cssprop [--rtc-call-tile-radius=10px] - Corner radius of tiles and panels.
 * @cssprop [--rtc-call-button-radius=999px] - Corner radius of buttons and pickers.
 * @cssprop [--rtc-call-gap=8px] - Space between tiles, and around them.
 * @cssprop [--rtc-call-font=14px/1.4 system-ui, sans-serif] - The font (the `font` shorthand).
 * @cssprop [--rtc-call-aspect-ratio=4 / 3] - The element's shape when the page gives it no height.
 * @cssprop [--rtc-call-min-height=360px] - The least height the element takes when the page gives it none; never more than the screen's height (a phone on its side has less).
 *
 * @cssstate idle - Before joining: the lobby shows.
 * @cssstate joining - Asking for devices and connecting.
 * @cssstate waiting - While joining a room that knocks: waiting for someone in the call to let this page in; also in the call, when the page came back after being away (asleep, offline) and asks again.
 * @cssstate in-call - In the room.
 * @cssstate left - After leaving: the lobby shows again, with a join-again button.
 * @cssstate error - The call failed; the message shows.
 *
 * @fires {RtcJoinedEvent} rtc-joined - Joined the room. `detail: { room, id }`. Fired again, with the new `id`, when the page is back in the room under a fresh id (the others had timed it out, or the server gave its id away).
 * @fires {RtcLeftEvent} rtc-left - Left the room. `detail: { room, reason }`: `user` (leave(), or a move to another room), `removed` (the element left the page; heard on the element, or an ancestor that left with it, not on `document`) or `error` (the room refused to take the page back after a lost link; `rtc-error` follows). Once per call.
 * @fires {RtcParticipantJoinedEvent} rtc-participant-joined - Someone joined. `detail: { participant }`. Right after `rtc-joined`, once for each person already in the call; never before it.
 * @fires {RtcKnockEvent} rtc-knock - In a room that knocks, someone started asking to be let in (once per person and knock). `detail: { knocker }`: `{ id, name }`; `letIn(id)` or `turnAway(id)` answers.
 * @fires {RtcLocalUpdatedEvent} rtc-local-updated - This page's own microphone, camera, screen sharing or raised hand changed in the call: by its buttons or keys, a method, or the browser (a device unplugged, sharing stopped from the browser's bar). `detail: { microphoneOn, cameraOn, sharingScreen, handRaised }`, as they are now. Not for a change made by setting a property (`audio-only`, `no-screen-share`), nor for the state the call starts with (read the getters at `rtc-joined`).
 * @fires {RtcReactionEvent} rtc-reaction - Someone else in the call reacted. `detail: { participant, emoji }`.
 * @fires {RtcChatUpdatedEvent} rtc-chat-updated - The call's own chat opened or closed, or its count of messages and files that came while it was closed changed (as Jitsi's `chatUpdated`). `detail: { open, unread }`. Not while the call has no chat of its own.
 * @fires {RtcParticipantUpdatedEvent} rtc-participant-updated - Something about someone in the call changed: their name, microphone, camera, raised hand, shared screen, streams or connection. `detail: { participant }`, as they are now. Only for someone announced by `rtc-participant-joined`.
 * @fires {RtcParticipantLeftEvent} rtc-participant-left - Someone left. `detail: { participant, reason }`. Only for someone announced by `rtc-participant-joined`.
 * @fires {RtcErrorEvent} rtc-error - Something failed. `detail: { type, message, fatal }`.
 * @fires {RtcConnectionQualityEvent} rtc-connection-quality - The quality of the connection with someone changed (and once when first judged). `detail: { participant, quality, stats }`: `quality` is `good`, `weak` or `bad`, `stats` the figures of a `getStats()` entry.
 */
export class RtcCall extends RoomElement {
  static override styles = callStyles;

  static override properties = {
    autojoin: { type: Boolean, reflect: true },
    audioOnly: { type: Boolean, attribute: 'audio-only' },
    startMuted: { type: Boolean, attribute: 'start-muted' },
    startCameraOff: { type: Boolean, attribute: 'start-camera-off' },
    noScreenShare: { type: Boolean, attribute: 'no-screen-share' },
    noSounds: { type: Boolean, attribute: 'no-sounds' },
    noChat: { type: Boolean, attribute: 'no-chat' },
    noIncomingVideo: { type: Boolean, attribute: 'no-incoming-video' },
    theme: { reflect: true },
    _phase: { state: true },
    _hand: { state: true },
  };

  /** Join as soon as the element is on the page, without the lobby; switched on while the lobby waits for the first join, it joins then. */
  autojoin = false;

  /** Join without the camera (the microphone only); set during a call, the camera stops (its light goes out). While set, the camera does not come on. */
  audioOnly = false;

  /**
   * Starts with the microphone muted: the lobby's button says so until the visitor switches it on,
   * and a call joined without the lobby (`autojoin`) starts muted. The microphone is still asked
   * for, so that unmuting is at once.
   */
  startMuted = false;

  /**
   * Starts with the camera off: it is not asked for (its light stays off) until the visitor
   * switches it on, in the lobby or in the call.
   */
  startCameraOff = false;

  /** Switches screen sharing off: no Share screen button, and `toggleScreenShare()` does nothing; set during a share, the share stops. */
  noScreenShare = false;

  /**
   * Plays no sounds: no chime when someone asks to be let in (a room that knocks), and none when
   * someone comes into the call or leaves it (calls of up to six people chime for those).
   */
  noSounds = false;

  /**
   * Leaves the call's own chat out: no Chat in the bar. Without it, a call whose page has no
   * `<rtc-chat>` of its own for the room has one (see the element's description).
   */
  noChat = false;

  /**
   * Receives none of the others' cameras, to save data (as Zoom's "Stop incoming video"): their
   * tiles show their initials and say "Video off for you"; sound, shared screens and chat still
   * come, and the others still see the visitor. The visitor turns it on and off in Devices (it sets
   * this property).
   */
  noIncomingVideo = false;

  /** `light` or `dark`; unset (the default), the element follows the system's colour scheme. */
  theme?: CallTheme;

  private _phase: CallPhase = 'idle';
  /** Whether this page's hand is raised. */
  private _hand = false;

  private readonly internals: ElementInternals;
  private readonly controller = new RoomController(
    this,
    {
      // Events for people met while joining wait for rtc-joined, which is followed by one for each still here.
      participantJoined: (participant) => {
        this.firstRender.release(); // the first person is here: the render no longer delays them
        this.inCall?.met();
        this.notices.met();
        this.announcer.joined(participant);
        if (this._phase !== 'in-call') return;
        if (participant.arrived !== false) this.chime('join');
        this.dispatchEvent(new RtcParticipantJoinedEvent({ participant }));
      },
      participantUpdated: (participant) => {
        this.announcer.updated(participant, this.participants.filter((p) => p.hand).length + (this._hand ? 1 : 0));
        // Someone in the call (not a page with the chat only), once rtc-participant-joined said them.
        if (this._phase === 'in-call' && this.participants.some((p) => p.id === participant.id)) this.dispatchEvent(new RtcParticipantUpdatedEvent({ participant }));
      },
      // Shown on their tile and read out; only for someone in the call (the session paces them).
      reaction: (participant, emoji) => {
        if (this._phase !== 'in-call' || !this.participants.some((p) => p.id === participant.id)) return;
        this.inCall?.reacted(participant.id, emoji);
        this.announcer.reacted(participant, emoji);
        this.dispatchEvent(new RtcReactionEvent({ participant, emoji }));
      },
      participantLeft: (participant, reason) => {
        this.announcer.left(participant, reason);
        this.inCall?.left(participant.id, this.participants.length);
        if (this._phase !== 'in-call') return;
        this.chime('leave');
        this.dispatchEvent(new RtcParticipantLeftEvent({ participant, reason }));
      },
      // A session that ends on its own in a call (joining again after a sleep found the room full,
      // say) ends the call, which says why; while joining, join() says it.
      error: (error) => (error.fatal && this._phase === 'in-call' ? void this.phases.lost(error) : this.notices.sessionError(error)),
      signalling: (state) => this.notices.signalling(state),
      knocks: (knocking) => this.heardKnocks(knocking),
      // Read out once: the panel that says it is not a live region.
      waiting: (waiting) => {
        // In a call: back after being away in a room that knocks (the stage's card says it too).
        if (!waiting || (this._phase !== 'joining' && this._phase !== 'in-call')) return;
        for (const words of [this.t.askingToJoin, this.t.letInSoon]) this.announce(words);
        // The visitor who pressed Join (whose button went) gets Cancel.
        if (this.phases.pressed && this._phase === 'joining') void this.focusFirst();
      },
      // The others now know this page by another id: the page is told it, as at the first join.
      rejoined: (id) => this._phase === 'in-call' && this.dispatchEvent(new RtcJoinedEvent({ room: this.phases.room, id })),
    },
    () => void this.phases.end('removed'),
    // The call's people: a member who only has the chat open, or who left the call and kept
    // the chat, shares the page's session but is not in the call. Its name: the page's, or the
    // one typed in the lobby.
    { roster: (p) => p.media, name: () => this.displayName },
  );
  // A device that ends before the call is off, as the lobby's button then says: the call starts without it.
  private readonly devices = new DevicesController(this, {
    trackEnded: (track) => {
      if (this._phase !== 'in-call') this.lobby.ended(track.kind);
      this.media.trackEnded(track);
    },
    trackPaused: (track) => this.media.trackPaused(track),
    // Allowed in the browser's settings after being blocked: the lobby asks again by itself.
    permissionChanged: (permission) => {
      if (permission === 'granted') void this.lobby.allowed();
    },
  });
  private readonly announcer = new CallAnnouncements(this, () => this.t);
  private readonly notices = new Notices(this, { strings: () => this.t, announce: (text) => this.announce(text), focusBelow: () => this.focusFirst() });
  private readonly media = new CallMedia(this, this.devices, {
    room: this.controller,
    notices: this.notices,
    switched: (kind, on) => {
      if (kind === 'audio' && on) this.inCall?.unmuted();
      this.announce(kind === 'audio' ? (on ? this.t.microphoneOn : this.t.microphoneOff) : on ? this.t.cameraIsOn : this.t.cameraIsOff, true);
    },
  });
  private readonly lobby = new Lobby(this, this.devices, (problems) => this.media.report(problems));
  private readonly screen = new ScreenShare(this, {
    shared: (stream) => {
      this.controller.setScreen(stream);
      if (stream) this.announce(this.t.screenShared);
      else if (this._phase === 'in-call') this.announce(this.t.screenStopped);
    },
    denied: () => this.notices.notice({ type: 'media-denied', message: english.screenDenied, fatal: false }, { type: 'media-denied', text: (t) => t.screenDenied }),
  });
  /** The stage, the control bar and what they show (in-call.ts): from the first join on. */
  private inCall: InCall | null = null;
  /** A bad setting, as it was when the call failed on it: the attribute at fault (all of them, when no one is) and its value (see willUpdate). */
  private failedSetting: { field?: string; value: string } = { value: '' };
  /** Held back, with autojoin, while the join gets going. */
  private readonly firstRender = new FirstRender(() => this.requestUpdate());
  /** Joining and leaving (call-phases.ts). */
  private readonly phases = new CallPhases(
    this,
    {
      room: this.controller,
      devices: this.devices,
      media: this.media,
      lobby: this.lobby,
      screen: this.screen,
      notices: this.notices,
      announcer: this.announcer,
      firstRender: this.firstRender,
    },
    {
      enter: (phase) => (this._phase = phase),
      strings: () => this.t,
      options: (lib) => this.sessionOptions(lib),
      staged: (parts) => this.useInCall(parts),
      started: (current) => {
        this.inCall?.start(current);
        this.heardKnocks(this.controller.knocking); // those who knocked while this page joined
      },
      ended: () => {
        this.inCall?.end();
        this.announcer.knocks([]);
        this._hand = false;
      },
      failed: (err) => this.fail(...failure(this, err)),
      hasFocus: () => this.hasFocus(),
      focusFirst: () => this.focusFirst(),
    },
  );

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
    return this._phase === 'in-call' ? this.controller.id : null;
  }

  /** This page's camera and microphone, while joining or joined (null when receive-only). */
  get localStream(): MediaStream | null {
    return this._phase === 'in-call' || this._phase === 'joining' ? this.devices.stream : null;
  }

  /**
   * Whether the microphone is on; before the call (and while joining), whether the call starts
   * with it, as the lobby's button and `toggleMicrophone()` set it.
   */
  get microphoneOn(): boolean {
    return this._mic;
  }

  /**
   * Whether the camera is on; before the call (and while joining), whether the call starts with
   * it, as the lobby's button, `toggleCamera()` and `audio-only` set it.
   */
  get cameraOn(): boolean {
    return this._cam;
  }

  override connectedCallback(): void {
    const first = !this.hasUpdated;
    if (first && (this.autojoin || this.hasAttribute('autojoin'))) this.firstRender.hold();
    super.connectedCallback();
    // Properties a page set before the element was defined (a password, say) are put in place by
    // the first update: the join waits for it, or it would read the defaults (the open room).
    if (first) void this.updateComplete.then(() => this.isConnected && this.arrived());
    else this.arrived();
  }

  /** On the page: joins with autojoin, else shows the lobby's preview when the devices are allowed. */
  private arrived(): void {
    if (this.autojoin && (this._phase === 'idle' || this._phase === 'left')) void this.join().catch(() => {});
    else if (this._phase === 'idle' && this.lobby.preview === 'off') void this.lobby.previewIfAllowed();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    queueMicrotask(() => {
      if (this.isConnected) return;
      this.lobby.close();
      this.inCall?.stop();
    });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const phase = this._phase; // before a move below ends the call
    // Moving to another room (or server) while in a call: leave, then join the new one.
    // Not for an element no longer on the page (removed just after the change): its call ends there.
    // Nor once the page called leave(), before the change or while its leave goes on.
    if (this.movesRoom(changed) && (this._phase === 'in-call' || this._phase === 'joining')) this.phases.move();
    // Switched on while the lobby waits for the first join (a page that rendered it off): in now.
    // Not once the visitor left, nor on the first update, which arrived() answers.
    if (changed.get('autojoin') === false && this.autojoin && this._phase === 'idle' && this.isConnected) void this.join().catch(() => {});
    // Switched off during the call: what they would control stops, as its button goes. The page
    // set the property: it is not told of what that changes.
    if (changed.has('noScreenShare') || changed.has('audioOnly')) this.inCall?.quiet();
    if (changed.has('noScreenShare') && this.noScreenShare) this.screen.stop();
    if (changed.has('audioOnly') && this.audioOnly) {
      if (this._phase === 'in-call') this.media.dropCamera();
      else if (this._phase !== 'joining') this.devices.drop('video'); // the lobby's preview: the camera's light goes out
    }
    // A bad setting, corrected, or another room (or server) after any failure or a leave: back to
    // the lobby (or straight in, with autojoin), as a new element for that room would show. The
    // old room's error or leave says nothing about the new one, which was never joined.
    const corrected = phase === 'error' && this.notices.error?.type === 'invalid-config' && this.setting(this.failedSetting.field) !== this.failedSetting.value;
    if ((phase === 'error' || phase === 'left') && (this.movesRoom(changed) || corrected)) {
      this._phase = 'idle';
      this.notices.clearError();
      if (this.autojoin && this.isConnected) void this.join().catch(() => {});
      else if (this.isConnected) void this.lobby.previewIfAllowed();
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('_phase' as keyof RtcCall)) {
      const states = this.internals.states;
      for (const s of ['idle', 'joining', 'in-call', 'left', 'error']) states.delete(s);
      states.add(this._phase);
    }
    this.internals.states[this.waiting || this.waitingAgain ? 'add' : 'delete']('waiting');
    if (this._phase === 'in-call') this.announcer.screens(this.participants);
    // The others' videos: through the chosen speaker, and playing.
    const remote = [...this.renderRoot.querySelectorAll<HTMLMediaElement>('video[part~="remote-video"], audio[part~="remote-audio"], audio[part~="screen-audio"]')];
    for (const media of remote) this.devices.applySpeaker(media);
    this.inCall?.play(remote);
  }

  /**
   * Joins the room: asks for the camera and microphone (unless the lobby's preview has them)
   * and connects to the others. Resolves when joined; rejects with the error also shown in the
   * element and sent as `rtc-error`. Missing or blocked devices do not fail the join: it goes
   * on audio-only or receive-only and says so. Called while the last call's goodbyes still go
   * out, it joins once they went; on an element that is not on the page, it rejects with an
   * `InvalidStateError` (nothing would end that call).
   */
  join(): Promise<void> {
    return this.phases.join();
  }

  /** Leaves the room, stops the camera and microphone, and closes every connection. */
  leave(): Promise<void> {
    return this.phases.leave();
  }

  /**
   * Switches the microphone on or off (toggles without an argument). Switching on a microphone
   * that was missing, blocked or unplugged asks for one again. Before the call (and while
   * joining) it sets what the call starts with, as the lobby's button does.
   */
  async toggleMicrophone(on: boolean = !this._mic): Promise<void> {
    if (this._phase === 'in-call') await this.media.setOn('audio', on);
    else await this.lobby.choose('audio', on);
  }

  /**
   * Switches the camera on or off (toggles without an argument). Off, the camera is stopped
   * (its light goes out) and the others see the name; on again, it is asked for again, as is one
   * that was missing, blocked or unplugged. Before the call (and while joining) it sets what the
   * call starts with, as the lobby's button does. With `audio-only` it does not switch the
   * camera on.
   */
  async toggleCamera(on: boolean = !this._cam): Promise<void> {
    // Audio-only: the button is disabled and V does nothing; nor does a script turn it on.
    if (this._phase === 'in-call' && on && this.audioOnly) return;
    if (this._phase === 'in-call') await this.media.setOn('video', on);
    else await this.lobby.choose('video', on);
  }

  /**
   * Turns to another camera: on a phone or a tablet from the front camera to the back one and
   * back, as its Switch camera button does; elsewhere to the next camera in the list. In a
   * call, the new camera replaces the old one in every connection; before it, in the lobby's
   * preview. Does nothing while the camera is off.
   */
  async switchCamera(): Promise<void> {
    if (this._phase === 'in-call') return this._cam ? this.media.switchCamera() : undefined;
    if (this.lobby.preview === 'on' && this.devices.track('video')) this.media.report((await this.devices.switchCamera()).problems);
  }

  /**
   * Shares a screen, a window or a tab with everyone in the call, or stops (toggles without an
   * argument). The browser asks the visitor what to share; stopping from the browser's own bar
   * is the same as stopping here. Does nothing outside a call or with `no-screen-share`.
   */
  async toggleScreenShare(enabled: boolean = !this._screen): Promise<void> {
    if (!enabled) return this.screen.stop();
    if (this._screen || this.noScreenShare || this._phase !== 'in-call' || !navigator.mediaDevices?.getDisplayMedia) return;
    const generation = this.phases.generation;
    await this.screen.start(() => generation === this.phases.generation && this._phase === 'in-call');
  }

  /** Whether this page shares a screen, a window or a tab (`toggleScreenShare()`). */
  get sharingScreen(): boolean {
    return !!this._screen;
  }

  /** Whether this page's hand is raised (`toggleHand()`). */
  get handRaised(): boolean {
    return this._hand;
  }

  /**
   * Opens the call's own chat beside the stage, or closes it (toggles without an argument), as
   * Chat in the bar and the C key do. Does nothing outside a call, before someone else came into
   * it, or where the call has no chat of its own (`no-chat`, or the page's own `<rtc-chat>`).
   */
  toggleChat(open?: boolean): void {
    if (this._phase === 'in-call') this.inCall?.toggleChat(open);
  }

  /**
   * Raises the hand, to ask to speak, or lowers it (toggles without an argument), as the Raise
   * hand button does: the others see it on this page's tile (`participant.hand`), and are told.
   * It stays up until lowered or the call ends. Does nothing outside a call.
   */
  toggleHand(raised: boolean = !this._hand): void {
    if (this._phase !== 'in-call' || raised === this._hand) return;
    this._hand = raised;
    this.controller.raiseHand(raised);
    this.announce(raised ? this.t.youRaisedHand : this.t.youLoweredHand, true);
  }

  /**
   * Sends a reaction to everyone in the call, as the React panel does: one of 👍 👏 😂 😮 ❤️ 🎉.
   * It shows for a few seconds on this page's tile and on the others', and is read out to all.
   * Returns false when it did not go: outside a call, another emoji, or within a quarter of a
   * second of the last.
   */
  react(emoji: string): boolean {
    if (this._phase !== 'in-call' || !this.controller.react(emoji)) return false;
    this.inCall?.reacted('local', emoji);
    this.announce(this.t.youReacted(this.t.reaction(emoji)), true);
    return true;
  }

  /**
   * In a call in a room that knocks, the people asking to be let in, in the order they knocked:
   * `{ id, name }` each. Empty outside a call.
   */
  get knocking(): readonly Knocker[] {
    return this._phase === 'in-call' ? this.controller.knocking : [];
  }

  /**
   * Lets someone who asks in (by the `id` of `knocking`, or of `rtc-knock`'s `detail.knocker`),
   * as their Let in button does. Returns false outside a call, or when that id does not knock
   * (someone else answered first, or they gave up).
   */
  letIn(id: string): boolean {
    return this.answerKnock(id, true);
  }

  /** Turns someone who asks away, as their Turn away button does; false as for `letIn()`. */
  turnAway(id: string): boolean {
    return this.answerKnock(id, false);
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
    if (this._phase !== 'in-call' || !this.inCall) return [];
    return this.inCall.measure();
  }

  /**
   * Uses another microphone, camera or speaker, by its `deviceId` from
   * `navigator.mediaDevices.enumerateDevices()`. In a call, the new track replaces the old one
   * in every connection, without renegotiation. A speaker (`audiooutput`) is chosen only where
   * the browser supports `HTMLMediaElement.setSinkId`. A microphone or camera that is off stays
   * off: the device chosen is the one its button switches on.
   */
  async switchDevice(kind: 'audioinput' | 'videoinput' | 'audiooutput', deviceId: string): Promise<void> {
    if (kind === 'audiooutput') return this.devices.setSpeaker(deviceId);
    const media = kind === 'audioinput' ? 'audio' : 'video';
    // A device chosen for a microphone or camera that is off and has no track (joined with the
    // camera off, unplugged while muted) does not switch it on: it comes on with the button.
    const used = (media === 'audio' ? this._mic : this._cam) || !!this.devices.track(media);
    if (used && this._phase === 'in-call') return this.media.replace(media, deviceId);
    if (used && this.lobby.preview === 'on') await this.devices.replace(media, deviceId);
    else this.devices.pick(media, deviceId);
  }

  // The parts' state by the names the API's defaults were written with (custom-elements.json):
  // in the call, the devices'; before it, what the call is to start with.
  private get _mic(): boolean {
    return this._phase === 'in-call' ? this.media.mic : this.lobby.joinMic;
  }

  private get _cam(): boolean {
    return this._phase === 'in-call' ? this.media.cam : this.lobby.joinCam && !this.audioOnly;
  }

  private get _screen(): MediaStream | null {
    return this.screen.stream;
  }

  /** Whether this page knocked and waits to be let in (a room that knocks, while joining). */
  private get waiting(): boolean {
    return this._phase === 'joining' && this.controller.waiting;
  }

  /** Whether this page, in a call, was away (asleep, offline) and asks to be let in again. */
  private get waitingAgain(): boolean {
    return this._phase === 'in-call' && this.controller.waiting;
  }

  /** The name shown and sent: the page's `name`, else the one typed in the lobby. */
  private get displayName(): string {
    return text(this.name || this.lobby.typedName).trim();
  }

  /**
   * The name on this page's own tile: the call's, else the one the others see when the page's
   * chat gave it (not the stand-in for no name at all).
   */
  private get ownTileName(): string {
    const shared = this.controller.selfName;
    return this.displayName || (shared === this.t.guest ? '' : shared);
  }

  /** Whether the call offers to share a screen: the browser can, and the page allows it. */
  private get screenShare(): boolean {
    return !this.noScreenShare && canShareScreen;
  }

  private answerKnock(id: string, letIn: boolean): boolean {
    return this.knocking.some((k) => k.id === id) && this.controller.answerKnock(id, letIn);
  }

  /** Who asks to be let in changed: in a call, each newcomer among them is read out and told to the page, and a chime plays. */
  private heardKnocks(knocking: readonly Knocker[]): void {
    const heard = this.announcer.knocks(this._phase === 'in-call' ? knocking : []);
    if (heard.length) this.chime('knock');
    for (const { id, name } of heard) this.dispatchEvent(new RtcKnockEvent({ knocker: { id, name } }));
  }

  /** A chime for someone asking to be let in, coming or going (InCall says when); none with `no-sounds`. */
  private chime(kind: 'knock' | 'join' | 'leave'): void {
    // The people in the call, this page's visitor among them, and someone leaving counted still.
    if (!this.noSounds) this.inCall?.chime(kind, () => this.devices.speaker, this.participants.length + (kind === 'leave' ? 2 : 1));
  }

  /** The visitor points at Join: the session's code and the stage's load ahead of the join. */
  private preload(): void {
    this.controller.preload();
    loadInCall().catch(() => {}); // the join asks again, and reports it
  }

  /** Sets the in-call parts up from their chunk, the first time the element joins; the stage shows at once. */
  private useInCall({ InCall }: typeof import('./in-call.js')): void {
    if (this.inCall) return;
    this.inCall = new InCall(this, callKit, {
      cues: {
        participants: () => this.participants,
        localAudio: () => this.devices.track('audio') ?? null,
        audioLevel: (id) => this.controller.audioLevel(id),
        micOn: () => this.media.mic,
        // Read out too: a hint that appears already filled is not read by every screen reader.
        mutedHint: () => this.announce(this.t.youreMuted),
      },
      localUpdated: (state) => this.dispatchEvent(new RtcLocalUpdatedEvent(state)),
      chatUpdated: (state) => this.dispatchEvent(new RtcChatUpdatedEvent(state)),
      room: this.controller,
      qualityChanged: (participant, stats) => this.dispatchEvent(new RtcConnectionQualityEvent({ participant, quality: stats.quality, stats })),
      view: () => (this._phase === 'in-call' ? this.stageView() : null),
      showVideos: (heights, newcomer, paused, screensPaused) => this.controller.showVideos(heights, newcomer, paused, screensPaused),
      copied: () => this.announce(this.t.copied),
      playbackBlocked: () => this.announce(this.t.playbackBlocked),
      screenShare: () => this.screenShare,
      chat: () => (this.noChat || this.controller.chats.some((chat) => chat.getRootNode() !== this.renderRoot) ? null : this.chatSettings()),
      theme: () => this.theme,
      say: (text) => this.announce(text),
    });
    this.requestUpdate();
  }

  /** What the call's own chat is given: the settings that name the room, so that it shares the call's session, and the page's texts. */
  private chatSettings(): ChatSettings {
    const { room, server, key, password, iceServers, iceTransportPolicy, maxParticipants, knock, peerFactory, strings } = this;
    return { room, server, key, password, iceServers, iceTransportPolicy, maxParticipants, knock, peerFactory, strings };
  }

  protected override sessionOptions(lib: SessionModule): SessionRequest {
    return { ...super.sessionOptions(lib), name: this.displayName || this.t.guest };
  }

  // Problems and focus.

  /** The settings that name a room and how to reach it, as one string to compare. */
  private settings(): string {
    return JSON.stringify([this.room, this.server, this.key, this.password, this.iceServers, this.iceTransportPolicy, this.maxParticipants, this.name]);
  }

  /** One attribute's value as a string to compare; without one, all of them. */
  private setting(field?: string): string {
    return field ? this.settingOf(field) : this.settings();
  }

  private fail(detail: RtcErrorDetail, problem?: Problem): void {
    this.firstRender.release(); // an error shows at once
    this.failedSetting = { field: problem?.field, value: this.setting(problem?.field) };
    this._phase = 'error';
    this.notices.fail(detail, problem);
  }

  /** Reads a text out to screen readers; `again` for answers to the visitor's own presses. */
  private announce(text: string, again = false): void {
    this.announcer.say(text, again);
  }

  /** Whether focus is inside the element. */
  private hasFocus(): boolean {
    return this.matches(':focus-within');
  }

  /** Moves focus to what comes first in the current phase (see `first`). */
  private async focusFirst(): Promise<void> {
    await this.updateComplete;
    this.first()?.focus();
  }

  /**
   * What comes first in the current phase: Mute in a call, Cancel while waiting to be let in, else Join (Try again, or the error).
   * @internal
   */
  protected override first(): HTMLElement | null | undefined {
    if (this._phase === 'in-call') return this.partNamed('controls')?.querySelector<HTMLButtonElement>('button:not(:disabled)');
    if (this.waiting) return this.partNamed('cancel-button');
    return this.partNamed('join-button') ?? this.partNamed('error');
  }

  /** The first element of the shadow tree with the CSS part `name`. */
  private partNamed(name: string): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>(`[part~="${name}"]`);
  }

  // Rendering: the parts' templates, given what they show.

  /** How many are in the call, or what is happening: from the phase, in the language of this render. */
  private statusLine(t: Strings): string {
    if (this._phase === 'in-call') {
      const count = this.participants.length + 1;
      // Back after being away for long (asleep, offline), the page comes in as a newcomer: it knocks again.
      if (count === 1 && this.waitingAgain) return t.waitingToBeLetIn;
      if (count === 1 && this.controller.awaiting) return t.connecting;
      return count === 1 && this.password ? t.alonePrivate : t.inCall(count);
    }
    return this.waiting ? t.waitingToBeLetIn : this._phase === 'joining' ? t.joining : this._phase === 'left' ? t.youLeft : '';
  }

  protected override render() {
    if (this.firstRender.held) return nothing;
    const t = this.t;
    return html`
      <div part="base" class="base" role="region" aria-label=${t.region(this.room)}>
        <div part="header" class="header">
          <span part="room-name" class="room" title=${this.room}>${this.room}</span>
          <span part="status" class="status">${this.statusLine(t)}</span>
        </div>
        ${this.announcer.render()} ${renderNotices(this.notices, t)} ${this.renderMain(t)}
      </div>
    `;
  }

  private renderMain(t: Strings) {
    const pickers = { t, devices: this.devices, audioOnly: this.audioOnly, choose: (kind: DeviceKind, id: string) => this.switchDevice(kind, id) };
    switch (this._phase) {
      case 'error':
        return renderError(this.notices, t, () => this.join().catch(() => {}));
      case 'idle':
      case 'left':
        return this.lobby.render({ ...pickers, name: this.name, displayName: this.displayName, left: this._phase === 'left', join: () => this.join().catch(() => {}), prepare: () => this.preload() });
    }
    // Knocked: waiting to be let in, with Cancel (a leave while joining, back to the lobby).
    if (this.waiting) {
      const toggle = (kind: 'audio' | 'video') => (kind === 'audio' ? this.toggleMicrophone() : this.toggleCamera());
      return renderWaiting(t, { stream: this.devices.stream, cam: this._cam, mic: this._mic, name: this.ownTileName, audioOnly: this.audioOnly, toggle, cancel: () => this.leave() });
    }
    // Joining, until the stage's code came (it comes after the session's): the header says so.
    if (!this.inCall) return nothing;
    return this.inCall.render(
      this.stageView(t),
      {
        ...pickers,
        call: this,
        screenShare: this.screenShare,
        sharing: !!this._screen,
      },
      { knocking: this.knocking, answer: (id, letIn) => this.answerKnock(id, letIn) },
    );
  }

  /** What the stage shows of the call: the others and this page (the in-call parts add what the visitor arranged). */
  private stageView(t = this.t): CallView {
    return {
      t,
      participants: this.participants,
      inCall: this._phase === 'in-call',
      awaiting: this.controller.awaiting,
      waiting: this.waitingAgain,
      password: this.password,
      local: { stream: this.devices.stream, screen: this._screen, name: this.ownTileName, mic: this._mic && !this.devices.paused('audio'), cam: this._cam && !this.devices.paused('video'), hand: this._hand },
      incomingVideo: !this.noIncomingVideo,
      stopSharing: () => this.screen.stop(),
    };
  }
}

define('rtc-call', RtcCall);

declare global {
  interface HTMLElementTagNameMap {
    'rtc-call': RtcCall;
  }
}
