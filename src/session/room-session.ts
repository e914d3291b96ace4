import type { DataConnection, MediaConnection, Peer, PeerError, PeerOptions } from 'peerjs';
import { Emitter } from './emitter.js';
import { beaconIdFor, newMemberId } from './ids.js';
import { admits, backoff, idsToDial, shouldCall, shouldDial, takeoverDelay } from './mesh.js';
import {
  type CoreFrame,
  type ExtensionFrame,
  type HelloFrame,
  type MemberInfo,
  cleanName,
  encodeFrame,
  isConnectionMetadata,
  isValidPeerId,
  metadata,
  parseFrame,
  parseFull,
  parseIntro,
  parseWelcome,
  PROTOCOL,
} from './protocol.js';
import type { ServerEndpoint } from './config.js';

/** Creates PeerJS peers; injectable so unit tests can run the session over a fake network. */
export type PeerFactory = (id: string, options: PeerOptions) => Peer;

export type SessionPhase = 'idle' | 'joining' | 'joined' | 'left' | 'failed';

/** Why a participant left the roster. */
export type LeaveReason = 'left' | 'closed' | 'timeout';

/** Error types: PeerJS's own strings where one fits, ours in the same style. */
export type SessionErrorType =
  | 'network'
  | 'invalid-key'
  | 'server-error'
  | 'room-full'
  | 'room-unreachable'
  | 'insecure-context'
  | 'browser-incompatible'
  | 'disconnected'
  | 'negotiation-failed'
  | 'protocol';

export class SessionError extends Error {
  constructor(
    readonly type: SessionErrorType,
    message: string,
    /** A fatal error ends the session; the others are reported and the call goes on. */
    readonly fatal: boolean = true,
  ) {
    super(message);
    this.name = 'SessionError';
  }
}

/** A remote member of the room, as this page sees it. */
export interface Participant {
  readonly id: string;
  readonly name: string;
  /** Whether the participant's page takes part in the call (false for a chat-only page). */
  readonly media: boolean;
  /** Whether the participant's microphone is on. */
  readonly mic: boolean;
  /** Whether the participant's camera is on. */
  readonly cam: boolean;
  /** Their audio and video, once it arrives; null before that and for chat-only members. */
  readonly stream: MediaStream | null;
  /** When this page linked up with them (ms since the epoch). */
  readonly since: number;
  /** True when they came after this page joined; false for those already in the room. */
  readonly arrived: boolean;
  /**
   * `connected`, or `reconnecting` while the path to them is broken (nothing heard for a few
   * seconds, or ICE disconnected) and the session tries to restore it.
   */
  readonly connection: 'connected' | 'reconnecting';
}

/** The state of this page's link to the PeerServer. */
export type SignallingState = 'connected' | 'reconnecting';

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
  /** A member's stream, name or media state changed. */
  'participant-updated': (participant: Participant) => void;
  /** The PeerServer link was lost (calls go on) or is back. */
  signalling: (state: SignallingState) => void;
  /** Something failed; `error.fatal` says whether the session ended. */
  error: (error: SessionError) => void;
  /** A frame of a type the core does not handle (chat and files), from a linked member. */
  frame: (from: Participant, frame: ExtensionFrame) => void;
  /** A binary frame from a linked member. */
  binary: (from: Participant, data: ArrayBuffer) => void;
  /** The list of members whose media came before their link (see `arriving`) changed. */
  arriving: () => void;
  /** This page's offer or answer for a media call is on its way: the call is under way. */
  calling: () => void;
}

/** A member whose media arrived before its mesh link: shown at once, not yet a participant. */
export interface Arriving {
  readonly id: string;
  readonly name: string;
  readonly stream: MediaStream;
}

export interface RoomSessionOptions {
  room: string;
  server: ServerEndpoint;
  name?: string;
  iceServers?: RTCIceServer[];
  /** 0 for no limit. */
  maxParticipants?: number;
  peerFactory: PeerFactory;
  /** Protocol timings, shortened by tests of timeouts. */
  timing?: Partial<SessionTiming>;
}

export interface SessionTiming {
  /** How long a PeerServer may take to accept a peer. */
  openTimeout: number;
  /** How long a whole join may take before it fails. */
  joinTimeout: number;
  /** How long a mesh dial may take to open. */
  dialTimeout: number;
  /** How long the beacon holder may take to answer an introduction (signalling only). */
  introTimeout: number;
  /** Heartbeat period on mesh connections. */
  heartbeat: number;
  /** Silence after which a member is shown as reconnecting. */
  quiet: number;
  /** How long a broken link may stay broken before the dialling side opens fresh connections. */
  redialAfter: number;
  /** Silence after which a member counts as gone. */
  silence: number;
  /** How long an admitted newcomer holds its place before linking up. */
  admitHold: number;
  /** Spacing of beacon takeover attempts by id rank. */
  takeoverStep: number;
  /** How long a newcomer welcomed on a call waits before dialling the holder's mesh link (at once if the call fails). */
  linkAfterCall: number;
  /** How long a newcomer's first introduction goes unanswered before it claims the beacon itself. */
  claimAfter: number;
  /** First wait before a mesh dial that failed to open is tried again (doubling, up to 8 times as long). */
  dialRetry: number;
}

const DEFAULT_TIMING: SessionTiming = {
  openTimeout: 10_000,
  joinTimeout: 20_000,
  dialTimeout: 10_000,
  introTimeout: 4_000,
  heartbeat: 1_000,
  quiet: 3_500,
  redialAfter: 4_000,
  silence: 20_000,
  admitHold: 15_000,
  takeoverStep: 250,
  linkAfterCall: 1_000,
  claimAfter: 100,
  dialRetry: 1_000,
};

/** How many times a mesh link is dialled before this page gives up on it and says so. */
const DIAL_ATTEMPTS = 4;

interface Link {
  id: string;
  conn: DataConnection;
  name: string;
  media: boolean;
  mic: boolean;
  cam: boolean;
  since: number;
  arrived: boolean;
  lastSeen: number;
  /** Last ICE state of the mesh connection. */
  meshIce: RTCIceConnectionState;
  /** Since when the link has looked broken (0 while healthy). */
  brokenSince: number;
  /** A fresh mesh connection being dialled to replace a broken one. */
  redial: DataConnection | null;
  redialAttempts: number;
  beacon: boolean;
  snapshot: Participant | null;
}

