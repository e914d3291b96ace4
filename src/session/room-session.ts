/**
 * One page's membership of one room: the facade that wires the session's parts. Each part has a
 * small host interface and never imports a sibling; docs/protocol.md's sections map to them:
 *
 * - server-link.ts: the PeerServer link, its gate, signals (Signals, What the PeerServer sees)
 * - doorkeeper.ts: asking, claiming, admitting, the beacon changing hands (Joining, The beacon)
 * - roster.ts: one record per member with its lifecycle stage (Who is in the room)
 * - pair-links.ts and pair-health.ts: the mesh and its recovery (The mesh, Health and recovery)
 * - pair-media.ts and negotiation.ts: audio, video and screens on the pair's connection (Media)
 * - private-room.ts: what a password adds (Private rooms)
 *
 * Session verbs follow PeerJS: `join`, `leave`, `call`, `connect`, `destroy`.
 */
import type { PeerOptions } from 'peerjs';
import type { ServerEndpoint } from './config.js';
import { Doorkeeper } from './doorkeeper.js';
import { Emitter } from './emitter.js';
import { beaconIdFor, newMemberId } from './ids.js';
import { PairMedia } from './pair-media.js';
import { admits, backoff, shouldDial } from './mesh.js';
import { MAX_PENDING, PairLinks } from './pair-links.js';
import {
  type CoreFrame,
  type ExtensionFrame,
  type HelloFrame,
  type IceFrame,
  type MemberInfo,
  type RenegotiateFrame,
  type SdpFrame,
  parseNegotiation,
  cleanName,
  isConnectionMetadata,
  metadata,
  otherVersion,
  parseWelcome,
  PROTOCOL,
} from './protocol.js';
import { PrivateRoom } from './private-room.js';
import { deriveRoomKey } from './room-key.js';
import { Roster } from './roster.js';
import { ServerLink } from './server-link.js';
import {
  DEFAULT_TIMING,
  type LeaveReason,
  type Participant,
  type RoomSessionOptions,
  SessionError,
  type SessionPhase,
  type SessionTiming,
  type SignallingState,
  sleep,
} from './types.js';

export * from './types.js';

/** The session's events; listeners are registered with `session.on(name, listener)`. */
export interface RoomSessionEvents {
  /** The session moved to another phase. */
  phase: (phase: SessionPhase) => void;
  /** A member is now linked to this page. */
  'participant-joined': (participant: Participant) => void;
  /** A member left, closed the page or stopped answering. */
  'participant-left': (participant: Participant, reason: LeaveReason) => void;
  /** A member whose connection was broken (or replaced) is connected again. */
  'participant-reconnected': (participant: Participant) => void;
  /** A member's stream, name, media state or connection changed. */
  'participant-updated': (participant: Participant) => void;
  /** The PeerServer link was lost (calls go on) or is back. */
  signalling: (state: SignallingState) => void;
  /** Something failed; `error.fatal` says whether the session ended. Reported once per kind and sender. */
  error: (error: SessionError) => void;
  /** A frame of a type the core does not handle (chat and files), from a linked member. */
  frame: (from: Participant, frame: ExtensionFrame) => void;
  /** A binary frame from a linked member. */
  binary: (from: Participant, data: ArrayBuffer) => void;
  /** This page's offer or answer for a media call is on its way: the call is under way. */
  calling: () => void;
}

/** Errors remembered per kind and sender, so that each is reported once. */
const MAX_REPORTED = 256;

export class RoomSession extends Emitter<RoomSessionEvents> {
  readonly room: string;
  readonly server: ServerEndpoint;
  readonly name: string;
  readonly maxParticipants: number;

  private readonly timing: SessionTiming;
  private _phase: SessionPhase = 'idle';
  /** This page's member id; kept here because PeerJS forgets `peer.id` while disconnected. */
  private selfId = '';
  private readonly roster = new Roster();
  private readonly serverLink: ServerLink;
  private readonly links: PairLinks;
  private readonly media: PairMedia;
  private door: Doorkeeper | null = null;
  private readonly snapshots = new Map<string, Participant>();
  private readonly reported = new Set<string>();
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private reconnecting = false;
  private joinPromise: Promise<void> | null = null;
  private leavePromise: Promise<void> | null = null;
  private micOn = false;
  private camOn = false;
  private readonly password: string;
  /** The password's part of the protocol; null in an open room. */
  private privateRoom: PrivateRoom | null = null;
  private beaconId = '';
  private readonly peerConfig: RTCConfiguration;

