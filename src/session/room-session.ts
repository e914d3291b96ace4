/**
 * One page's membership of one room: the facade that wires the session's parts and carries its
 * public API. Each part has a small host interface and never imports a sibling part; the table
 * at the top of docs/protocol.md names the file of each section of the protocol.
 *
 * Session verbs follow PeerJS: `join`, `leave`, `call`, `connect`, `destroy`.
 */
import type { ServerEndpoint } from './config.js';
import { Emitter } from './emitter.js';
import { Entrance } from './entrance.js';
import { Knocking } from './knocking.js';
import { Reports } from './errors.js';
import { Lifecycle } from './lifecycle.js';
import { MediaState } from './media-state.js';
import { Membership, REACT_EVERY } from './membership.js';
import { MAX_PENDING, PairLinks } from './pair-links.js';
import { PairMedia } from './pair-media.js';
import { peerOptionsFor, useIceServers } from './peer-config.js';
import { type CoreFrame, type ExtensionFrame, type MemberInfo, type Reaction, REACTIONS, cleanName, metadata } from './protocol.js';
import { ServerLink } from './server-link.js';
import { ServerRecovery } from './server-recovery.js';
import { Signals } from './signals.js';
import { ShownSizes } from './video-sizes.js';
import {
  DEFAULT_TIMING,
  type Knocker,
  type Participant,
  type RoomSessionEvents,
  type RoomSessionOptions,
  type SessionPhase,
  type SessionTiming,
} from './types.js';

export * from './types.js';

export class RoomSession extends Emitter<RoomSessionEvents> {
  readonly room: string;
  readonly server: ServerEndpoint;
  readonly maxParticipants: number;

  private readonly timing: SessionTiming;
  private readonly life: Lifecycle;
  private readonly serverLink: ServerLink;
  private readonly recovery: ServerRecovery;
  private readonly signals: Signals;
  private readonly links: PairLinks;
  private readonly media: PairMedia;
  private readonly own: MediaState;
  /** When this page last reacted (performance.now()). */
  private reactedAt = -Infinity;
  private readonly sizes = new ShownSizes((id, frame) => this.links.send(id, frame));
  private readonly members: Membership;
  private readonly reports: Reports;
  private readonly entrance: Entrance;
  private readonly knocks: Knocking;
  /** The configuration PeerJS gives every new peer connection. */
  private readonly peerConfig: RTCConfiguration;