/** A media call with a member, linked or not yet (calls may start before the mesh hello). */
interface CallState {
  call: MediaConnection;
  /** Placed by this side. */
  out: boolean;
  ice: RTCIceConnectionState;
  stream: MediaStream | null;
}

type IntroResult = { welcome: MemberInfo[]; holder: string } | { full: number };

const MESH_OPTIONS = { serialization: 'raw', reliable: true } as const;

/** Raised when the PeerServer says an id is held by someone else. */
class IdTakenError extends Error {}

/**
 * A signal: a small message relayed by the PeerServer with no peer connection behind it. It
 * travels as an OFFER whose payload type is this protocol's name: every PeerServer relays an
 * OFFER as it is (setting `src` from the sender's socket), and PeerJS drops an OFFER of a type it
 * does not know, so the signal reaches only the listener below.
 */
function signal(from: Peer, dst: string, what: object): void {
  from.socket.send({ type: 'OFFER', dst, payload: { type: PROTOCOL, metadata: what } });
}

/** Runs `fn` with the sender and the content of every signal that reaches `peer`. */
function onSignal(peer: Peer, fn: (from: string, what: unknown) => void): void {
  (peer.socket as unknown as SignalSocket).on('message', (message) => {
    if (message?.type === 'OFFER' && message.payload?.type === PROTOCOL && typeof message.src === 'string') {
      fn(message.src, message.payload.metadata);
    }
  });
}

interface SignalSocket {
  on(event: 'message', fn: (message: { type?: unknown; src?: unknown; payload?: { type?: unknown; metadata?: unknown } } | null) => void): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One page's membership of one room: a PeerJS peer with a fresh id, the room's beacon when this
 * page holds it, and a full mesh of data connections (plus media calls when the page wants media)
 * to every other member. docs/protocol.md describes the protocol; this class carries it out.
 *
 * Session verbs follow PeerJS: `join`, `leave`, `call`, `connect`, `destroy`.
 */
export class RoomSession extends Emitter<RoomSessionEvents> {
  readonly room: string;
  readonly server: ServerEndpoint;
  readonly name: string;
  readonly maxParticipants: number;

  private readonly factory: PeerFactory;
  private readonly peerOptions: PeerOptions;
  private readonly timing: SessionTiming;

  private _phase: SessionPhase = 'idle';
  private member: Peer | null = null;
  /** This page's member id; kept here because PeerJS forgets `peer.id` while disconnected. */
  private selfId = '';
  private beacon: Peer | null = null;
  private beaconId = '';
  /** Member id of whoever holds the beacon, as far as this page knows. */
  private beaconHolder: string | null = null;
  private readonly links = new Map<string, Link>();
  /** Mesh connections not yet confirmed by a hello, dialled or accepted, by remote id. */
  private readonly connecting = new Map<string, DataConnection>();
  private readonly gone = new Set<string>();
  /** Members that were in the room before this page joined (a welcome listed them). */
  private readonly preexisting = new Set<string>();
  /** Media calls by member id, including calls that started before the member's hello. */
  private readonly calls = new Map<string, CallState>();
  /** Members not linked yet, as a welcome or an intro described them: name, and whether they want media. */
  private readonly known = new Map<string, { name: string; media: boolean }>();
  /** Newcomers admitted by this page as beacon holder (`known` describes them), and until when their place is held. */
  private readonly admitted = new Map<string, number>();
  /** Answer to the introduction in flight, if any. */
  private introWaiter: ((result: IntroResult | null) => void) | null = null;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private takeoverRunning = false;
  private reconnecting = false;
  private joinPromise: Promise<void> | null = null;
  private leavePromise: Promise<void> | null = null;

  private mediaWanted = false;
  /** False while the page is still getting its camera and microphone (see expectMedia). */
  private mediaReady = true;
  /** Calls that came in while the devices were not ready: answered once they are. */
  private readonly unanswered = new Set<MediaConnection>();
  /** Holders that welcomed this page on a call: their mesh link is dialled a moment later. */
  private readonly linkAfterCall = new Set<string>();
  /** Dials of members whose mesh connection never opened, by member id (until they link). */
  private readonly failedDials = new Map<string, number>();
  private localStream: MediaStream | null = null;
  private micOn = false;
  private camOn = false;

  constructor(options: RoomSessionOptions) {
    super();
    this.room = options.room;
    this.server = options.server;
    this.name = cleanName(options.name) || 'Guest';
    this.maxParticipants = options.maxParticipants ?? 0;
    this.factory = options.peerFactory;
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.peerOptions = {
      host: options.server.host,
      port: options.server.port,
      path: options.server.path,
      secure: options.server.secure,
      key: options.server.key,
      // Never PeerJS's default public STUN/TURN servers: only what the page configured. One
      // transport for audio and video from the start (every peer is ours and bundles): fewer
      // candidates to gather and check, and the join was 9–21 ms quicker (docs/benchmarks.md).
      config: { iceServers: options.iceServers ?? [], bundlePolicy: 'max-bundle' },
      debug: 0,
    };
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
    return this.beacon !== null && this.beacon.open;
  }

  /** The other members linked to this page, in the order they linked up. */
  get participants(): Participant[] {
    return [...this.links.values()].map((link) => this.snapshot(link));
  }

  /**
   * Members whose media arrived before their mesh link did (the beacon holder calls a newcomer
   * as soon as it is introduced, and the call can be up before the link's hello): a page can
   * show their video at once. Each becomes a participant when its link forms.
   */
  get arriving(): Arriving[] {
    const out: Arriving[] = [];
    for (const [id, { stream }] of this.calls) {
      const name = this.known.get(id)?.name;
      if (stream && name !== undefined && !this.links.has(id)) out.push({ id, name, stream });
    }
    return out;
  }

  // ---------------------------------------------------------------- joining

  /** Joins the room. Resolves once this page is a member; rejects with a SessionError. */
  join(): Promise<void> {
    if (this._phase === 'left' || this._phase === 'failed') {
      return Promise.reject(new SessionError('disconnected', 'This session has ended; create a new one to join again.'));
    }
    this.joinPromise ??= this.runJoin();
    return this.joinPromise;
  }