  constructor(options: RoomSessionOptions) {
    super();
    this.room = options.room;
    this.server = options.server;
    this.name = cleanName(options.name) || 'Guest';
    this.maxParticipants = options.maxParticipants ?? 0;
    this.password = options.password ?? '';
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    const peerOptions: PeerOptions & { config: RTCConfiguration } = {
      host: options.server.host,
      port: options.server.port,
      path: options.server.path,
      secure: options.server.secure,
      key: options.server.key,
      // Never PeerJS's default public STUN/TURN servers: only what the page configured. One
      // transport for audio and video from the start (every peer is ours and bundles).
      config: { iceServers: options.iceServers ?? [], iceTransportPolicy: options.iceTransportPolicy ?? 'all', bundlePolicy: 'max-bundle' },
      debug: 0,
    };
    // PeerJS reads `config` each time it makes a peer connection.
    this.peerConfig = peerOptions.config;
    const self = () => this.selfId;
    const isOver = () => this.isOver();
    this.serverLink = new ServerLink(
      {
        signal: (to, from, what) => void this.onSignal(to, from, what),
        admits: (from, kind, meta) => this.admits(from, kind, meta),
        connection: (conn) => {
          this.links.accept(conn);
          void this.onWelcome(conn.peer, conn.metadata);
        },
        unavailable: (id) => {
          this.links.unavailable(id);
          if (!this.roster.isLinked(id) && this.roster.get(id)) this.roster.remove(id);
        },
        lost: () => this.onSignallingLost(),
        beaconLost: () => this.door?.holderGone(this.selfId),
        media: () => this.media.wantsMedia,
      },
      options.peerFactory,
      peerOptions,
      options.server,
      () => this.timing.openTimeout,
    );
    this.links = new PairLinks(
      {
        selfId: self,
        isOver,
        serverDown: () => this.serverLink.disconnected,
        connect: (id, extra) => this.serverLink.connect(id, { ...metadata('mesh'), ...extra }),
        hello: () => this.helloFrame(),
        mayLink: (id) => !this.roster.isGone(id) && this.roster.has(id) && this.hasRoom(),
        linked: (id, hello) => this.onLinked(id, hello),
        replaced: (id, hello) => {
          this.update(id, hello);
          // Media moves to the fresh connection.
          const pc = this.links.peerConnection(id);
          if (pc) this.media.attach(id, pc);
          // Whatever was under way on the old connection (a message, a file) may be lost.
          this.emit('participant-reconnected', this.snapshot(id));
        },
        frame: (id, frame) => this.onFrame(id, frame),
        malformed: (id) => this.report(id, new SessionError('protocol', `Ignored a malformed message from ${this.nameOf(id)}.`, false)),
        health: (id, changed, restored) => {
          if (changed) this.update(id, {});
          if (restored) this.emit('participant-reconnected', this.snapshot(id));
        },
        restartIce: (id) => this.media.restartIce(id),
        ended: (id, reason) => this.removeMember(id, reason),
        lapsed: (id) => {
          if (this.roster.isLinked(id)) return;
          // An admission that made no progress lapses with its connection, not 10 s later.
          this.roster.lapse(id);
          this.door?.holderGone(id);
        },
        unreachable: (id) =>
          this.report(id, new SessionError('negotiation-failed', `Could not connect to ${this.nameOf(id)}: a firewall between you blocks it.`, false)),
        retry: (id) => {
          if (this.roster.has(id) && !this.roster.isLinked(id) && !this.links.knows(id)) this.links.dial(id, {});
        },
        proofs: () => {
          const room = this.privateRoom;
          if (!room) return null;
          return {
            challenge: (conn) => room.challenge(conn),
            answer: (conn, nonce) => room.answer(conn, conn.peerConnection, this.selfId, conn.peer, nonce),
            verify: (conn, p) => room.verify(conn, conn.peerConnection, this.selfId, conn.peer, p),
          };
        },
        unproven: (id) => this.report(id, new SessionError('protocol', `Could not verify that ${this.nameOf(id)} knows this room's password; not connected.`, false)),
      },
      this.timing,
    );
    this.media = new PairMedia({
      selfId: self,
      isOver,
      member: (id) => {
        const m = this.roster.get(id);
        return m?.stage === 'linked' ? { media: m.media, screen: m.screen } : null;
      },
      send: (id, frame) => this.sendNegotiation(id, frame),
      streamChanged: (id) => this.roster.isLinked(id) && this.update(id, {}),
      calling: () => this.emit('calling'),
    });
  }

