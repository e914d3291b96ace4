import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatTransport } from '../chat/types.js';
import type { SessionRequest } from '../session/registry.js';
import type { Knocker, LeaveReason, Participant, ReconnectKind, RoomSession, RoomSessionEvents, SessionError, SignallingState } from '../session/room-session.js';
import type { ExtensionFrame, Reaction } from '../session/frames.js';
import type { IceServers, NoRelayReason } from './ice-servers.js';
import { askAhead, askIceServers } from './ice-servers-url.js';
import { loadIceServers, loadSession, type IceServersModule, type SessionModule } from './lazy.js';

// The session layer's types an element needs, so that it imports nothing from session/.
export type { ConfigError } from '../session/config.js';
export type { SessionRequest } from '../session/registry.js';
export type { Knocker, Participant, SessionError, SessionErrorFacts } from '../session/room-session.js';

export interface RoomControllerHandlers {
  participantJoined?(participant: Participant): void;
  participantLeft?(participant: Participant, reason: LeaveReason): void;
  participantReconnected?(participant: Participant, how: ReconnectKind): void;
  /** A member's name, media or connection changed. */
  participantUpdated?(participant: Participant): void;
  error?(error: SessionError): void;
  /** This page is in the room again under the fresh id `id` (its old one was given away or timed out). */
  rejoined?(id: string): void;
  /** A member in the call reacted. */
  reaction?(participant: Participant, emoji: string): void;
  signalling?(state: SignallingState): void;
  /** The people asking to be let in changed (in a room that knocks). */
  knocks?(knocking: readonly Knocker[]): void;
  /** This page knocked and waits to be let in (true), or no longer waits (false). */
  waiting?(waiting: boolean): void;
  frame?(from: Participant, frame: ExtensionFrame): void;
  binary?(from: Participant, data: ArrayBuffer): void;
}

export interface RoomControllerOptions {
  /**
   * Which members the element's roster holds; everyone when absent. With one, `participants`
   * is that part of the room, and `participantJoined` / `participantLeft` follow it: they also
   * answer a member moving in or out of it (left with reason `left`), not only the room's
   * own joins and leaves. A page's `<rtc-call>` and `<rtc-chat>` share one session, whose
   * members are everyone with either.
   */
  roster?: (participant: Pick<Participant, 'media'>) => boolean;
  /** The element is a chat (`<rtc-chat>`): a call of the page leaves its own chat out beside it (`chats`). */
  chat?: boolean;
  /**
   * The name the element gives its page in the room (empty: none of its own). It is the page's
   * name from the element's join on, and again whenever it changes: a page's call and chat share
   * one session, and the name given last by either is the one everyone sees.
   */
  name?: () => string;
}

/**
 * What a host may tell its controller about its STUN and TURN servers (RoomElement does): the
 * URL to fetch them from, or null when the page gives its own.
 */
export interface IceServersHost {
  iceServersSource(): string | null;
}

/** Said once when this page allows only relayed connections and cannot use the relay server. */
export const NO_RELAY_MESSAGES: Record<NoRelayReason, string> = {
  unavailable:
    'Could not get access to the relay server from the call server, and this page connects only through it: nobody can be reached. Try again later.',
  refused:
    "The relay server refused this page's access, and this page connects only through it: nobody can be reached. Tell the site's owner.",
  none: "The call server offers no relay server, and this page connects only through one: nobody can be reached. Tell the site's owner.",
};

/**
 * The page's elements that take part in each session's call, in the order they joined: the last
 * one's camera and microphone are sent. A route's new call for a room can come onto the page
 * before the old one goes (a transition), and either can go first: both share the page's
 * session. When the one sending ends, the one before it sends its own again; the last one to end
 * takes the page out of the call. One entry per element on the page at most.
 */
const sending = new WeakMap<RoomSession, RoomController[]>();

/** The page's elements on each session: told (an update) when the page's call starts or stops taking part, or a chat comes or goes. */
const users = new WeakMap<RoomSession, Set<RoomController>>();

/** The code that reads and refreshes the ICE servers, once loaded. */
let iceCode: IceServersModule | null = null;

/**
 * The bridge from the session layer to an element: loads the session layer on the first join,
 * holds the page's shared session for the element's room, keeps the roster the element
 * renders, and asks the host to update when the session changes. The element's commands to the
 * session (join, media, screen, chat) go through it too: an element never holds the session.
 * Releasing happens in
 * hostDisconnected, one microtask late, so that moving an element within the page does not
 * leave the room.
 */