  private async runJoin(): Promise<void> {
    this.setPhase('joining');
    try {
      this.beaconId = beaconIdFor(this.room, this.server.key);
      const member = await this.openPeer(newMemberId());
      if (this.isOver()) {
        member.destroy();
        return;
      }
      this.member = member;
      this.selfId = member.id;
      this.listenAsMember(member);
      await this.enterRoom();
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

  /** Holds the beacon, or else asks its holder to be let in; retries until the join deadline. */
  private async enterRoom(): Promise<void> {
    const deadline = Date.now() + this.timing.joinTimeout;
    for (let attempt = 0; !this.isOver(); attempt++) {
      let result: IntroResult | 'holder' | null;
      if (attempt === 0) result = await this.askFirst();
      else result = this.holdBeacon(await this.openBeacon()) ? 'holder' : await this.introduce().catch(() => null);
      if (result === 'holder') return;
      if (result && 'full' in result) {
        throw new SessionError('room-full', `This room is full (${result.full} people at most).`);
      }
      if (result) return;
      // The holder is leaving or has vanished: its id frees up, and one of us claims it.
      const wait = backoff(attempt, 150, 2_000);
      if (Date.now() + wait > deadline) {
        throw new SessionError('room-unreachable', 'Could not reach the people in this room. Try again in a moment.');
      }
      await sleep(wait);
    }
  }

  /**
   * The first attempt asks before it claims. The introduction goes out as soon as the member
   * peer is open; only if it is not answered within `timing.claimAfter` does the page claim the
   * beacon itself. In a room with people the welcome comes first, and the join needs no second
   * connection to the server; in an empty room the introduction waits at the server for the
   * beacon's next holder, which is then this page (its own introduction it ignores).
   */
  private async askFirst(): Promise<IntroResult | 'holder' | null> {
    const intro = this.introduce().catch(() => null);
    const answered = await Promise.race([intro, sleep(this.timing.claimAfter).then(() => undefined)]);
    if (answered !== undefined || this.isOver()) return answered ?? null;
    if (!this.holdBeacon(await this.openBeacon())) return intro;
    this.introWaiter?.(null); // not answered, and nobody left to answer it
    return 'holder';
  }

  /** Opens a peer with the room's beacon id; null when someone else holds it. */
  private async openBeacon(): Promise<Peer | null> {
    try {
      return await this.openPeer(this.beaconId);
    } catch (err) {
      if (err instanceof IdTakenError) return null;
      throw err;
    }
  }

  /** Takes the opened beacon peer into service and announces it; false for none. */
  private holdBeacon(peer: Peer | null): boolean {
    if (!peer) return false;
    if (this.isOver() || this.beacon || !this.member) {
      if (peer !== this.beacon) peer.destroy();
      return !!this.beacon;
    }
    this.beacon = peer;
    this.beaconHolder = this.selfId;
    onSignal(peer, (from, what) => this.onIntro(from, what));
    // Nothing but signals is addressed to the beacon id.
    peer.on('connection', (conn) => conn.close());
    peer.on('disconnected', () => {
      // Lost the server: someone else may claim the beacon meanwhile; let go of ours.
      if (this.beacon === peer) this.dropBeacon();
    });
    peer.on('error', () => {});
    this.broadcast({ t: 'beacon' });
    return true;
  }

  private dropBeacon(): void {
    const peer = this.beacon;
    this.beacon = null;
    if (this.beaconHolder === this.selfId) this.beaconHolder = null;
    peer?.destroy();
  }

  /**
   * Asks the beacon holder to be let in. The question is a signal (see `signal`) to the beacon
   * id: one relay through the PeerServer, no peer connection. The answer is the holder's media
   * call or mesh connection with the welcome in its metadata, or a `full` signal back.
   */
  private introduce(): Promise<IntroResult> {
    const member = this.member!;
    return new Promise<IntroResult>((resolve, reject) => {
      let settled = false;
      const finish = (result: IntroResult | null) => {
        if (settled) return;
        settled = true;
        this.clearTimer(timer);
        offUnavailable();
        if (this.introWaiter === finish) this.introWaiter = null;
        if (result) resolve(result);
        else reject(new Error('intro failed'));
      };
      const timer = this.setTimer(() => finish(null), this.timing.introTimeout);
      const offUnavailable = this.onUnavailable(this.beaconId, () => finish(null));
      this.introWaiter = finish;
      signal(member, this.beaconId, { ...metadata('intro'), name: this.name, media: this.mediaWanted });
    });
  }

  /** Beacon side of an intro: admit the newcomer and dial it with the roster, or refuse it. */
  private onIntro(newcomer: string, question: unknown): void {
    const intro = parseIntro(question);
    const member = this.member;
    const beacon = this.beacon;
    if (!intro || !member || !beacon || this.isOver() || newcomer === this.selfId || !isValidPeerId(newcomer)) return;
    if (this.links.has(newcomer)) {
      // One of ours looking for the holder after a takeover: tell it over the mesh.
      this.send(newcomer, { t: 'beacon' });
      return;
    }
    this.pruneAdmitted();
    const waiting = [...this.admitted.keys()].filter((id) => id !== newcomer).length;
    if (!admits(this.links.size, waiting, this.maxParticipants)) {
      // From the beacon id, so that the newcomer knows who says it.
      signal(beacon, newcomer, { ...metadata('full'), max: this.maxParticipants });
      return;
    }
    this.admitted.set(newcomer, Date.now() + this.timing.admitHold);
    this.known.set(newcomer, intro);
    const welcome: MemberInfo[] = [
      { id: this.selfId, name: this.name, media: this.mediaWanted },
      ...[...this.links.values()].map((l) => ({ id: l.id, name: l.name, media: l.media })),
      ...[...this.admitted.keys()].filter((id) => id !== newcomer && !this.links.has(id)).map((id) => ({ id, name: this.known.get(id)?.name ?? '', media: this.known.get(id)?.media ?? false })),
    ];
    // Media first: when both want media, the welcome rides on the media call, placed at once
    // whatever the ids (the newcomer dials the mesh link a moment later, so that the two
    // handshakes do not compete). Otherwise the holder dials the newcomer's mesh link with it.
    if (this.connecting.has(newcomer)) return this.maybeCall(newcomer);
    if (intro.media && this.mediaWanted && this.mediaReady && !this.calls.has(newcomer)) this.placeCall(newcomer, welcome);
    else this.connect(newcomer, welcome);
  }

  private pruneAdmitted(): void {
    const now = Date.now();
    for (const [id, until] of this.admitted) if (until < now || this.links.has(id)) this.admitted.delete(id);
  }

  // ---------------------------------------------------------------- the mesh

  private listenAsMember(member: Peer): void {
    onSignal(member, (from, what) => {
      const full = parseFull(what);
      if (full !== null && from === this.beaconId) this.introWaiter?.({ full });
    });
    member.on('connection', (conn) => this.onIncomingConnection(conn));
    member.on('call', (call) => this.onIncomingCall(call));
    member.on('error', (err: PeerError<string>) => {
      if (err.type === 'peer-unavailable') {
        const id = /peer (\S+)$/.exec(err.message)?.[1];
        if (id) this.unavailableWaiters.get(id)?.forEach((fn) => fn());
      }
    });
    member.on('disconnected', () => this.onSignallingLost());
  }

  private onIncomingConnection(conn: DataConnection): void {
    const id = conn.peer;
    if (!isConnectionMetadata(conn.metadata, 'mesh') || this.isOver() || this.gone.has(id)) {
      conn.close();
      return;
    }
    const welcome = parseWelcome(conn.metadata);
    if (!this.links.has(id)) this.connecting.get(id)?.close();
    if (!this.links.has(id)) this.connecting.set(id, conn);
    this.attachMesh(conn);
    if (welcome) this.welcomed(id, welcome);
  }

  /**
   * Let in by the holder `id`, on its mesh connection (our link to it) or on its media call.
   * Everyone else is dialled (or dials us) by the usual rule, and calls start at once, before
   * any hello; a holder that called dials nothing more: its mesh link is ours to dial, a moment
   * later (see `timing.linkAfterCall`), so that its handshake does not compete with the call's.
   */
  private welcomed(id: string, welcome: MemberInfo[], onCall = false): void {
    // (A page that holds the beacon stays its holder, even if a holder that lost it welcomes it.)
    if (!this.beacon) this.beaconHolder = id;
    if (this._phase === 'joining') for (const m of welcome) this.preexisting.add(m.id);
    this.introWaiter?.({ welcome, holder: id });
    for (const m of welcome) this.known.set(m.id, m);
    if (onCall && !this.links.has(id)) {
      this.linkAfterCall.add(id);
      this.setTimer(() => this.dialAfterCall(id), this.timing.linkAfterCall);
    }
    this.learn(welcome.map((m) => m.id).filter((m) => m !== id));
    for (const m of welcome) this.maybeCall(m.id);
    if (this.arriving.length) this.emit('arriving');
  }

  /** Dials the mesh link of the holder that welcomed this page on a call, once. */
  private dialAfterCall(id: string): void {
    if (this.linkAfterCall.delete(id) && !this.links.has(id) && !this.connecting.has(id) && !this.isOver()) this.connect(id);
  }

  private readonly unavailableWaiters = new Map<string, Set<() => void>>();

  /** Runs `fn` when the PeerServer says `id` is not connected. */
  private onUnavailable(id: string, fn: () => void): () => void {
    let set = this.unavailableWaiters.get(id);
    if (!set) this.unavailableWaiters.set(id, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.unavailableWaiters.delete(id);
    };
  }

  /** Handles ids learnt from a welcome, a hello or a gossip frame. */
  private learn(ids: Iterable<string>): void {
    if (!this.member || this.isOver()) return;
    const view = {
      selfId: this.selfId,
      connected: new Set(this.links.keys()),
      dialing: new Set(this.connecting.keys()),
      gone: this.gone,
    };
    for (const id of idsToDial(view, ids)) this.connect(id);
  }

  /** Dials a member: one mesh data connection, which carries the protocol from then on. */
  private connect(id: string, welcome?: MemberInfo[]): void {
    const member = this.member;
    if (!member || !isValidPeerId(id)) return;
    const conn = member.connect(id, { ...MESH_OPTIONS, metadata: { ...metadata('mesh'), ...(welcome && { welcome }) } });
    if (!conn) return;
    this.connecting.set(id, conn);
    const done = () => {
      this.clearTimer(timer);
      offUnavailable();
    };
    const timer = this.setTimer(() => {
      done();
      if (!conn.open) conn.close();
    }, this.timing.dialTimeout);
    const offUnavailable = this.onUnavailable(id, () => {
      done();
      this.gone.add(id);
      conn.close();
    });
    let opened = false;
    conn.on('open', () => {
      opened = true;
      done();
    });
    conn.on('close', () => {
      done();
      if (!opened) this.dialFailed(id, conn);
    });
    this.attachMesh(conn);
  }

  /**
   * A mesh connection this page dialled closed before it opened (its ICE failed, or it timed
   * out): nobody else will dial this member, so dial again, with backoff; after the last try,
   * say that this member cannot be reached (a firewall between the two, most often).
   */
  private dialFailed(id: string, conn: DataConnection): void {
    const other = this.connecting.get(id);
    if (this.isOver() || this.links.has(id) || (other && other !== conn) || this.gone.has(id)) return;
    const attempts = (this.failedDials.get(id) ?? 0) + 1;
    if (attempts >= DIAL_ATTEMPTS) {
      this.failedDials.delete(id);
      const name = this.known.get(id)?.name || 'another participant';
      this.emit('error', new SessionError('negotiation-failed', `Could not connect to ${name}: a firewall between you blocks it.`, false));
      return;
    }
    this.failedDials.set(id, attempts);
    this.setTimer(() => {
      if (!this.isOver() && !this.links.has(id) && !this.connecting.has(id) && !this.gone.has(id)) this.connect(id);
    }, backoff(attempts - 1, this.timing.dialRetry, 8 * this.timing.dialRetry));
  }

  private attachMesh(conn: DataConnection): void {
    const id = conn.peer;
    this.watchIce(conn, (state) => {
      const link = this.links.get(id);
      if (link?.conn === conn) {
        link.meshIce = state;
        this.checkHealth(link);
      }
    });
    const onOpen = () => {
      if (this.isOver()) return conn.close();
      conn.send(encodeFrame(this.helloFrame()));
    };
    if (conn.open) onOpen();
    else conn.on('open', onOpen);
    conn.on('data', (data) => this.onMeshData(conn, data));
    conn.on('close', () => this.onMeshClose(conn));
    conn.on('error', (err: { type?: string }) => {
      // PeerJS closes a connection whose ICE failed; that is a broken path, not a departure.
      if (err?.type === 'negotiation-failed') this.failedConns.add(conn);
    });
  }

  /** Connections whose ICE failed: their closing starts a recovery, not a removal. */
  private readonly failedConns = new WeakSet<DataConnection>();

  /** Calls `fn` with the ICE state of a PeerJS connection's RTCPeerConnection as it changes. */
  private watchIce(conn: DataConnection | MediaConnection, fn: (state: RTCIceConnectionState) => void): void {
    const pc = conn.peerConnection;
    if (!pc) return;
    pc.addEventListener('iceconnectionstatechange', () => fn(pc.iceConnectionState));
  }

  private helloFrame(): HelloFrame {
    return {
      t: 'hello',
      name: this.name,
      media: this.mediaWanted,
      mic: this.micOn,
      cam: this.camOn,
      beacon: this.holdsBeacon,
      peers: [...this.links.keys()],
    };
  }

  private onMeshData(conn: DataConnection, data: unknown): void {
    const id = conn.peer;
    const link = this.links.get(id);
    if (link && link.conn !== conn) {
      // A fresh connection replacing a broken one says hello first; anything else on a
      // connection that is not the link's current one is stale.
      if (link.redial !== conn && !(typeof data === 'string' && data.includes('"hello"'))) return;
    }
    if (link && link.conn === conn) {
      link.lastSeen = Date.now();
      if (link.brokenSince) this.checkHealth(link);
    }
    if (data instanceof ArrayBuffer) {
      if (link) this.emit('binary', this.snapshot(link), data);
      return;
    }
    const parsed = parseFrame(data);
    if (!parsed) {
      this.emit('error', new SessionError('protocol', `Ignored a malformed message from ${link?.name || id}.`, false));
      return;
    }
    if ('extension' in parsed) {
      if (link) this.emit('frame', this.snapshot(link), parsed.extension);
      return;
    }
    const frame: CoreFrame = parsed.core;
    if (frame.t === 'hello') return this.onHello(conn, frame);
    if (!link) return;
    switch (frame.t) {
      case 'peers':
        this.learn(frame.ids);
        break;
      case 'state':
        this.updateLink(link, { media: frame.media, mic: frame.mic, cam: frame.cam });
        if (!frame.media) this.hangUp(link.id);
        this.maybeCall(link.id);
        break;
      case 'beacon':
        link.beacon = true;
        this.beaconHolder = id;
        break;
      case 'bye':
        this.removeLink(link, 'left');
        break;
      case 'recall':
        if (shouldDial(this.selfId, link.id)) this.maybeCall(link.id, true);
        break;
      default:
        break;
    }
  }

  private onHello(conn: DataConnection, frame: HelloFrame): void {
    const id = conn.peer;
    const existing = this.links.get(id);
    if (existing || this.isOver()) {
      if (existing && existing.conn !== conn) this.replaceConnection(existing, conn, frame);
      return;
    }
    if (this.connecting.get(id) === conn) this.connecting.delete(id);
    this.admitted.delete(id);
    this.known.delete(id);
    this.failedDials.delete(id);
    const now = Date.now();
    const link: Link = {
      id,
      conn,
      name: frame.name || 'Guest',
      media: frame.media,
      mic: frame.mic,
      cam: frame.cam,
      since: now,
      arrived: this._phase === 'joined' && !this.preexisting.has(id),
      lastSeen: now,
      meshIce: conn.peerConnection?.iceConnectionState ?? 'connected',
      brokenSince: 0,
      redial: null,
      redialAttempts: 0,
      beacon: frame.beacon,
      snapshot: null,
    };
    this.links.set(id, link);
    if (frame.beacon) this.beaconHolder = id;
    this.emit('participant-joined', this.snapshot(link));
    // Gossip: everyone linked to us hears of the newcomer, and the newcomer of everyone.
    this.broadcast({ t: 'peers', ids: [...this.links.keys()] });
    this.learn(frame.peers);
    if (!frame.media) this.hangUp(id);
    this.maybeCall(id);
  }

  /**
   * A second mesh connection from a linked member. The member whose turn it is to dial opens
   * one when their link looks broken (a renegotiation: new ICE, new DTLS); it replaces the old
   * one, and the media call is placed again over the new path. From the other side of the pair
   * it is refused: exactly one side of a pair dials.
   */
  private replaceConnection(link: Link, conn: DataConnection, frame: HelloFrame): void {
    const member = this.member;
    const dialledByUs = link.redial === conn;
    if (!member || (!dialledByUs && !shouldDial(link.id, this.selfId))) {
      conn.close();
      return;
    }
    const old = link.conn;
    link.conn = conn;
    link.redial = null;
    link.redialAttempts = 0;
    link.lastSeen = Date.now();
    link.meshIce = conn.peerConnection?.iceConnectionState ?? 'connected';
    if (this.connecting.get(link.id) === conn) this.connecting.delete(link.id);
    old.close();
    this.updateLink(link, { name: frame.name || link.name, media: frame.media, mic: frame.mic, cam: frame.cam });
    link.brokenSince = 0;
    link.snapshot = null;
    this.checkHealth(link);
    this.maybeCall(link.id, true);
    // Whatever was under way on the old connection (a message, a file) may be lost.
    this.emit('participant-reconnected', this.snapshot(link));
  }

  private onMeshClose(conn: DataConnection): void {
    const id = conn.peer;
    if (this.connecting.get(id) === conn) this.connecting.delete(id);
    const link = this.links.get(id);
    if (!link) return;
    if (link.redial === conn) {
      link.redial = null;
      return;
    }
    if (link.conn !== conn) return;
    if (this.failedConns.has(conn) || link.brokenSince) {
      // The path broke: keep the member (shown as reconnecting) until a fresh connection
      // works or the silence deadline passes.
      if (!link.brokenSince) link.brokenSince = Date.now();
      this.checkHealth(link);
      return;
    }
    this.removeLink(link, 'closed');
  }

  /** Re-evaluates a link's health from silence and ICE states; starts a redial when due. */
  private checkHealth(link: Link): void {
    const now = Date.now();
    const iceBroken = (s: RTCIceConnectionState | undefined) => s === 'disconnected' || s === 'failed';
    const broken =
      !link.conn.open || now - link.lastSeen > this.timing.quiet || iceBroken(link.meshIce) || iceBroken(this.calls.get(link.id)?.ice);
    if (broken && !link.brokenSince) link.brokenSince = now;
    const restored = !broken && link.brokenSince !== 0;
    if (restored) {
      link.brokenSince = 0;
      link.redialAttempts = 0;
    }
    const connection = link.brokenSince ? 'reconnecting' : 'connected';
    if (this.snapshot(link).connection !== connection) this.updateLink(link, {});
    if (restored) this.emit('participant-reconnected', this.snapshot(link));
    if (link.brokenSince && now - link.brokenSince >= this.timing.redialAfter) this.redial(link);
  }

  /** Opens a fresh mesh connection to a member whose link is broken, if it is ours to dial. */
  private redial(link: Link): void {
    const member = this.member;
    if (!member || member.disconnected || link.redial || !shouldDial(this.selfId, link.id)) return;
    const due = link.brokenSince + this.timing.redialAfter + (link.redialAttempts ? backoff(link.redialAttempts, 1_000, 8_000, () => 0.5) : 0);
    if (Date.now() < due) return;
    link.redialAttempts++;
    const conn = member.connect(link.id, { ...MESH_OPTIONS, metadata: metadata('mesh') });
    if (!conn) return;
    link.redial = conn;
    const timer = this.setTimer(() => {
      if (link.redial === conn) {
        link.redial = null;
        conn.close();
      }
    }, this.timing.dialTimeout);
    conn.on('open', () => this.clearTimer(timer));
    this.attachMesh(conn);
  }

  private removeLink(link: Link, reason: LeaveReason): void {
    if (this.links.get(link.id) !== link) return;
    this.links.delete(link.id);
    this.gone.add(link.id);
    link.conn.close();
    link.redial?.close();
    this.hangUp(link.id);
    this.emit('participant-left', this.snapshot(link), reason);
    if (this.beaconHolder === link.id) {
      this.beaconHolder = null;
      void this.takeOverBeacon();
    }
  }

  /** Heartbeat: ping every member, drop the silent ones, keep the beacon held. */
  private beat(): void {
    const now = Date.now();
    for (const link of [...this.links.values()]) {
      if (now - link.lastSeen > this.timing.silence) {
        this.removeLink(link, 'timeout');
        continue;
      }
      this.sendTo(link, { t: 'ping' });
      this.checkHealth(link);
    }
    this.pruneAdmitted();
    if (this._phase === 'joined' && !this.beaconHolder) void this.takeOverBeacon();
  }

  /**
   * The beacon holder is gone. Members try to claim the beacon in id order; the PeerServer lets
   * exactly one win, and it announces itself. A member that loses without hearing that
   * announcement has a holder outside its mesh (a newcomer took the free id meanwhile): it asks
   * that holder to let it in, which joins the two meshes through gossip.
   */
  private async takeOverBeacon(): Promise<void> {
    if (this.takeoverRunning || !this.member) return;
    this.takeoverRunning = true;
    try {
      for (let attempt = 0; !this.isOver() && !this.beaconHolder; ) {
        if (this.member?.disconnected) {
          // Nothing can be claimed without the server: wait for it, then start afresh.
          await sleep(250);
          attempt = 0;
          continue;
        }
        const delay = attempt === 0 ? takeoverDelay(this.selfId, this.links.keys(), this.timing.takeoverStep) : backoff(attempt, 500, 10_000);
        attempt++;
        await sleep(delay);
        if (this.isOver() || this.beaconHolder) return;
        if (this.holdBeacon(await this.openBeacon().catch(() => null))) return;
        // Give the winner, if it is one of ours, time to announce itself.
        await sleep(this.timing.takeoverStep * 2);
        if (this.isOver() || this.beaconHolder) return;
        await this.introduce().catch(() => null);
      }
    } finally {
      this.takeoverRunning = false;
    }
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
      const member = this.member;
      if (!member || this.isOver() || !member.disconnected) return;
      const ok = await new Promise<boolean>((resolve) => {
        const done = (result: boolean) => {
          this.clearTimer(t);
          member.off('open', onOpen);
          member.off('disconnected', onFail);
          resolve(result);
        };
        const onOpen = () => done(true);
        const onFail = () => done(false);
        const t = this.setTimer(onFail, this.timing.openTimeout);
        member.on('open', onOpen);
        // A failed attempt (server still down) ends in 'disconnected' again.
        member.on('disconnected', onFail);
        member.reconnect();
      });
      if (ok) {
        this.reconnecting = false;
        this.emit('signalling', 'connected');
        if (!this.beaconHolder || this.beaconHolder === this.selfId) void this.takeOverBeacon();
        return;
      }
    }
  }

  // ---------------------------------------------------------------- media

  /**
   * Says that this page takes part in the call once its camera and microphone have answered:
   * its introduction and hello say so, and calls from others wait to be answered until
   * enableMedia brings the stream. Call it before join(), while the devices are asked for.
   */
  expectMedia(): void {
    this.mediaWanted = true;
    this.mediaReady = false;
  }

  /**
   * Takes part in the call: with `stream` (null for receive-only), and the current state of the
   * microphone and camera. Calls are placed or answered with every member that wants media.
   */
  enableMedia(stream: MediaStream | null): void {
    this.mediaWanted = this.mediaReady = true;
    this.adopt(stream);
    for (const call of this.unanswered) this.answer(call);
    this.unanswered.clear();
    for (const id of new Set([...this.links.keys(), ...this.known.keys()])) this.maybeCall(id);
  }

  /** Stops taking part in the call; data connections stay. */
  disableMedia(): void {
    this.mediaWanted = false;
    this.mediaReady = true;
    this.localStream = null;
    this.micOn = this.camOn = false;
    for (const id of [...this.calls.keys()]) this.hangUp(id);
    this.broadcastState();
  }

  /**
   * Changes the tracks this page sends: a new device, a camera switched on for the first time.
   * A track whose kind the call already sends replaces the old one in place (replaceTrack, no
   * renegotiation); a kind the call cannot carry yet makes the call be placed again.
   */
  setLocalStream(stream: MediaStream | null): void {
    this.adopt(stream);
    if (!this.mediaWanted || !this.member) return;
    // A snapshot: placing a call again re-inserts it into the map.
    for (const [id, { call }] of [...this.calls]) {
      const pc = call.peerConnection;
      if (!pc) continue;
      let fits = true;
      for (const track of stream?.getTracks() ?? []) {
        const transceiver = pc
          .getTransceivers()
          .find((t) => t.receiver.track.kind === track.kind && (t.currentDirection === 'sendrecv' || t.currentDirection === 'sendonly'));
        if (transceiver) void transceiver.sender.replaceTrack(track).catch(() => {});
        else fits = false;
      }
      if (fits) continue;
      const link = this.links.get(id);
      if (shouldDial(this.selfId, id)) this.maybeCall(id, true);
      else if (link) this.sendTo(link, { t: 'recall' });
    }
  }

  /** Makes `stream` the one sent, and tells the others whether its microphone and camera are on. */
  private adopt(stream: MediaStream | null): void {
    const on = (tracks: MediaStreamTrack[] = []) => tracks.some((t) => t.enabled && t.readyState === 'live');
    this.localStream = stream;
    this.micOn = on(stream?.getAudioTracks());
    this.camOn = on(stream?.getVideoTracks());
    this.broadcastState();
  }

  /** Tells the others that the microphone or camera was switched on or off. */
  setMediaState(state: { mic?: boolean; cam?: boolean }): void {
    this.micOn = state.mic ?? this.micOn;
    this.camOn = state.cam ?? this.camOn;
    this.broadcastState();
  }

  private broadcastState(): void {
    this.broadcast({ t: 'state', media: this.mediaWanted, mic: this.micOn, cam: this.camOn });
  }

  /**
   * Places the media call to a member when it is this side's turn (see shouldCall): as soon as
   * both are known to want media and this page's devices have answered, which for a newcomer
   * is right after the welcome.
   */
  private maybeCall(id: string, again = false): void {
    if (again) this.hangUp(id);
    const theirMedia = this.links.get(id)?.media ?? this.known.get(id)?.media ?? false;
    if (this.mediaReady && !this.calls.has(id) && shouldCall(this.selfId, id, this.mediaWanted, theirMedia)) this.placeCall(id);
  }

  /** Calls a member; the beacon holder's call to a newcomer carries the welcome. */
  private placeCall(id: string, welcome?: MemberInfo[]): void {
    const member = this.member;
    if (!member || this.isOver()) return;
    // PeerJS refuses a call without a stream; a receive-only member offers an empty one and
    // asks to receive both kinds, so the other side's tracks still flow.
    const call = member.call(id, this.localStream ?? new MediaStream(), {
      metadata: { ...metadata('media'), ...(welcome && { welcome }) },
      constraints: { offerToReceiveAudio: true, offerToReceiveVideo: true },
    } as Parameters<Peer['call']>[2]);
    if (call) this.attachCall(id, call, true);
  }

  private onIncomingCall(call: MediaConnection): void {
    const id = call.peer;
    // Two calls crossed (the holder's, welcoming, and one placed by the usual rule): the
    // higher id's call stays, on both sides.
    const crossed = this.calls.get(id)?.out && shouldDial(this.selfId, id);
    if (!isConnectionMetadata(call.metadata, 'media') || !this.mediaWanted || this.isOver() || this.gone.has(id)) {
      call.close();
      return;
    }
    if (crossed) call.close();
    else {
      this.hangUp(id);
      this.attachCall(id, call, false);
      // Answered with this page's camera and microphone, once they are there.
      if (this.mediaReady) this.answer(call);
      else this.unanswered.add(call);
    }
    // A welcome counts even on a call that lost a crossing.
    const welcome = parseWelcome(call.metadata, 'media');
    if (welcome) this.welcomed(id, welcome, true);
  }

  private answer(call: MediaConnection): void {
    const state = this.calls.get(call.peer);
    if (state?.call !== call) return;
    call.answer(this.localStream ?? undefined);
    this.watchCall(call.peer, state);
  }

  private attachCall(id: string, call: MediaConnection, out: boolean): void {
    const state: CallState = { call, out, ice: call.peerConnection?.iceConnectionState ?? 'new', stream: null };
    this.calls.set(id, state);
    const current = () => this.calls.get(id) === state;
    if (out) this.watchCall(id, state);
    // PeerJS fires `stream` once per track, with the same stream: one update per new stream.
    call.on('stream', (stream) => {
      if (!current() || state.stream === stream) return;
      state.stream = stream;
      this.touch(id);
    });
    call.on('close', () => {
      if (!current()) return;
      this.calls.delete(id);
      if (state.stream) this.touch(id);
      this.dialAfterCall(id);
    });
    call.on('error', () => {});
  }

  /** Follows a call's connection (its peer connection exists once placed or answered). */
  private watchCall(id: string, state: CallState): void {
    const pc = state.call.peerConnection;
    if (!pc) return;
    pc.addEventListener('iceconnectionstatechange', () => {
      if (this.calls.get(id) !== state) return;
      state.ice = pc.iceConnectionState;
      const link = this.links.get(id);
      if (link) this.checkHealth(link);
    });
    const signalled = () => {
      if (pc.signalingState !== 'have-local-offer' && pc.signalingState !== 'stable') return;
      pc.removeEventListener('signalingstatechange', signalled);
      // After PeerJS's send of the offer or answer, which follows in a microtask.
      queueMicrotask(() => this.emit('calling'));
    };
    pc.addEventListener('signalingstatechange', signalled);
    // A call that failed has nothing left to compete with: dial the mesh link at once.
    pc.addEventListener('connectionstatechange', () => (pc.connectionState === 'failed' || pc.connectionState === 'closed') && this.dialAfterCall(id));
  }

  /** Ends the media call with a member, if any. */
  private hangUp(id: string): void {
    const state = this.calls.get(id);
    if (!state) return;
    this.calls.delete(id);
    this.unanswered.delete(state.call);
    state.call.close();
    if (state.stream) this.touch(id);
  }

  /** A member's media changed: tell the listeners. */
  private touch(id: string): void {
    const link = this.links.get(id);
    if (link) this.updateLink(link, {});
    else if (this.known.has(id)) this.emit('arriving');
  }

  private updateLink(link: Link, change: Partial<Pick<Link, 'name' | 'media' | 'mic' | 'cam'>>): void {
    Object.assign(link, change);
    link.snapshot = null;
    if (this.links.get(link.id) === link) this.emit('participant-updated', this.snapshot(link));
  }

  // ---------------------------------------------------------------- messaging for extensions

  /** Sends a frame to every linked member. */
  broadcast(frame: CoreFrame | ExtensionFrame): void {
    for (const link of this.links.values()) this.sendTo(link, frame);
  }

  /** Sends a frame to one linked member; false when that member is not linked. */
  send(id: string, frame: CoreFrame | ExtensionFrame | ArrayBuffer): boolean {
    const link = this.links.get(id);
    if (!link) return false;
    this.sendTo(link, frame);
    return true;
  }

  /** The data channel to a member, for flow control of bulk transfers. */
  channel(id: string): RTCDataChannel | null {
    return this.links.get(id)?.conn.dataChannel ?? null;
  }

  private sendTo(link: Link, frame: CoreFrame | ExtensionFrame | ArrayBuffer): void {
    try {
      if (link.conn.open) link.conn.send(frame instanceof ArrayBuffer ? frame : encodeFrame(frame));
    } catch {
      // A channel closing under us: its close event removes the member.
    }
  }

  // ---------------------------------------------------------------- leaving

  /** Leaves the room: says goodbye, closes every connection and frees both peer ids. */
  leave(): Promise<void> {
    this.leavePromise ??= this.runLeave();
    return this.leavePromise;
  }

  private async runLeave(): Promise<void> {
    if (this._phase === 'left' || this._phase === 'failed') return;
    const wasJoined = this._phase === 'joined';
    this.setPhase('left');
    // Free the beacon id first, so that whoever takes over finds it free.
    this.dropBeacon();
    if (wasJoined) {
      this.broadcast({ t: 'bye' });
      // Let the goodbyes leave the buffers before the connections close (bounded wait).
      const until = Date.now() + 300;
      while (Date.now() < until && [...this.links.values()].some((l) => (l.conn.dataChannel?.bufferedAmount ?? 0) > 0)) {
        await sleep(20);
      }
    }
    this.teardown();
  }

  /** Drops the session at once, for a page that is going away. */
  destroy(): void {
    this.dropBeacon();
    if (this._phase === 'joined') this.broadcast({ t: 'bye' });
    if (this._phase !== 'left' && this._phase !== 'failed') this.setPhase('left');
    this.teardown();
  }

  /** The page is going away (or into the back/forward cache, where connections die anyway). */
  private readonly onPageHide = () => this.destroy();

  private teardown(): void {
    removeEventListener('pagehide', this.onPageHide);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.introWaiter = null;
    for (const { call } of this.calls.values()) call.close();
    this.calls.clear();
    this.unanswered.clear();
    this.linkAfterCall.clear();
    const links = [...this.links.values()];
    this.links.clear();
    for (const link of links) {
      link.conn.close();
      link.redial?.close();
    }
    for (const conn of this.connecting.values()) conn.close();
    this.connecting.clear();
    this.beacon?.destroy();
    this.beacon = null;
    this.member?.destroy();
    this.localStream = null;
  }

  // ---------------------------------------------------------------- helpers

  private isOver(): boolean {
    return this._phase === 'left' || this._phase === 'failed';
  }

  private setPhase(phase: SessionPhase): void {
    if (this._phase === phase) return;
    this._phase = phase;
    this.emit('phase', phase);
  }

  private setTimer(fn: () => void, ms: number): ReturnType<typeof setTimeout> {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  private clearTimer(t: ReturnType<typeof setTimeout>): void {
    clearTimeout(t);
    this.timers.delete(t);
  }

  private snapshot(link: Link): Participant {
    link.snapshot ??= Object.freeze({
      id: link.id,
      name: link.name,
      media: link.media,
      mic: link.mic,
      cam: link.cam,
      stream: this.calls.get(link.id)?.stream ?? null,
      since: link.since,
      arrived: link.arrived,
      connection: link.brokenSince ? 'reconnecting' : 'connected',
    });
    return link.snapshot;
  }

  /** Opens a PeerJS peer with the given id on the configured server. */
  private openPeer(id: string): Promise<Peer> {
    return new Promise<Peer>((resolve, reject) => {
      let peer: Peer;
      try {
        peer = this.factory(id, this.peerOptions);
      } catch (err) {
        reject(new SessionError('browser-incompatible', `This browser cannot make calls: ${(err as Error).message}`));
        return;
      }
      const fail = (error: Error) => {
        this.clearTimer(timer);
        peer.off('open', onOpen);
        peer.off('error', onError);
        peer.destroy();
        reject(error);
      };
      const onOpen = () => {
        this.clearTimer(timer);
        peer.off('error', onError);
        resolve(peer);
      };
      const onError = (err: PeerError<string>) => fail(this.mapOpenError(err));
      const timer = this.setTimer(
        () => fail(new SessionError('network', `The call server at ${this.server.url} did not answer within ${this.timing.openTimeout / 1000} s.`)),
        this.timing.openTimeout,
      );
      peer.on('open', onOpen);
      peer.on('error', onError);
    });
  }

  private mapOpenError(err: PeerError<string>): Error {
    // peer 1.x answers a wrong key with a generic ERROR frame ("Invalid key provided").
    const type = err.type === 'server-error' && /invalid key/i.test(err.message) ? 'invalid-key' : err.type;
    switch (type) {
      case 'unavailable-id':
        return new IdTakenError(err.message);
      case 'invalid-key':
        return new SessionError('invalid-key', `The call server at ${this.server.url} refused the key "${this.server.key}".`);
      case 'server-error':
        return new SessionError('server-error', `The call server at ${this.server.url} reported an error: ${err.message}`);
      case 'browser-incompatible':
        return new SessionError('browser-incompatible', 'This browser does not support WebRTC calls.');
      default:
        return new SessionError('network', `Cannot reach the call server at ${this.server.url}. Check the server address and that the server is running.`);
    }
  }
}