  get phase(): SessionPhase {
    return this._phase;
  }

  /** This page's member id, once joining has begun. */
  get id(): string | null {
    return this.selfId || null;
  }

  /** Whether this page currently holds the room's beacon (introduces newcomers). */
  get holdsBeacon(): boolean {
    return this.serverLink.holdsBeacon;
  }

  /** The other members linked to this page, in the order they linked up. */
  get participants(): Participant[] {
    return this.roster.linked().map((m) => this.snapshot(m.id));
  }

  // ---------------------------------------------------------------- joining

  /** Joins the room. Resolves once this page is a member; rejects with a SessionError. */
  join(): Promise<void> {
    if (this.isOver()) {
      return Promise.reject(new SessionError('disconnected', 'This session has ended; create a new one to join again.'));
    }
    this.joinPromise ??= this.runJoin();
    return this.joinPromise;
  }

  private async runJoin(): Promise<void> {
    this.setPhase('joining');
    try {
      await this.enter();
      if (this.isOver()) return;
      this.heartbeatTimer = setInterval(() => this.beat(), this.timing.heartbeat);
      addEventListener('pagehide', this.onPageHide);
      this.setPhase('joined');
    } catch (err) {
      const error = err instanceof SessionError ? err : new SessionError('network', String((err as Error)?.message ?? err));
      if (!this.isOver()) {
        this.setPhase('failed');
        this.teardown();
        this.emit('error', error);
      }
      throw error;
    }
  }

  /** Opens the member peer with a fresh id and asks to be let in (or claims the room). */
  private async enter(): Promise<void> {
    const [id, key] = await Promise.all([this.serverLink.openMember(newMemberId()), this.roomKey()]);
    if (this.isOver()) return;
    this.privateRoom = key && new PrivateRoom(key);
    this.beaconId = this.privateRoom?.beaconId ?? beaconIdFor(this.room, this.server.key);
    this.selfId = id;
    const door: Doorkeeper = new Doorkeeper(
      {
        selfId: () => this.selfId,
        introduction: () => ({ name: this.name, media: this.media.wantsMedia }),
        claimBeacon: () => this.serverLink.claimBeacon(this.beaconId),
        holdsBeacon: () => this.serverLink.holdsBeacon,
        signal: (from, dst, what) => void this.sendSignal(from, dst, what),
        serverDown: () => this.serverLink.disconnected,
        isLinked: (m) => this.roster.isLinked(m),
        places: (except) => this.roster.linked().length + this.roster.admittedCount(Date.now(), except),
        admit: (newcomer, info) => {
          if (!this.roster.know({ id: newcomer, ...info }, this.placeDeadline(), 'admitted')) return false;
          this.links.broadcast({ t: 'admit', id: newcomer, name: info.name, media: info.media });
          return true;
        },
        welcomeList: (newcomer) => this.welcomeList(newcomer),
        welcome: (newcomer, welcome, nonce) => void this.sendWelcome(newcomer, welcome, nonce),
        tellHolder: (m, nonce) => void this.links.send(m, { t: 'beacon', ...(nonce && { nonce }) }),
        linkedIds: () => this.roster.linked().map((m) => m.id),
        notice: (error) => this.emit('error', error),
        isOver: (): boolean => this.isOver() || this.door !== door,
      },
      this.beaconId,
      this.maxParticipants,
      this.timing,
    );
    this.door = door;
    await door.enter();
  }

  /** Whether a PeerJS offer from `from` may build a peer connection (the server link's gate). */
  private admits(from: string, kind: 'data' | 'media', meta: unknown): boolean {
    if (this.isOver() || !this.selfId || this.roster.isGone(from)) return false;
    if (otherVersion(meta)) {
      this.otherVersion(from, meta);
      return false;
    }
    // A call from a member whose hello is on its way is let in, and answered once the hello is here.
    // Media rides on the pair's mesh connection: PeerJS media calls are never offered.
    if (kind === 'media') return false;
    if (!isConnectionMetadata(meta, 'mesh')) return false;
    // The holder's answer to this page's question carries the question's nonce.
    const nonce = (meta as { nonce?: unknown }).nonce;
    if (nonce !== undefined) return !!this.door?.answers(nonce);
    // A linked member replacing a broken connection, or one the room let in.
    if (this.roster.isLinked(from)) return true;
    return this.roster.has(from) && this.links.pendingCount < MAX_PENDING && this.hasRoom();
  }

