/**
 * What `<rtc-call>` shows and does only in a call, as one part: the stage with its tiles and
 * layouts, the control bar, the list of the call's people, the call's own chat beside the stage, the people asking to be let in, the speaker and connection-quality signs, reactions, playback held
 * back by the browser, the cameras' sizes and their pause while nobody can see the call, the screen's wake lock, the keyboard shortcuts, the page
 * told of the visitor's own microphone, camera, sharing and hand (rtc-local-updated), and
 * the styles of the stage and the bar (stage.styles.ts, bar.styles.ts). It is a chunk of its own in the script-tag bundle,
 * loaded with the session layer (the join, in call-phases.ts): the lobby shows without it, and
 * the call waits for it as it waits for the session, so the first render in the call has the
 * stage. It takes lit and what it shares with the lobby from the element (CallKit), never by
 * import.
 */
import type { Participant } from '../../controllers/room-controller.js';
import type { RtcChatUpdatedDetail } from '../../events/chat-updated.js';
import type { RtcLocalUpdatedDetail } from '../../events/local-updated.js';
import type { ConnectionStats, ParticipantStats } from '../../media/quality.js';
import { CameraPause } from './camera-pause.js';
import { BarFit, type BarFitHost } from './bar-fit.js';
import { BarPanel } from './bar-panel.js';
import { CallChat, type ChatSettings } from './call-chat.js';
import { callChatStyles } from './call-chat.styles.js';
import type { CallKit } from './call-kit.js';
import { CameraSizes } from './camera-sizes.js';
import { chime, testTune as tune, type ChimeKind } from '../chime.js';
import { renderControls, type ControlsView } from './controls.js';
import { HandOrder } from './hand-order.js';
import { LocalUpdates, type LocalUpdatesHost } from './local-updates.js';
import { renderKnockRequests, type KnockView } from '../knock-requests.js';
import { renderPeople } from './people-panel.js';
import { peopleStyles } from './people.styles.js';
import { pressShortcut, type ShortcutTarget } from './keyboard.js';
import { placeDirective, type Place } from './place.js';
import { Playback } from './playback.js';
import { QualitySigns, type QualitySource } from './quality-signs.js';
import { Reactions } from './reactions.js';
import { SpeakerCues, type CuesSource } from './speaker-cues.js';
import { renderStage, type StageView } from './stage.js';
import { stageStyles } from './stage.styles.js';
import { StageState, type StageHost } from './stage-state.js';
import { ScreenWakeLock } from './wake-lock.js';

/** Calls of up to this many people (this page's visitor among them) chime as someone comes or goes. */
const CHIME_UP_TO = 6;
/** How long after someone comes in their chime plays (ms). */
const JOIN_CHIME_AFTER = 1_000;

/** The lobby's speaker test (chime.ts, in the session's chunk: a chunk re-exports nothing of another), loaded with the call's parts. */
export const testTune = (speaker: string): void => tune(speaker);

/** What the stage shows of the call; the in-call parts add what they hold. */
export type CallView = Omit<StageView, 'kit' | 'place' | 'state' | 'cues' | 'quality' | 'playback' | 'reactions' | 'hands'>;

/** What the control bar shows of the call; the in-call parts add the view and full screen. */
export type BarView = Omit<ControlsView, 'kit' | 'state' | 'fit' | 'panel' | 'chat'>;

/** Who asks to be let in, and the answer (the in-call parts add lit). */
export type KnockList = Omit<KnockView, 'kit' | 't'>;

/** The element, as the in-call parts see it. */
export interface InCallHost extends StageHost, ShortcutTarget, BarFitHost, LocalUpdatesHost {
  /** The visitor turned the others' cameras off (`no-incoming-video`). */
  readonly noIncomingVideo: boolean;
}

/** What the in-call parts ask the element, and tell it. */
export interface InCallHooks {
  /** What the speaker cues listen to. */
  cues: CuesSource;
  /** This page's own microphone, camera, sharing or hand changed in the call (not by a property the page set). */
  localUpdated(state: RtcLocalUpdatedDetail): void;
  /** The call's people, and the statistics of the connection with each. */
  room: QualitySource;
  /** Someone's connection quality changed (or was first judged). */
  qualityChanged(participant: Participant, stats: ConnectionStats): void;
  /** What the stage shows now, or null while it shows no call. */
  view(): CallView | null;
  /** The heights of the members' cameras now showing, and a newcomer's, in device pixels; those paused (nobody sees the call, or the visitor turned them off); whether the shared screens are (nobody sees the call). */
  showVideos(heights: ReadonlyMap<string, number>, newcomer: number, paused: ReadonlySet<string>, screensPaused: boolean): void;
  /** The invitation's link was copied. */
  copied(): void;
  /** The browser held the others' sound and video back until the visitor presses something. */
  playbackBlocked(): void;
  /** Whether S shares the screen (the browser can, and the page allows it). */
  screenShare(): boolean;
  /** The call's own chat opened or closed, or its count of what came while closed changed. */
  chatUpdated(state: RtcChatUpdatedDetail): void;
  /** The settings the call's own chat is given; null while the page has a chat of its own for the room, or the call has none (`no-chat`). */
  chat(): ChatSettings | null;
  /** The call's theme, for its chat's colours. */
  theme(): 'light' | 'dark' | undefined;
  /** Reads a text out to screen readers. */
  say(text: string): void;
}