export class RoomController implements ReactiveController {
  private lib: SessionModule | null = null;
  private _session: RoomSession | null = null;
  private _participants: Participant[] = [];
  private _awaiting = false;
  private unsubscribe: (() => void)[] = [];
  /** Fetches the ICE servers; made on the first join whose page names none (its code is loaded then). */
  private ice: IceServers | null = null;
  /** Where the latest load asked for them. */
  private iceSource: string | null = null;
  /** The name this element last gave the session (options.name). */
  private named = '';
  /** What this element's call sends, or would if it were the one sending (see `sending`). */
  private sends: { stream: MediaStream | null; screen: MediaStream | null } = { stream: null, screen: null };

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly handlers: RoomControllerHandlers,
    private readonly onRemoved: () => void,
    private readonly options: RoomControllerOptions = {},
  ) {
    host.addController(this);
  }

  /** The other members (those of the roster, with one), in the order they linked up. */
  get participants(): readonly Participant[] {
    return this._participants;
  }

  /**
   * Whether people already in the room when this page joined (of the roster, with one) are still
   * being connected to: the page is not alone, only not linked with them yet.
   */
  get awaiting(): boolean {
    return this._awaiting;
  }

  /** The name the others see this page by, once joining has begun ('' before). */
  get selfName(): string {
    return this._session?.name ?? '';
  }

  /** The statistics of the connection with a member, or null when there is none (or no session). */
  stats(id: string): Promise<RTCStatsReport | null> {
    return this._session?.stats(id) ?? Promise.resolve(null);
  }

  /**
   * Does the join's first step ahead of a join that is likely to come (the visitor points at
   * Join): loads the session layer, which builds nothing (no peer, no RTCPeerConnection), and
   * fetches the ICE servers, which the page keeps while they are fresh. A load that fails is
   * forgotten; the join tries again and reports it.
   */
  preload(): void {
    this.load().catch(() => {});
  }

  /**
   * Loads the session layer (PeerJS included), once per page; rejects with a LoadError
   * (type `network`) when it cannot be fetched. Meanwhile fetches the ICE servers from the
   * element's server when the page names none, so that the first connection has them.
   */
  async load(): Promise<SessionModule> {
    const source = (this.host as Partial<IceServersHost>).iceServersSource?.() ?? null;
    const [lib] = await Promise.all([loadSession(), this.prepareIce(source)]);
    return (this.lib = lib);
  }

  /** Starts fetching the ICE servers from `source`; null (the page names its own) loads nothing. */
  private async prepareIce(source: string | null): Promise<void> {
    this.iceSource = source;
    if (!source) return this.ice?.prepare(null);
    // Until that code is here, nothing on the page has asked: ask now, not after it came.
    if (!iceCode) askAhead(source);
    iceCode ??= await loadIceServers();
    // A later load, while the code came, asked for other servers (or the page's own): it decides.
    if (source !== this.iceSource) return;
    await (this.ice ??= new iceCode.IceServers(askIceServers)).prepare(source);
  }

  /**
   * Attaches to the page's session for the room (creating it if needed) and joins it: resolves
   * once this page is a member, rejects with a SessionError. With `media`, this page says it
   * takes part in the call, and calls wait for `enableMedia`. Needs the session layer: `load()`
   * first; a session that cannot be made throws at once, before any promise.
   */
  join(options: SessionRequest, { media = false } = {}): Promise<void> {
    const session = this.attach(options);
    if (media) session.expectMedia();
    return session.join();
  }

  /** This page's id in the room, once joining has begun; null without a session. */
  get id(): string | null {
    return this._session?.id ?? null;
  }

  /** The room of the session in use, or null without one. */
  get room(): string | null {
    return this._session?.room ?? null;
  }

  /** How loud a member's microphone is now, 0 to 1; 0 without a session. */
  audioLevel(id: string): number {
    return this._session?.audioLevel(id) ?? 0;
  }

  /**
   * The page's chats (`<rtc-chat>` elements, a call's own among them) on this element's session,
   * from their join on: a call shows its own chat only where the page has none of its own.
   */
  get chats(): readonly HTMLElement[] {
    const session = this._session;
    return session ? [...(users.get(session) ?? [])].filter((c) => c.options.chat).map((c) => c.host) : [];
  }

  /** Whether this page holds the room's beacon (it introduces newcomers: it is alone, or was first). */
  get holdsBeacon(): boolean {
    return this._session?.holdsBeacon ?? false;
  }

  /**
   * Takes part in the call with `stream` (null: receive-only), in place of the page's other call
   * of the room, if any: its camera, microphone and shared screen are no longer sent.
   */
  enableMedia(stream: MediaStream | null): void {
    const session = this._session;
    if (!session) return;
    this.sends = { stream, screen: null };
    this.setSending(session, [...this.others(session), this]);
    session.enableMedia(stream);
    // Another element's screen, shared before this one took over, goes with its camera.
    if (session.sharedScreen) session.setScreen(null);
  }

  /**
   * Stops taking part in the call; the data connections (a chat's) stay. The page stays in the
   * call while another of its elements takes part: that one's media is sent again.
   */
  disableMedia(): void {
    const session = this.sender;
    const rest = this._session ? this.others(this._session) : [];
    if (this._session) this.setSending(this._session, rest);
    const next = rest.at(-1);
    if (!session) return;
    if (!next) return session.disableMedia();
    session.enableMedia(next.sends.stream);
    session.setScreen(next.sends.screen);
  }

  /**
   * Whether an element of this page (its `<rtc-call>`) takes part in the call of this element's
   * session: that one shows who asks to be let in, and a chat beside it does not.
   */
  get callHere(): boolean {
    return !!this._session && !!sending.get(this._session)?.length;
  }

  private setSending(session: RoomSession, elements: RoomController[]): void {
    sending.set(session, elements);
    this.tellUsers(session);
  }

  /** The session's elements render again: which of the page's elements take part in it changed. */
  private tellUsers(session: RoomSession): void {
    for (const user of users.get(session) ?? []) user.host.requestUpdate();
  }

  /** The session's other elements in the call (see `sending`). */
  private others(session: RoomSession): RoomController[] {
    return (sending.get(session) ?? []).filter((c) => c !== this);
  }

  /** The camera and microphone stream sent, after a device changed. */
  setLocalStream(stream: MediaStream | null): void {
    this.sends.stream = stream;
    this.sender?.setLocalStream(stream);
  }

  /** Tells the others that the microphone or camera was switched on or off. */
  setMediaState(state: { mic: boolean; cam: boolean }): void {
    this.sender?.setMediaState(state);
  }

  /** Tells the others that this page raised its hand, or lowered it. */
  raiseHand(raised: boolean): void {
    this.sender?.setMediaState({ hand: raised });
  }

  /** Sends a reaction to everyone in the call; false when it did not go (see RoomSession.react). */
  react(emoji: string): boolean {
    return this.sender?.react(emoji as Reaction) ?? false;
  }

  /** The people asking to be let in, in the order they knocked (in a room that knocks; empty otherwise). */
  get knocking(): readonly Knocker[] {
    return this._session?.knocking ?? [];
  }

  /** Whether this page knocked and waits to be let in. */
  get waiting(): boolean {
    return this._session?.waiting ?? false;
  }

  /** Lets someone who knocks in (`letIn` true) or turns them away; false when they no longer knock. */
  answerKnock(id: string, letIn: boolean): boolean {
    return this._session?.answerKnock(id, letIn) ?? false;
  }

  /** Shares a screen with everyone in the call, or stops with null. */
  setScreen(stream: MediaStream | null): void {
    this.sends.screen = stream;
    this.sender?.setScreen(stream);
  }

  /** The session, when this element's media is what it sends (see `sending`). */
  private get sender(): RoomSession | null {
    return this._session && sending.get(this._session)?.at(-1) === this ? this._session : null;
  }

  /** How high the page shows each member's camera, and would show a newcomer's, in device pixels: each sends it no larger; those `paused` (nobody sees the call, or the visitor turned them off) send none; with `screensPaused` (nobody sees the call), none sends its screen. */
  showVideos(heights: ReadonlyMap<string, number>, newcomer: number, paused?: ReadonlySet<string>, screensPaused?: boolean): void {
    this._session?.showVideos(heights, newcomer, paused, screensPaused);
  }

  /** Runs the chat core on the session's data connections. */
  startChat(chat: { start(transport: ChatTransport): void }): void {
    if (this._session) chat.start(this._session);
  }

  private attach(options: SessionRequest): RoomSession {
    const lib = this.lib;
    if (!lib) throw new Error('RoomController.join() before load()');
    const previous = this.detachNow();
    if (previous) void lib.releaseSession(previous, this);
    if (this.ice?.active) options = { ...options, iceServers: this.ice.iceServers };
    const session = lib.acquireSession(options, this);
    this._session = session;
    users.set(session, (users.get(session) ?? new Set()).add(this));
    if (this.options.chat) this.tellUsers(session);
    // The session may be the page's other element's, joined under another name (or none).
    this.named = '';
    this.applyName();
    // With relayed connections only, no relay credentials means nobody can be reached: say so.
    // Otherwise direct connections still work, and the page is not bothered.
    const relayOnly = options.iceTransportPolicy === 'relay';
    const noRelay = (reason: NoRelayReason) => this.handlers.error?.(new lib.SessionError('server-error', NO_RELAY_MESSAGES[reason], false, { relay: reason }));
    this.ice?.start(session, relayOnly ? noRelay : null);
    const { roster } = this.options;
    /** The reason of the room's participant-left under way, for the roster's own left. */
    let leaving: { participant: Participant; reason: LeaveReason } | null = null;
    const refresh = () => {
      const everyone = session.participants;
      this._awaiting = session.awaited.some(roster ?? (() => true));
      if (!roster) {
        this._participants = everyone;
        return this.host.requestUpdate();
      }
      const before = new Map(this._participants.map((p) => [p.id, p]));
      this._participants = everyone.filter(roster);
      this.host.requestUpdate();
      for (const p of this._participants) if (!before.delete(p.id)) this.handlers.participantJoined?.(p);
      for (const [id, p] of before) {
        // Still in the room: out of the roster only. Gone: as the room's participant-left says.
        const now = everyone.find((q) => q.id === id);
        const gone = leaving?.participant.id === id ? leaving : null;
        this.handlers.participantLeft?.(now ?? gone?.participant ?? p, (!now && gone?.reason) || 'left');
      }
    };
    const on = <K extends keyof RoomSessionEvents>(event: K, fn: RoomSessionEvents[K]) =>
      this.unsubscribe.push(session.on(event, fn));
    on('phase', refresh);
    on('awaiting', refresh);
    on('participant-joined', (p) => {
      refresh();
      if (!roster) this.handlers.participantJoined?.(p);
    });
    on('participant-left', (participant, reason) => {
      leaving = { participant, reason };
      refresh();
      leaving = null;
      if (!roster) this.handlers.participantLeft?.(participant, reason);
    });
    on('participant-updated', (p) => {
      refresh();
      this.handlers.participantUpdated?.(p);
    });
    on('renamed', refresh);
    on('reaction', (p, emoji) => this.handlers.reaction?.(p, emoji));
    on('participant-reconnected', (p, how) => {
      refresh();
      this.handlers.participantReconnected?.(p, how);
    });
    on('error', (e) => this.handlers.error?.(e));
    on('rejoined', (id) => {
      refresh();
      this.handlers.rejoined?.(id);
    });
    on('signalling', (state) => {
      refresh();
      this.handlers.signalling?.(state);
    });
    on('knocks', (knocking) => {
      this.host.requestUpdate();
      this.handlers.knocks?.(knocking);
    });
    on('waiting', (waiting) => {
      this.host.requestUpdate();
      this.handlers.waiting?.(waiting);
    });
    on('frame', (from, frame) => this.handlers.frame?.(from, frame));
    on('binary', (from, data) => this.handlers.binary?.(from, data));
    refresh();
    return session;
  }

  /** Lets go of the session; the room is left when no other element on the page uses it. */
  async detach(): Promise<void> {
    const session = this.detachNow();
    if (session) await this.lib?.releaseSession(session, this);
  }

  private detachNow(): RoomSession | null {
    this.ice?.stop();
    const session = this._session;
    if (session && users.get(session)?.delete(this) && this.options.chat) this.tellUsers(session);
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    this._session = null;
    this._participants = [];
    this._awaiting = false;
    return session;
  }

  hostConnected(): void {}

  /** Before each update of the element: a name it changed goes to the session. */
  hostUpdate(): void {
    this.applyName();
  }

  private applyName(): void {
    const name = this.options.name?.().trim() ?? '';
    if (!this._session || !name || name === this.named) return;
    this.named = name;
    this._session.rename(name);
  }

  hostDisconnected(): void {
    queueMicrotask(() => {
      if (this.host.isConnected) return;
      this.ice?.stop();
      this.onRemoved();
    });
  }
}