  /** Members enforce max-participants themselves: this page, its links, at most the limit. */
  private hasRoom(): boolean {
    return admits(this.roster.linked().length, 0, this.maxParticipants);
  }

  /** Let in by the holder `holder`, on its mesh connection: everyone else is dialled (or dials us). */
  private welcomed(holder: string, welcome: MemberInfo[]): void {
    const until = this.placeDeadline();
    for (const m of welcome) if (m.id !== this.selfId) this.roster.know(m, until, 'known', this._phase === 'joining');
    this.door?.welcomed(holder, welcome);
    this.learn(welcome.map((m) => m.id).filter((m) => m !== holder));
  }

  /**
   * Sends a description or candidate of the pair's connection: over the pair's link while its
   * path works, else through the server (an ICE restart needs a path the broken one is not).
   */
  private sendNegotiation(id: string, frame: SdpFrame | IceFrame | RenegotiateFrame): void {
    if (this.links.connection(id) === 'connected' && this.links.send(id, frame)) return;
    void this.sendSignal('member', id, { ...metadata('negotiation'), frame });
  }

  /** The private room's keys, when the page gave a password. */
  private async roomKey() {
    if (!this.password) return null;
    try {
      return await deriveRoomKey(this.room, this.password, this.server.key);
    } catch {
      throw new SessionError('insecure-context', 'Rooms with a password need a secure page (https:// or localhost).');
    }
  }

  /** Sends a signal; in a private room, sealed (only its kind stays readable). */
  private async sendSignal(from: 'member' | 'beacon', dst: string, what: object): Promise<void> {
    const room = this.privateRoom;
    if (!room) return this.serverLink.signal(from, dst, what);
    const { proto, kind, ...content } = what as { proto: string; kind: string };
    this.serverLink.signal(from, dst, await room.sealSignal({ proto, kind }, content, from === 'beacon' ? this.beaconId : this.selfId, dst));
  }

  private async onSignal(to: 'member' | 'beacon', from: string, what: unknown): Promise<void> {
    if (otherVersion(what)) return this.otherVersion(from, what);
    const plain = this.privateRoom ? await this.privateRoom.openSignal(what, from, to === 'beacon' ? this.beaconId : this.selfId) : what;
    if (!plain || this.isOver()) return;
    const negotiation = to === 'member' && this.roster.isLinked(from) ? parseNegotiation(plain) : null;
    if (negotiation) return this.media.receive(from, negotiation);
    if (to === 'beacon') this.door?.beaconSignal(from, plain);
    else this.door?.memberSignal(from, plain);
  }

  /** Dials a newcomer with the welcome; in a private room, the member list is sealed. */
  private async sendWelcome(newcomer: string, welcome: MemberInfo[], nonce: string): Promise<void> {
    const room = this.privateRoom;
    const extra = room ? await room.sealSignal({ proto: PROTOCOL, kind: 'mesh' }, { welcome }, this.selfId, newcomer) : { welcome };
    if (!this.isOver()) this.links.dial(newcomer, { ...extra, nonce });
  }

  /** A connection the gate let in as the holder's answer: read its welcome (sealed in a private room). */
  private async onWelcome(holder: string, meta: unknown): Promise<void> {
    if ((meta as { nonce?: unknown })?.nonce === undefined) return;
    // Known at once, so that its link can form while the welcome is opened.
    this.roster.know({ id: holder, name: '', media: false }, this.placeDeadline(), 'known', this._phase === 'joining');
    const plain = this.privateRoom ? await this.privateRoom.openSignal(meta, holder, this.selfId) : meta;
    const welcome = parseWelcome(plain);
    if (welcome && !this.isOver()) this.welcomed(holder, welcome.members);
  }

  /** Handles ids learnt from a welcome, a hello or a gossip frame: dials those it is ours to dial. */
  private learn(ids: Iterable<string>): void {
    if (this.isOver() || !this.selfId) return;
    const until = this.placeDeadline();
    for (const id of ids) {
      if (id === this.selfId || this.roster.isLinked(id) || this.links.knows(id) || this.roster.isGone(id)) continue;
      // Bounded: the roster takes only so many members that are not linked yet.
      if (!this.roster.know({ id, name: '', media: false }, until)) break;
      if (shouldDial(this.selfId, id) && this.hasRoom()) this.links.dial(id, {});
    }
  }