  constructor(options: RoomSessionOptions) {
    super();
    this.room = options.room;
    this.server = options.server;
    this.maxParticipants = options.maxParticipants ?? 0;
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    const peerOptions = peerOptionsFor(options);
    this.peerConfig = peerOptions.config;
    const self = () => this.entrance.selfId;
    const isOver = () => this.life.over;
    this.life = new Lifecycle(
      {
        enter: () => this.entrance.enter(),
        // Ping every member and judge every link; forget places that lapsed, gossip now and then.
        beat: () => {
          this.links.beat();
          this.members.beat();
          this.knocks.sweep();
          this.serverLink.sweep();
        },
        // Everyone timed this page out while it slept, and keeps its id out for a while. A page
        // alone had nobody to time it out: a hidden tab's timers may run once a minute when it
        // holds no peer connection, and such a page would start afresh every minute.
        woke: () => {
          if (this.members.linkedIds().length > 0) void this.recovery.rejoin();
        },
        dropBeacon: () => this.serverLink.dropBeacon(),
        bye: () => this.links.broadcast({ t: 'bye' }),
        buffered: () => this.links.buffered(),
        teardown: () => this.teardown(),
        phase: (phase) => this.emit('phase', phase),
        failed: (error) => this.emit('error', error),
      },
      this.timing.heartbeat,
      this.timing.silence,
    );
    this.reports = new Reports({ tell: (error) => this.emit('error', error), nameOf: (id) => this.members.roster.get(id)?.name || 'another participant' });
    this.serverLink = new ServerLink(
      {
        signal: (to, from, what) => this.signals.receive(to, from, what),
        admits: (from, kind, meta) => this.members.admits(from, kind, meta),
        connection: (conn) => {
          this.links.accept(conn);
          void this.signals.welcomeFrom(conn.peer, conn.metadata);
        },
        unavailable: (id) => {
          this.links.unavailable(id);
          this.members.unavailable(id);
        },
        lost: () => this.recovery.lost(),
        beaconLost: () => this.entrance.door?.holderGone(self()),
        media: () => this.media.wantsMedia,
        flooded: (from) => this.reports.flooded(from),
      },
      options.peerFactory,
      peerOptions,
      options.server,
      () => this.timing.openTimeout,
    );
    this.recovery = new ServerRecovery({
      isOver,
      reconnect: () => this.serverLink.reconnect(),
      reset: () => this.reset(),
      enter: async () => {
        await this.entrance.enter();
        if (!this.life.over) this.emit('rejoined', this.entrance.selfId);
      },
      fail: (error) => this.life.fail(error),
      signalling: (state) => {
        this.emit('signalling', state);
        if (state === 'connected') this.entrance.door?.holderGone();
      },
    });
    this.signals = new Signals({
      selfId: self,
      beaconId: () => this.entrance.beaconId,
      isOver,
      sealing: () => this.entrance.privateRoom,
      send: (from, dst, what) => this.serverLink.signal(from, dst, what),
      sendOnLink: (id, frame) => this.links.connection(id) === 'connected' && this.links.send(id, frame),
      dial: (newcomer, extra) => {
        if (this.links.has(newcomer)) return;
        // A newcomer that asks again gets a fresh welcome: one still pending answered a question it gave up on.
        this.links.close(newcomer);
        // One that cannot be dialled (given up on lately, too many waiting) holds no place.
        if (!this.links.dial(newcomer, extra)) this.members.lapsed(newcomer);
      },
      otherVersion: (from, what) => this.reports.otherVersion(from, what),
      isLinked: (id) => this.members.roster.isLinked(id),
      negotiation: (from, frame) => this.media.receive(from, frame),
      toBeacon: (from, what) => this.entrance.door?.beaconSignal(from, what),
      toMember: (from, what) => this.entrance.door?.memberSignal(from, what),
      holderCalling: (holder) => this.members.holderCalling(holder),
      welcomed: (holder, welcome) => this.members.welcomed(holder, welcome),
    });
    this.links = new PairLinks(
      {
        selfId: self,
        isOver,
        serverDown: () => this.serverLink.disconnected,
        connect: (id, extra) => this.serverLink.connect(id, { ...metadata('mesh'), ...extra }),
        hello: (id) => this.own.hello(this.holdsBeacon, this.members.linkedIds(), this.sizes.forHello(id)),
        mayLink: (id) => this.members.mayLink(id),
        linked: (id, hello, said) => {
          this.members.linked(id, hello, this.own.since(said));
          this.knocks.linked(id, !!hello.knock);
        },
        replaced: (id, hello, said) => {
          this.members.replaced(id, hello, this.own.since(said));
          this.knocks.linked(id, !!hello.knock);
        },
        frame: (id, frame) => (!(frame instanceof ArrayBuffer) && (frame.t === 'knock' || frame.t === 'let-in') ? this.knocks.frame(id, frame) : this.members.frame(id, frame)),
        malformed: (id) => this.reports.malformed(id),
        health: (id, changed, restored) => {
          this.members.health(id, changed, restored);
          // A member gone quiet may be this page's network gone: is the server still there?
          if (this.links.connection(id) === 'reconnecting') this.serverLink.check(this.timing.echoTimeout);
        },
        restartIce: (id) => this.media.restartIce(id),
        ended: (id, reason) => {
          this.members.remove(id, reason);
          this.knocks.unlinked(id);
        },
        lapsed: (id) => this.members.lapsed(id),
        progressed: (id) => this.members.progressed(id),
        unreachable: (id) => this.reports.unreachable(id),
        retry: (id) => this.members.expects(id) && this.links.dial(id, {}),
        proofs: () => this.entrance.privateRoom?.proofs(self) ?? null,
        unproven: (id) => this.reports.unproven(id),
        flooded: (id) => this.reports.flooded(id),
        notReading: (id) => this.reports.notReading(id),
      },
      this.timing,
    );
    this.media = new PairMedia({
      selfId: self,
      isOver,
      member: (id) => this.members.mediaOf(id),
      send: (id, frame) => this.signals.negotiate(id, frame),
      streamChanged: (id) => this.members.roster.isLinked(id) && this.members.update(id, {}),
      flooded: (id) => this.reports.flooded(id),
    });
    this.own = new MediaState(
      {
        wantsMedia: () => this.media.wantsMedia,
        sharedScreen: () => this.media.sharedScreen,
        broadcast: (frame) => this.links.broadcast(frame),
      },
      cleanName(options.name) || 'Guest',
    );
    this.members = new Membership({
      selfName: () => this.own.name,
      maxParticipants: this.maxParticipants,
      maxPending: MAX_PENDING,
      selfId: self,
      phase: () => this.life.phase,
      placeHold: () => this.timing.dialTimeout + this.timing.admitHold,
      gossipEvery: () => this.timing.gossip,
      keepOut: () => this.timing.keepOut,
      links: this.links,
      media: this.media,
      door: () => this.entrance.door,
      reports: this.reports,
      emit: (event, ...args) => this.emit(event, ...args),
    });
    this.knocks = new Knocking(
      {
        send: (id, frame) => this.links.send(id, frame),
        changed: (knocking) => this.emit('knocks', knocking),
        waitingChanged: (waiting) => this.emit('waiting', waiting),
        letIn: (id, info, nonce) => this.entrance.door?.letIn(id, info, nonce),
        turnAway: (id, nonce) => this.entrance.door?.turnAway(id, nonce),
      },
      !!options.knock,
    );
    this.entrance = new Entrance(
      {
        server: this.serverLink,
        signals: this.signals,
        members: this.members,
        links: this.links,
        introduction: () => ({ name: this.name, media: this.media.wantsMedia }),
        notice: (error) => this.emit('error', error),
        rejoin: () => this.recovery.rejoinIfDue(),
        isOver,
        knocking: this.knocks,
      },
      { room: this.room, password: options.password ?? '', serverKey: this.server.key },
      this.maxParticipants,
      this.timing,
    );
  }