export class InCall {
  readonly #stage: StageState;
  /** The chime for someone coming, waiting out the first moments of their join (see `chime`). */
  #joinChime: ReturnType<typeof setTimeout> | undefined;
  readonly #cues: SpeakerCues;
  readonly #quality: QualitySigns;
  readonly #playback: Playback;
  readonly #place: Place;
  readonly #fit: BarFit;
  readonly #reactions: Reactions;
  readonly #panel: BarPanel;
  readonly #hands = new HandOrder();
  readonly #local: LocalUpdates;
  readonly #chat: CallChat;
  /** The chat's state last told the page (open, count), or null while Chat does not show. */
  #chatTold: string | null = null;
  readonly #hooks: InCallHooks;
  readonly #host: InCallHost;

  /** Made once per element, the first time it joins; its parts then follow every call the element makes. */
  constructor(
    host: InCallHost,
    private readonly kit: CallKit,
    hooks: InCallHooks,
  ) {
    // The stage's rules, after the element's own (the cascade as if they were one sheet), before
    // the stage's first render; once, as the parts are made once. Lit sets the element's sheets
    // only as it makes its shadow root: these stay for every later render and call. Where
    // adopted sheets are missing, adoptStyles appends a <style> after Lit's own.
    const root = host.renderRoot as ShadowRoot;
    const styles = [stageStyles(kit), peopleStyles(kit), callChatStyles(kit)];
    kit.adoptStyles(root, kit.supportsAdoptingStyleSheets ? [...root.adoptedStyleSheets, ...styles] : styles);
    this.#stage = new StageState(host, () => hooks.copied());
    const pause = new CameraPause(
      host,
      () => host.phase === 'in-call',
      () => !host.noIncomingVideo,
      () => this.#stage.resumeVideos(),
    );
    this.#cues = new SpeakerCues(host, hooks.cues, kit);
    this.#quality = new QualitySigns(host, hooks.room, (participant, stats) => hooks.qualityChanged(participant, stats), kit, () => pause.settled());
    this.#playback = new Playback(host, () => hooks.playbackBlocked());
    this.#place = placeDirective(kit);
    this.#fit = new BarFit(host);
    this.#reactions = new Reactions(host);
    this.#panel = new BarPanel(host);
    this.#local = new LocalUpdates(host, (state) => hooks.localUpdated(state));
    this.#chat = new CallChat(host, (text) => hooks.say(text));
    this.#hooks = hooks;
    this.#host = host;
    // Each member's camera comes no larger than its tile, and none while nobody can see the call or the visitor turned them off.
    new CameraSizes(host, {
      view: () => {
        const call = hooks.view();
        return call && this.#view(call);
      },
      // Paused: everyone's, those whose video has shown no frame yet too (a newcomer's).
      show: (heights, newcomer) => hooks.showVideos(heights, newcomer, pause.paused ? pause.pausedAmong(hooks.room.participants.map((p) => p.id)) : new Set(), pause.screensPaused),
    });
    // The screen stays on in the call: a phone would turn it off, and its browser stop the page.
    new ScreenWakeLock(host, () => host.phase === 'in-call');
    host.addEventListener('keydown', (e) => pressShortcut(e, host, hooks.screenShare()));
    host.addController({ hostUpdated: () => this.#tellChat() });
  }

  /** Who asks to be let in (a room that knocks), the stage below with the call's chat beside it, the call's people while People is open, and the control bar. */
  render(call: CallView, bar: BarView, knocks: KnockList) {
    const { html, nothing } = this.kit;
    const stage = this.#view(call);
    const others = call.participants.length > 0;
    const settings = this.#hooks.chat();
    const chat = this.#chat.render({
      kit: this.kit,
      t: call.t,
      settings,
      others,
      theme: this.#hooks.theme(),
      open: this.#panel.isOpen('chat'),
      close: () => {
        this.#panel.toggle('chat', false);
        void this.#fit.refocus('chat-button');
      },
    });
    // Chat stays while the call has its own chat and it started: alone again, the visitor still reads it.
    if (this.#panel.isOpen('chat') && !this.#chat.started) this.#panel.toggle('chat', false);
    const people =
      this.#panel.open === 'people' && call.participants.length > 0
        ? renderPeople({
            ...stage,
            state: this.#stage,
            connections: this.#quality,
            close: () => {
              this.#panel.toggle('people', false);
              void this.#fit.refocus('people-button');
            },
          })
        : nothing;
    const controls = { ...bar, kit: this.kit, state: this.#stage, fit: this.#fit, panel: this.#panel, chat: { shown: this.#chatShown(settings, others), unread: this.#chat.unread } };
    return html`${renderKnockRequests({ ...knocks, kit: this.kit, t: call.t })}
      <div class="middle">${renderStage(stage)} ${chat}</div>
      ${people} ${renderControls(controls)}`;
  }

  /**
   * Opens or closes the call's own chat (toggles without `open`), where Chat shows. With focus in
   * the element (the C key), focus goes into the chat's message box, or back to Chat.
   */
  toggleChat(open?: boolean): void {
    if (!this.#chatShownNow()) return;
    const was = this.#panel.isOpen('chat');
    this.#panel.toggle('chat', open);
    if (was !== this.#panel.isOpen('chat') && this.#host.matches(':focus-within')) void this.#fit.refocus(was ? 'chat-button' : 'chat');
  }

  /** Tells the page of each change of the call's chat after an update: opened or closed, or another count of what came while closed (not its first showing). */
  #tellChat(): void {
    const shown = this.#host.phase === 'in-call' && this.#chatShownNow();
    const state = shown ? { open: this.#panel.isOpen('chat'), unread: this.#chat.unread } : null;
    const told = state && `${state.open} ${state.unread}`;
    const before = this.#chatTold;
    this.#chatTold = told;
    if (state && before !== null && told !== before) this.#hooks.chatUpdated(state);
  }

  /** Whether Chat shows in the bar: the call has its own chat, and someone else came (alone again, the visitor still reads it). */
  #chatShown(settings: ChatSettings | null, others: boolean): boolean {
    return !!settings && (others || this.#chat.started);
  }

  /** Whether Chat shows in the bar now. */
  #chatShownNow(): boolean {
    return this.#chatShown(this.#hooks.chat(), this.#hooks.room.participants.length > 0);
  }

  /** Someone joined: alone again later, the visitor is not the first one here. */
  met(): void {
    this.#stage.met = true;
  }

  /** Someone left: their tile is no longer pinned nor they muted; with nobody `others` left, the reactions and the people close, as their buttons go. */
  left(id: string, others: number): void {
    if (this.#stage.pinned === id) this.#stage.pin(null);
    this.#stage.silence(id, false);
    const open = this.#panel.open;
    if (!others && (open === 'reactions' || open === 'people')) this.#panel.toggle(open, false);
  }

  /** Someone reacted: their tile (`local` for this page's own) shows it for a few seconds. */
  reacted(id: string, emoji: string): void {
    this.#reactions.add(id, emoji);
  }

  /**
   * Someone came to ask to be let in, came in or left: a chime through `speaker()`, for a visitor
   * in another tab; for someone coming or going only while the call has at most `CHIME_UP_TO`
   * `people` (this page's visitor among them). Someone coming chimes a second later, once their
   * pictures are on their way: made at once, the page's first sound (its audio context) took from
   * the CPU that sends them their first one.
   */
  chime(kind: ChimeKind, speaker: () => string, people: number): void {
    if (kind !== 'knock' && people > CHIME_UP_TO) return;
    if (kind !== 'join') return chime(kind, speaker());
    this.#joinChime ??= setTimeout(() => {
      this.#joinChime = undefined;
      chime(kind, speaker());
    }, JOIN_CHIME_AFTER);
  }

  /** What changes in this update is the page's own doing (a property it set): the page is not told of it. */
  quiet(): void {
    this.#local.quiet();
  }

  /** The microphone is on: "You're muted" goes at once. */
  unmuted(): void {
    this.#cues.unmuted();
  }

  /** In the call: the speaker cues and the quality signs start, while `current()` says the call goes on. */
  start(current: () => boolean): void {
    this.#cues.start(current);
    this.#quality.start(current);
  }

  /** Stops listening for speakers and measuring the connections, and the call's chat goes (the element left the page). */
  stop(): void {
    this.#chat.end();
    this.#cues.stop();
    this.#quality.stop();
    clearTimeout(this.#joinChime);
    this.#joinChime = undefined;
  }

  /** The call is over: nobody speaks, nothing pinned, nothing copied, nobody met, no panel open. */
  end(): void {
    this.stop();
    this.#cues.forget();
    this.#stage.reset();
    this.#reactions.clear();
    this.#panel.close();
    void this.#fit.toggle(false);
  }

  /** The connection with each other participant, measured now (`RtcCall.getStats`). */
  measure(): Promise<ParticipantStats[]> {
    return this.#quality.measure();
  }

  /** Plays the others' videos and sounds, unless the browser holds them back until a press. */
  play(media: Iterable<HTMLMediaElement>): void {
    this.#playback.play(media);
  }

  /** What the stage shows: the call, and what the visitor arranged and the parts heard. */
  #view(call: CallView): StageView {
    return {
      ...call,
      // Stop sharing on the sharer's card (stage.ts): the card goes, focus goes to Share screen in the bar (or More that holds it).
      stopSharing: () => {
        call.stopSharing();
        void this.#fit.refocus('screen-button');
      },
      kit: this.kit,
      place: this.#place,
      state: this.#stage,
      cues: this.#cues,
      quality: this.#quality.shown,
      playback: this.#playback,
      reactions: this.#reactions,
      hands: this.#hands.places(call.local.hand, call.participants),
    };
  }
}