  /** Who is in the room, for a newcomer's welcome: this page, its links, and others admitted. */
  private welcomeList(newcomer: string): MemberInfo[] {
    const members = [...this.roster.linked(), ...this.roster.admitted(Date.now())].filter((m) => m.id !== newcomer);
    return [{ id: this.selfId, name: this.name, media: this.media.wantsMedia }, ...members.map((m) => ({ id: m.id, name: m.name, media: m.media }))];
  }

  private placeDeadline(): number {
    return Date.now() + this.timing.dialTimeout + this.timing.admitHold;
  }

  private onLinked(id: string, hello: HelloFrame): void {
    this.roster.link(id, { name: hello.name || 'Guest', media: hello.media, mic: hello.mic, cam: hello.cam, screen: hello.screen ?? '' }, this._phase === 'joined');
    this.snapshots.delete(id);
    this.door?.linked(id);
    const namesakes = this.namesakes(id);
    for (const other of namesakes) if (other !== id) this.update(other, {});
    this.emit('participant-joined', this.snapshot(id));
    if (namesakes.length > 1 || this.nameKey(this.name) === this.nameKey(this.roster.get(id)!.name)) {
      const name = this.roster.get(id)!.name;
      this.report(id, new SessionError('duplicate-name', `Two people here are called ${name}: a mark beside the name (#1, #2) tells them apart.`, false));
    }
    // Gossip: everyone linked to us hears of the newcomer, and the newcomer of everyone.
    this.links.broadcast({ t: 'peers', ids: this.roster.linked().map((m) => m.id) });
    this.learn(hello.peers);
    const pc = this.links.peerConnection(id);
    if (pc) this.media.attach(id, pc);
  }

  private onFrame(id: string, frame: CoreFrame | ExtensionFrame | ArrayBuffer): void {
    if (frame instanceof ArrayBuffer) return this.emit('binary', this.snapshot(id), frame);
    const core = frame as CoreFrame;
    switch (core.t) {
      case 'peers':
        return this.learn(core.ids);
      case 'state':
        this.update(id, { media: core.media, mic: core.mic, cam: core.cam, screen: core.screen ?? '' });
        return this.media.update(id);
      case 'sdp':
      case 'ice':
      case 'renegotiate':
        return this.media.receive(id, core);
      case 'beacon':
        return this.door?.beaconFrame(id, core.nonce);
      case 'admit':
        if (core.id !== this.selfId && !this.roster.isLinked(core.id)) this.roster.know(core, this.placeDeadline());
        return;
      case 'bye':
        return this.removeMember(id, 'left');
      case 'ping':
      case 'hello':
      case 'auth':
      case 'proof':
        return;
      default:
        this.emit('frame', this.snapshot(id), frame as ExtensionFrame);
    }
  }

  private removeMember(id: string, reason: LeaveReason): void {
    const linked = this.roster.isLinked(id);
    const last = linked ? this.snapshot(id) : null;
    this.links.close(id);
    this.media.detach(id);
    const namesakes = this.namesakes(id).filter((other) => other !== id);
    this.roster.remove(id);
    this.snapshots.delete(id);
    for (const other of namesakes) this.update(other, {});
    for (const key of [...this.reported]) if (key.startsWith(`${id}\n`)) this.reported.delete(key);
    if (last) this.emit('participant-left', last, reason);
    this.door?.holderGone(id);
  }

  /** Heartbeat: ping every member, judge every link, forget places that lapsed. */
  private beat(): void {
    this.links.beat();
    this.roster.prune();
  }

  private onSignallingLost(): void {
    if (this.isOver() || this.reconnecting) return;
    this.reconnecting = true;
    this.emit('signalling', 'reconnecting');
    void this.reconnectSignalling().finally(() => (this.reconnecting = false));
  }

  private async reconnectSignalling(): Promise<void> {
    for (let attempt = 0; !this.isOver(); attempt++) {
      await sleep(backoff(attempt, 1_000, 30_000));
      if (this.isOver()) return;
      const result = await this.serverLink.reconnect();
      if (result === 'down') continue;
      if (result === 'taken') await this.rejoin();
      if (this.isOver()) return;
      this.reconnecting = false;
      this.emit('signalling', 'connected');
      this.door?.holderGone();
      return;
    }
  }