  get phase(): SessionPhase {
    return this.life.phase;
  }

  /** The name the others see. */
  get name(): string {
    return this.own.name;
  }

  /** Takes another name (cleaned as every name is; an empty one changes nothing): the others are told at once. */
  rename(name: string): void {
    const clean = cleanName(name);
    if (!clean || clean === this.own.name) return;
    this.own.rename(clean);
    this.members.selfRenamed();
    this.emit('renamed', clean);
  }

  /** This page's member id, once joining has begun. */
  get id(): string | null {
    return this.entrance.selfId || null;
  }

  /** Whether this page currently holds the room's beacon (introduces newcomers). */
  get holdsBeacon(): boolean {
    return this.serverLink.holdsBeacon;
  }

  /** The other members linked to this page, in the order they linked up. */
  get participants(): Participant[] {
    return this.members.roster.linked().map((m) => this.members.shown.of(m.id));
  }

  /** Those already in the room when this page was let in that it is still meeting (their links not up yet). */
  get awaited(): MemberInfo[] {
    return this.members.awaited();
  }

  // ---------------------------------------------------------------- joining

  /** Joins the room. Resolves once this page is a member; rejects with a SessionError. */
  join(): Promise<void> {
    return this.life.join();
  }

  /** Before joining again under a fresh id: the room as joined under the old one is let go; this page's media stay. */
  private reset(): void {
    this.members.leaveAll();
    this.teardown(true);
    this.entrance.forget();
  }

  // ---------------------------------------------------------------- media

  /**
   * Says that this page takes part in the call once its camera and microphone have answered:
   * its introduction and hello say so, and calls from others wait to be answered until
   * enableMedia brings the stream. Call it before join(), while the devices are asked for.
   */
  expectMedia(): void {
    this.media.expect();
  }

  /**
   * Takes part in the call: with `stream` (null for receive-only), and the current state of the
   * microphone and camera. Tracks go to every linked member that takes part in the call.
   */
  enableMedia(stream: MediaStream | null): void {
    // The state frame goes ahead of the tracks, so that the members know this page takes part.
    this.media.expect();
    this.own.adopt(stream);
    this.media.enable(stream);
  }

  /** Stops taking part in the call; data connections stay. */
  disableMedia(): void {
    this.media.disable();
    this.own.off();
  }

  /**
   * Changes the tracks this page sends: a new device, a camera switched on for the first time.
   * A track whose kind the call already sends replaces the old one in place (replaceTrack, no
   * renegotiation); a new kind is added by renegotiating the pair's same connection.
   */
  setLocalStream(stream: MediaStream | null): void {
    this.own.adopt(stream);
    this.media.setLocalStream(stream);
  }

