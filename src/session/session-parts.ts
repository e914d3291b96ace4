/**
 * The session's parts, made and wired together: each part gets a small host interface made of
 * its siblings' methods, so that no part imports another. `RoomSession` (room-session.ts) carries
 * the public API over these parts.
 */
import { Entrance } from './entrance.js';
import { Knocking } from './knocking.js';
import { Reports } from './errors.js';
import { Lifecycle } from './lifecycle.js';
import { MediaState } from './media-state.js';
import { Membership } from './membership.js';
import { MAX_PENDING, PairLinks } from './pair-links.js';
import { PairMedia } from './pair-media.js';
import { peerOptionsFor } from './peer-config.js';
import { cleanName, metadata } from './protocol.js';
import { ServerLink } from './server-link.js';
import { ServerRecovery } from './server-recovery.js';
import { Signals } from './signals.js';
import { ShownSizes } from './video-sizes.js';
import { DEFAULT_TIMING, type RoomSessionEvents, type RoomSessionOptions, type SessionTiming } from './types.js';

/** How the parts tell the page: the session's own events. */
export type Emit = <K extends keyof RoomSessionEvents>(event: K, ...args: Parameters<RoomSessionEvents[K]>) => void;

export class SessionParts {
  readonly timing: SessionTiming;
  readonly life: Lifecycle;
  readonly serverLink: ServerLink;
  readonly recovery: ServerRecovery;
  readonly signals: Signals;
  readonly links: PairLinks;
  readonly media: PairMedia;
  readonly own: MediaState;
  readonly sizes = new ShownSizes((id, frame) => this.links.send(id, frame));
  readonly members: Membership;
  readonly reports: Reports;
  readonly entrance: Entrance;
  readonly knocks: Knocking;
  /** The configuration PeerJS gives every new peer connection. */
  readonly peerConfig: RTCConfiguration;

  constructor(options: RoomSessionOptions, emit: Emit) {
    const maxParticipants = options.maxParticipants ?? 0;
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
        phase: (phase) => emit('phase', phase),
        failed: (error) => emit('error', error),
      },
      this.timing.heartbeat,
      this.timing.silence,
    );
    this.reports = new Reports({ tell: (error) => emit('error', error), nameOf: (id) => this.members.roster.get(id)?.name || 'another participant' });
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
        if (!this.life.over) emit('rejoined', this.entrance.selfId);
      },
      fail: (error) => this.life.fail(error),
      signalling: (state) => {
        emit('signalling', state);
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
        hello: (id) => this.own.hello(this.serverLink.holdsBeacon, this.members.linkedIds(), this.sizes.forHello(id)),
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
      maxParticipants: maxParticipants,
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
      emit: (event, ...args) => emit(event, ...args),
    });
    this.knocks = new Knocking(
      {
        send: (id, frame) => this.links.send(id, frame),
        changed: (knocking) => emit('knocks', knocking),
        waitingChanged: (waiting) => emit('waiting', waiting),
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
        introduction: () => ({ name: this.own.name, media: this.media.wantsMedia }),
        notice: (error) => emit('error', error),
        rejoin: () => this.recovery.rejoinIfDue(),
        isOver,
        knocking: this.knocks,
      },
      { room: options.room, password: options.password ?? '', serverKey: options.server.key },
      maxParticipants,
      this.timing,
    );
  }

  /** Before joining again under a fresh id: the room as joined under the old one is let go; this page's media stay. */
  reset(): void {
    this.members.leaveAll();
    this.teardown(true);
    this.entrance.forget();
  }

  /** Stops asking and admitting, closes every connection and destroys both peers; this page's media go too, unless `keepMedia`. */
  teardown(keepMedia = false): void {
    this.entrance.stop();
    this.media.closeAll(keepMedia);
    this.links.closeAll();
    this.sizes.clear();
    this.members.clear();
    this.knocks.clear();
    this.serverLink.destroy();
  }
}