  /**
   * The server gave this page's id to someone else while it was away: join again under a fresh
   * id. The members see this page leave and come back.
   */
  private async rejoin(): Promise<void> {
    for (const m of this.roster.linked()) this.emit('participant-left', this.snapshot(m.id), 'closed');
    this.door?.stop();
    this.door = null;
    this.links.closeAll();
    this.media.closeAll();
    this.roster.clear();
    this.snapshots.clear();
    this.serverLink.destroy();
    this.selfId = '';
    try {
      await this.enter();
    } catch (err) {
      if (this.isOver()) return;
      this.setPhase('failed');
      this.teardown();
      this.emit('error', err instanceof SessionError ? err : new SessionError('network', String(err)));
    }
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
    this.adopt(stream);
    this.media.enable(stream);
  }

  /** Stops taking part in the call; data connections stay. */
  disableMedia(): void {
    this.media.disable();
    this.micOn = this.camOn = false;
    this.broadcastState();
  }

  /**
   * Changes the tracks this page sends: a new device, a camera switched on for the first time.
   * A track whose kind the call already sends replaces the old one in place (replaceTrack, no
   * renegotiation); a kind the call cannot carry yet makes the call be placed again.
   */
  setLocalStream(stream: MediaStream | null): void {
    this.adopt(stream);
    this.media.setLocalStream(stream);
  }

  /**
   * Shares a screen (a `getDisplayMedia` stream) with everyone in the call, or stops with null.
   * Its track goes on each pair's connection beside the camera; the others get it as their
   * participant's `screen`.
   */
  setScreen(stream: MediaStream | null): void {
    if (stream && !this.media.wantsMedia) return;
    // The state frame names the screen's stream before its track arrives, so that it shows as a screen.
    this.links.broadcast({ t: 'state', media: this.media.wantsMedia, mic: this.micOn, cam: this.camOn, ...(stream && { screen: stream.id }) });
    this.media.setScreen(stream);
  }

  /** The screen this page shares, if any. */
  get sharedScreen(): MediaStream | null {
    return this.media.sharedScreen;
  }

  /** Tells the others that the microphone or camera was switched on or off. */
  setMediaState(state: { mic?: boolean; cam?: boolean }): void {
    this.micOn = state.mic ?? this.micOn;
    this.camOn = state.cam ?? this.camOn;
    this.broadcastState();
  }

  /** Makes `stream` the one sent, and tells the others whether its microphone and camera are on. */
  private adopt(stream: MediaStream | null): void {
    const on = (tracks: MediaStreamTrack[] = []) => tracks.some((t) => t.enabled && t.readyState === 'live');
    this.micOn = on(stream?.getAudioTracks());
    this.camOn = on(stream?.getVideoTracks());
    this.broadcastState();
  }

  private broadcastState(): void {
    const screen = this.media.sharedScreen;
    this.links.broadcast({ t: 'state', media: this.media.wantsMedia, mic: this.micOn, cam: this.camOn, ...(screen && { screen: screen.id }) });
  }