  /**
   * Shares a screen (a `getDisplayMedia` stream) with everyone in the call, or stops with null.
   * Its track goes on each pair's connection beside the camera; the others get it as their
   * participant's `screen`.
   */
  setScreen(stream: MediaStream | null): void {
    if (stream && !this.media.wantsMedia) return;
    this.own.tell(stream);
    this.media.setScreen(stream);
  }

  /** The screen this page shares, if any. */
  get sharedScreen(): MediaStream | null {
    return this.media.sharedScreen;
  }

  /**
   * How high this page shows each member's camera, in device pixels (members not in the map: not
   * shown, or not measured), and a newcomer's: each is asked to send it no larger
   * (docs/protocol.md, "Video sizes").
   */
  showVideos(heights: ReadonlyMap<string, number>, newcomer: number): void {
    this.sizes.show(heights, newcomer);
  }

  /** Tells the others that the microphone or camera was switched on or off, or the hand raised or lowered. */
  setMediaState(state: { mic?: boolean; cam?: boolean; hand?: boolean }): void {
    this.own.set(state);
  }

  /**
   * Sends a reaction to every linked member that takes them. False when it did not go: this page
   * is not in the call, or its last reaction went less than REACT_EVERY ms ago (the others would
   * show only one of the two).
   */
  react(emoji: Reaction): boolean {
    const now = performance.now();
    if (!REACTIONS.includes(emoji) || !this.media.wantsMedia || now - this.reactedAt < REACT_EVERY) return false;
    this.reactedAt = now;
    for (const m of this.members.roster.linked()) if (m.react) this.links.send(m.id, { t: 'react', emoji });
    return true;
  }

  /**
   * New STUN and TURN servers (fresh TURN credentials, most often): every connection made from
   * now on uses them, and every open one is given them for its next ICE gathering.
   */
  setIceServers(iceServers: RTCIceServer[]): void {
    useIceServers(this.peerConfig, this.links.peerConnections(), iceServers);
  }

  // ---------------------------------------------------------------- messaging for extensions

  /** Sends a frame to every linked member. */
  broadcast(frame: CoreFrame | ExtensionFrame): void {
    this.links.broadcast(frame);
  }

  /**
   * Sends a frame to one linked member; false when that member is not linked. Binary frames, and
   * frames sent as `bulk`, ride the pair's channel for files, in order with each other.
   */
  send(id: string, frame: CoreFrame | ExtensionFrame | ArrayBuffer, bulk = false): boolean {
    return this.links.send(id, frame, bulk);
  }

  /** The channel bulk frames ride on to a member, for their flow control. */
  channel(id: string): RTCDataChannel | null {
    return this.links.channel(id);
  }

  /** How loud a member's microphone is now, 0 to 1 (see PairMedia.audioLevel). */
  audioLevel(id: string): number {
    return this.media.audioLevel(id);
  }

  /** The statistics of the peer connection with a member (getStats()), or null when there is none. */
  async stats(id: string): Promise<RTCStatsReport | null> {
    const pc = this.links.peerConnection(id);
    if (!pc || pc.connectionState === 'closed') return null;
    return pc.getStats().catch(() => null);
  }

  // ---------------------------------------------------------------- knocking

  /** The people asking to be let in, in the order they knocked (docs/protocol.md, "Knocking"). */
  get knocking(): readonly Knocker[] {
    return this.knocks.list;
  }

  /** Whether this page knocked and waits to be let in. */
  get waiting(): boolean {
    return this.knocks.waiting;
  }

  /**
   * Lets someone who knocks in (`letIn` true) or turns them away. False when they no longer
   * knock (let in or turned away by someone else meanwhile, or gone).
   */
  answerKnock(id: string, letIn: boolean): boolean {
    return this.life.phase === 'joined' && this.knocks.answer(id, letIn);
  }

  // ---------------------------------------------------------------- leaving

  /** Leaves the room: says goodbye, closes every connection and frees both peer ids. */
  leave(): Promise<void> {
    return this.life.leave();
  }

  /** Drops the session at once, for a page that is going away. */
  destroy(): void {
    this.life.destroy();
  }

  /** Stops asking and admitting, closes every connection and destroys both peers; this page's media go too, unless `keepMedia`. */
  private teardown(keepMedia = false): void {
    this.entrance.stop();
    this.media.closeAll(keepMedia);
    this.links.closeAll();
    this.sizes.clear();
    this.members.clear();
    this.knocks.clear();
    this.serverLink.destroy();
  }
}