  /**
   * New STUN and TURN servers (fresh TURN credentials, most often): every connection made from
   * now on uses them, and every open one is given them for its next ICE gathering.
   */
  setIceServers(iceServers: RTCIceServer[]): void {
    this.peerConfig.iceServers = iceServers;
    for (const pc of this.links.peerConnections()) {
      try {
        pc.setConfiguration({ ...pc.getConfiguration(), iceServers });
      } catch {
        // A closed connection, or one whose configuration cannot change: the next one gets them.
      }
    }
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

  /** The statistics of the peer connection with a member (getStats()), or null when there is none. */
  async stats(id: string): Promise<RTCStatsReport | null> {
    const pc = this.links.peerConnection(id);
    if (!pc || pc.connectionState === 'closed') return null;
    return pc.getStats().catch(() => null);
  }

  // ---------------------------------------------------------------- leaving

  /** Leaves the room: says goodbye, closes every connection and frees both peer ids. */
  leave(): Promise<void> {
    this.leavePromise ??= this.runLeave();
    return this.leavePromise;
  }

  private async runLeave(): Promise<void> {
    if (this.isOver()) return;
    const wasJoined = this._phase === 'joined';
    this.setPhase('left');
    // Free the beacon id first, so that whoever takes over finds it free.
    this.serverLink.dropBeacon();
    if (wasJoined) {
      this.links.broadcast({ t: 'bye' });
      // Let the goodbyes leave the buffers before the connections close (bounded wait).
      const until = Date.now() + 300;
      while (Date.now() < until && this.links.buffered() > 0) await sleep(20);
    }
    this.teardown();
  }

  /** Drops the session at once, for a page that is going away. */
  destroy(): void {
    this.serverLink.dropBeacon();
    if (this._phase === 'joined') this.links.broadcast({ t: 'bye' });
    if (!this.isOver()) this.setPhase('left');
    this.teardown();
  }

  /** The page is going away (or into the back/forward cache, where connections die anyway). */
  private readonly onPageHide = () => this.destroy();

  private teardown(): void {
    removeEventListener('pagehide', this.onPageHide);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.door?.stop();
    this.media.closeAll();
    this.links.closeAll();
    this.roster.clear();
    this.serverLink.destroy();
  }

  // ---------------------------------------------------------------- helpers

  private helloFrame(): HelloFrame {
    return {
      t: 'hello',
      name: this.name,
      media: this.media.wantsMedia,
      mic: this.micOn,
      cam: this.camOn,
      beacon: this.holdsBeacon,
      peers: this.roster.linked().map((m) => m.id),
      ...(this.media.sharedScreen && { screen: this.media.sharedScreen.id }),
    };
  }

  /** A page of another version of the protocol tried to reach this one: say so, once per sender. */
  private otherVersion(from: string, what: unknown): void {
    const theirs = otherVersion(what) ?? 'another version';
    this.report(
      from,
      new SessionError('protocol', `Someone using another version of rtc-elements (${theirs}, this page speaks ${PROTOCOL}) tried to reach this room; everyone must load the same version.`, false),
    );
  }

  /** Reports a non-fatal error once per kind and sender. */
  private report(from: string, error: SessionError): void {
    const key = `${from}\n${error.type}`;
    if (this.reported.has(key)) return;
    if (this.reported.size >= MAX_REPORTED) this.reported.delete(this.reported.values().next().value!);
    this.reported.add(key);
    this.emit('error', error);
  }

  private nameOf(id: string): string {
    return this.roster.get(id)?.name || 'another participant';
  }

  private isOver(): boolean {
    return this._phase === 'left' || this._phase === 'failed';
  }

  private setPhase(phase: SessionPhase): void {
    if (this._phase === phase) return;
    this._phase = phase;
    this.emit('phase', phase);
  }

  /** Applies a change to a linked member and tells the listeners. */
  private update(id: string, change: Partial<Pick<HelloFrame, 'name' | 'media' | 'mic' | 'cam' | 'screen'>>): void {
    const m = this.roster.get(id);
    if (!m || m.stage !== 'linked') return;
    if (change.screen !== undefined) m.screen = change.screen;
    if (change.name !== undefined) m.name = change.name || m.name;
    if (change.media !== undefined) m.media = change.media;
    if (change.mic !== undefined) m.mic = change.mic;
    if (change.cam !== undefined) m.cam = change.cam;
    this.snapshots.delete(id);
    this.emit('participant-updated', this.snapshot(id));
  }

  /** How a name is compared: case and surrounding space do not make two names different. */
  private nameKey(name: string): string {
    return name.trim().toLocaleLowerCase();
  }

  /** Linked members with the same name as `id`, in link order. */
  private namesakes(id: string): string[] {
    const key = this.nameKey(this.roster.get(id)?.name ?? '');
    return this.roster.linked().filter((m) => this.nameKey(m.name) === key).map((m) => m.id);
  }

  /** The member's mark among namesakes (this page's own name first), or ''. */
  private tagOf(id: string): string {
    const namesakes = this.namesakes(id);
    const self = this.nameKey(this.name) === this.nameKey(this.roster.get(id)?.name ?? '') ? 1 : 0;
    if (namesakes.length + self < 2) return '';
    return `#${namesakes.indexOf(id) + 1 + self}`;
  }

  private snapshot(id: string): Participant {
    let s = this.snapshots.get(id);
    if (s) return s;
    const m = this.roster.get(id)!;
    s = Object.freeze({
      id,
      name: m.name,
      media: m.media,
      mic: m.mic,
      cam: m.cam,
      stream: this.media.stream(id),
      screen: this.media.screenOf(id),
      since: m.since,
      arrived: m.arrived,
      connection: this.links.connection(id),
      tag: this.tagOf(id),
    });
    this.snapshots.set(id, s);
    return s;
  }
}
