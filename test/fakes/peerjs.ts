/**
 * An in-memory stand-in for PeerJS and a PeerServer, for unit tests of the session's decisions
 * (who dials, who calls, how rosters merge, who takes the beacon over) without WebRTC. It keeps
 * the PeerServer's rules that the protocol relies on: an id is given to the first peer that
 * claims it and refused to others until released; connecting to an absent id fails with
 * `peer-unavailable`; metadata arrives with the connection, before it opens; an OFFER sent on
 * the socket is relayed as it is, and one for an absent id waits at the server until that id
 * is claimed (then it is delivered) or `expireAfter` has passed (then `peer-unavailable`).
 */
import type { Peer, PeerOptions } from 'peerjs';
import type { PeerFactory } from '../../src/session/room-session.js';

type Handler = (...args: unknown[]) => void;

class Events {
  private handlers = new Map<string, Set<Handler>>();
  on(event: string, fn: Handler) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event)!.add(fn);
    return this;
  }
  off(event: string, fn: Handler) {
    this.handlers.get(event)?.delete(fn);
    return this;
  }
  once(event: string, fn: Handler) {
    const wrapped: Handler = (...args) => {
      this.off(event, wrapped);
      fn(...args);
    };
    return this.on(event, wrapped);
  }
  emit(event: string, ...args: unknown[]) {
    for (const fn of [...(this.handlers.get(event) ?? [])]) fn(...args);
  }
}

let connectionCount = 0;

/** Delivery delay of the fake network, in ms. */
const LATENCY = 2;
const later = (fn: () => void, ms = LATENCY) => setTimeout(fn, ms);

/** A track sent on a fake peer connection. */
class FakeSender {
  constructor(
    public track: MediaStreamTrack | null,
    readonly stream: MediaStream,
    readonly key: string,
  ) {}
  async replaceTrack(track: MediaStreamTrack | null) {
    this.track = track;
  }
}

/** Tracks on the fake network, by key, so that the receiving end shows the very track sent. */
const tracks = new Map<string, MediaStreamTrack>();
let trackCount = 0;

/**
 * The part of an RTCPeerConnection the session uses: ICE and connection states with their
 * events (the fake network moves them when a path breaks, heals or fails), descriptions whose SDP
 * states a DTLS fingerprint and the tracks sent, tracks added and removed with
 * negotiationneeded, and the track events of the other end's tracks once a description is set.
 */
export class FakePeerConnection extends EventTarget {
  iceConnectionState: RTCIceConnectionState = 'new';
  connectionState: RTCPeerConnectionState = 'new';
  signalingState: RTCSignalingState = 'stable';
  localDescription: { type: RTCSdpType; sdp: string } | null = null;
  remoteDescription: { type: RTCSdpType; sdp: string } | null = null;
  onnegotiationneeded: (() => void) | null = null;
  onicecandidate: ((e: RTCPeerConnectionIceEvent) => void) | null = null;
  ontrack: ((e: { track: MediaStreamTrack; streams: MediaStream[] }) => void) | null = null;
  oniceconnectionstatechange: (() => void) | null = null;
  /** How many offers this end made, ICE restarts included. */
  offers = 0;
  restarts = 0;
  private fingerprint = '';
  private readonly senders: FakeSender[] = [];
  private readonly received = new Map<string, MediaStream>();
  private negotiationPending = false;

  getSenders(): RTCRtpSender[] {
    return this.senders as unknown as RTCRtpSender[];
  }
  getTransceivers(): RTCRtpTransceiver[] {
    return [];
  }
  /** The fake's received tracks carry no packets, so no receiver has a level to tell. */
  getReceivers(): RTCRtpReceiver[] {
    return [];
  }
  /** A transceiver to receive on: the fake carries tracks without them, so it only asks for a negotiation. */
  addTransceiver(): RTCRtpTransceiver {
    this.needNegotiation();
    return {} as RTCRtpTransceiver;
  }
  addTrack(track: MediaStreamTrack, stream: MediaStream): RTCRtpSender {
    const key = `t${++trackCount}`;
    tracks.set(key, track);
    const sender = new FakeSender(track, stream, key);
    this.senders.push(sender);
    this.needNegotiation();
    return sender as unknown as RTCRtpSender;
  }
  removeTrack(sender: RTCRtpSender) {
    const i = this.senders.indexOf(sender as unknown as FakeSender);
    if (i >= 0) this.senders.splice(i, 1);
    this.needNegotiation();
  }
  restartIce() {
    this.restarts++;
    this.needNegotiation();
  }
  async setLocalDescription(description?: { type: RTCSdpType }) {
    const type = description?.type ?? (this.signalingState === 'have-remote-offer' ? 'answer' : 'offer');
    if (type === 'offer') this.offers++;
    const sent = this.senders.filter((s) => s.track).map((s) => ({ key: s.key, stream: s.stream.id }));
    this.localDescription = { type, sdp: `v=0\r\na=fingerprint:sha-256 ${this.fingerprint}\r\na=x-tracks:${JSON.stringify(sent)}\r\n` };
    this.setSignaling(type === 'offer' ? 'have-local-offer' : 'stable');
  }
  async setRemoteDescription(description: { type: RTCSdpType; sdp?: string }) {
    this.remoteDescription = { type: description.type, sdp: description.sdp ?? '' };
    this.setSignaling(description.type === 'offer' ? 'have-remote-offer' : 'stable');
    const listed = /a=x-tracks:(.*)\r\n/.exec(description.sdp ?? '')?.[1];
    if (!listed) return;
    const now = JSON.parse(listed) as { key: string; stream: string }[];
    for (const { key, stream: id } of now) {
      if (this.received.has(key)) continue;
      const track = tracks.get(key);
      if (!track) continue;
      const stream = (this.streams.get(id) ?? this.streams.set(id, new MediaStream()).get(id))!;
      this.received.set(key, stream);
      stream.addTrack(track);
      this.ontrack?.({ track, streams: [stream] });
    }
    for (const [key, stream] of [...this.received]) {
      if (now.some((t) => t.key === key)) continue;
      this.received.delete(key);
      const track = tracks.get(key)!;
      stream.removeTrack(track);
      stream.dispatchEvent(new MediaStreamTrackEvent('removetrack', { track }));
    }
  }
  async addIceCandidate() {}
  close() {
    this.setIce('closed');
  }
  /** Streams of the other end, by id, as they arrive here. */
  private readonly streams = new Map<string, MediaStream>();
  /** Both descriptions set, with the DTLS fingerprints each end states (as the SDP would carry them). */
  describe(local: string, remote: string) {
    this.fingerprint = local;
    this.localDescription = { type: 'offer', sdp: `v=0\r\na=fingerprint:sha-256 ${local}\r\n` };
    this.remoteDescription = { type: 'answer', sdp: `v=0\r\na=fingerprint:sha-256 ${remote}\r\n` };
    this.dispatchEvent(new Event('signalingstatechange'));
  }
  setIce(state: RTCIceConnectionState) {
    if (this.iceConnectionState === state) return;
    this.iceConnectionState = state;
    this.dispatchEvent(new Event('iceconnectionstatechange'));
    this.oniceconnectionstatechange?.();
    const connection: RTCPeerConnectionState = state === 'checking' ? 'connecting' : state === 'completed' ? 'connected' : state;
    if (this.connectionState !== connection) {
      this.connectionState = connection;
      this.dispatchEvent(new Event('connectionstatechange'));
    }
  }
  private setSignaling(state: RTCSignalingState) {
    this.signalingState = state;
    this.dispatchEvent(new Event('signalingstatechange'));
    // As a browser does: negotiationneeded comes in a task of its own, after the call that made
    // the connection stable has returned.
    if (state === 'stable' && this.negotiationPending) setTimeout(() => this.signalingState === 'stable' && this.negotiationPending && this.fireNegotiation());
  }
  private needNegotiation() {
    if (this.negotiationPending) return;
    this.negotiationPending = true;
    setTimeout(() => this.signalingState === 'stable' && this.negotiationPending && this.fireNegotiation());
  }
  private fireNegotiation() {
    this.negotiationPending = false;
    this.onnegotiationneeded?.();
  }
}

/** A camera for tests of the fake network: a real video track from a canvas. */
export function fakeCamera(): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 16;
  canvas.getContext('2d')!.fillRect(0, 0, 16, 16);
  return canvas.captureStream(1);
}

export class FakeConnection extends Events {
  open = false;
  closed = false;
  other: FakeConnection | null = null;
  /** False while the path between the two ends is broken: frames are lost, as on a dead network. */
  pathUp = true;
  readonly peerConnection = new FakePeerConnection();
  readonly dataChannel = { bufferedAmount: 0 };
  constructor(
    readonly type: 'data' | 'media',
    readonly peer: string,
    readonly metadata: unknown,
    readonly owner: FakePeer,
    readonly connectionId = `fc_${++connectionCount}`,
  ) {
    super();
  }
  send(data: unknown) {
    if (!this.open) return;
    const other = this.other;
    if (!this.pathUp || this.owner.network.loses?.(this.owner.id, this.peer, data, this.connectionId)) return;
    later(() => other && !other.closed && other.pathUp && other.emit('data', data));
  }
  answer() {
    const caller = this.other;
    later(() => {
      if (this.closed || !caller || caller.closed) return;
      this.open = caller.open = true;
      this.owner.network.describe(caller, this);
      this.peerConnection.setIce('connected');
      caller.peerConnection.setIce('connected');
      caller.emit('stream', this.owner.network.stream(this.owner.id));
      this.emit('stream', this.owner.network.stream(caller.owner.id));
    });
  }
  close() {
    if (this.closed) return;
    this.closed = true;
    // As PeerJS 1.5's close(): only a connection that opened says `close`; one that never opened
    // (its ICE failed, or it was given up) goes without a word.
    const opened = this.open;
    this.open = false;
    this.owner.connections.delete(this);
    this.peerConnection.setIce('closed');
    if (opened) this.emit('close');
    const other = this.other;
    // Over a broken path the other end hears nothing: its side stays until its own checks notice.
    if (other && !other.closed && this.pathUp) later(() => other.close());
  }
}

/** A peer's link to the fake server: relays what is sent to `dst`, as a PeerServer relays OFFERs. */
class FakeSocket extends Events {
  constructor(private readonly owner: FakePeer) {
    super();
  }
  send(message: { type: string; dst: string; payload: unknown }) {
    const { owner } = this;
    if (owner.destroyed || owner.network.stalled.has(owner.id)) return;
    owner.network.relayed.push({ ...message, src: owner.id });
    if (owner.network.relayed.length > 1_000) owner.network.relayed.shift();
    later(() => {
      const relayed = { ...message, src: owner.id };
      const target = owner.network.peers.get(message.dst);
      if (target) {
        if (!owner.network.stalled.has(target.id)) target.socket.emit('message', relayed);
      }
      else owner.network.hold(relayed, owner);
    });
  }
}

export class FakePeer extends Events {
  open = false;
  disconnected = false;
  destroyed = false;
  readonly connections = new Set<FakeConnection>();
  readonly socket = new FakeSocket(this);
  constructor(
    readonly network: FakeNetwork,
    readonly id: string,
    serverDelay = 0,
  ) {
    super();
    this.socket.on('message', (m) => this.onServerMessage(m as Parameters<FakePeer['onServerMessage']>[0]));
    if (network.silent) return;
    later(() => {
      if (this.destroyed) return;
      if (network.refuses) {
        // As PeerJS reports the server's ERROR to a new peer (a wrong key, say).
        this.emit('error', Object.assign(new Error('Invalid key provided'), { type: network.refuses }));
        this.destroyed = true;
        return;
      }
      if (network.peers.has(id)) {
        this.emit('error', Object.assign(new Error(`ID "${id}" is taken`), { type: 'unavailable-id' }));
        this.destroyed = true;
        return;
      }
      network.peers.set(id, this);
      this.open = true;
      this.emit('open', id);
      network.deliverHeld(this);
    }, LATENCY + serverDelay);
  }

  connect(dst: string, options: { metadata?: unknown; serialization?: string } = {}) {
    return this.dial('data', dst, options.metadata, options.serialization);
  }

  call(dst: string, _stream: MediaStream, options: { metadata?: unknown } = {}) {
    this.network.callsPlaced.push([this.id, dst]);
    return this.dial('media', dst, options.metadata);
  }

  private dial(type: 'data' | 'media', dst: string, metadata: unknown, serialization?: string) {
    const mine = new FakeConnection(type, dst, metadata, this);
    this.connections.add(mine);
    later(() => {
      const target = this.network.peers.get(dst);
      if (!target || mine.closed) {
        if (mine.closed) return;
        this.network.unavailable.push(dst);
        this.emit('error', Object.assign(new Error(`Could not connect to peer ${dst}`), { type: 'peer-unavailable' }));
        return;
      }
      // Through the target's socket, as a PeerServer relays an OFFER: what PeerJS would see.
      this.network.offers.set(mine.connectionId, mine);
      target.socket.emit('message', { type: 'OFFER', src: this.id, payload: { type, connectionId: mine.connectionId, metadata, serialization, sdp: { type: 'offer', sdp: 'v=0\r\n' } } });
    });
    return mine;
  }

  /** PeerJS's handling of a relayed OFFER: a connection for it, and a 'connection' or 'call' event. */
  private onServerMessage(message: { type?: string; src?: string; payload?: { type?: string; connectionId?: string; metadata?: unknown } }) {
    const { payload, src } = message;
    if (message.type !== 'OFFER' || !payload || !src || (payload.type !== 'data' && payload.type !== 'media')) return;
    const mine = this.network.offers.get(payload.connectionId ?? '');
    this.network.offers.delete(payload.connectionId ?? '');
    if (!mine || mine.closed || this.destroyed) return;
    const type = payload.type;
    const theirs = new FakeConnection(type, src, payload.metadata, this, mine.connectionId);
    this.connections.add(theirs);
    mine.other = theirs;
    theirs.other = mine;
    this.network.accepted++;
    this.emit(type === 'data' ? 'connection' : 'call', theirs);
    if (type !== 'data') return;
    this.network.iceSteps.forEach((ms, i) => {
      later(() => !mine.open && !mine.closed && [mine, theirs].forEach((c) => c.peerConnection.setIce(i % 2 ? 'connected' : 'checking')), ms);
    });
    const severed = this.network.isSevered(src, this.id);
    const fails = severed || this.network.failingDials > 0;
    if (fails && !severed) this.network.failingDials--;
    later(() => {
      if (mine.closed || theirs.closed) return;
      if (fails) {
        // As PeerJS does when ICE fails: an error, then the connection closes on both sides.
        mine.emit('error', Object.assign(new Error(`Negotiation of connection to ${src} failed.`), { type: 'negotiation-failed' }));
        mine.close();
        return;
      }
      mine.open = theirs.open = true;
      this.network.describe(mine, theirs);
      mine.peerConnection.setIce('connected');
      theirs.peerConnection.setIce('connected');
      mine.emit('open');
      theirs.emit('open');
    }, LATENCY + this.network.openDelay);
  }

  getConnection(peerId: string, connectionId: string) {
    return [...this.connections].find((c) => c.peer === peerId && c.connectionId === connectionId) ?? null;
  }

  /** As PeerJS's: closes the connections, disconnects (and says so), then is destroyed. */
  destroy() {
    if (this.destroyed) return;
    const wasUp = !this.disconnected;
    this.disconnected = true;
    this.open = false;
    if (this.network.peers.get(this.id) === this) this.network.peers.delete(this.id);
    for (const c of [...this.connections]) c.close();
    if (wasUp) this.emit('disconnected', this.id);
    this.destroyed = true;
    this.emit('close');
  }

  /** The WebSocket to the server dropped: PeerJS reports a network error and 'disconnected'. */
  loseServer() {
    if (this.destroyed || this.disconnected) return;
    this.disconnected = true;
    this.open = false;
    // The server forgets the id of a socket that closed.
    if (this.network.peers.get(this.id) === this) this.network.peers.delete(this.id);
    this.emit('error', Object.assign(new Error('Lost connection to server.'), { type: 'network' }));
    this.emit('disconnected', this.id);
  }

  /** As PeerJS's: closes the socket to the server (a reconnect under way too) and says so. */
  disconnect() {
    if (this.disconnected || this.destroyed) return;
    this.disconnected = true;
    this.open = false;
    this.attempt++;
    if (this.network.peers.get(this.id) === this) this.network.peers.delete(this.id);
    this.emit('disconnected', this.id);
  }

  /** Reconnect attempts begun; one that disconnect() gave up on comes to nothing. */
  private attempt = 0;

  /**
   * As PeerJS's: tries the server again with the same id; 'open' if it answers, else
   * 'disconnected' again. PeerJS clears `disconnected` at once, before its socket opens.
   */
  reconnect() {
    if (this.destroyed || !this.disconnected) return;
    this.network.reconnects++;
    this.disconnected = false;
    const attempt = ++this.attempt;
    later(() => {
      if (this.destroyed || attempt !== this.attempt) return;
      // A network that swallows the socket: no open, no error, no close.
      if (this.network.blackHole || this.network.stalled.has(this.id)) return;
      if (this.network.down) {
        this.disconnected = true;
        this.emit('error', Object.assign(new Error('Lost connection to server.'), { type: 'network' }));
        this.emit('disconnected', this.id);
        return;
      }
      const holder = this.network.peers.get(this.id);
      if (holder && holder !== this) {
        // Someone took the id while this peer was away: PeerJS reports ID-TAKEN as unavailable-id.
        this.disconnected = true;
        this.emit('error', Object.assign(new Error(`ID "${this.id}" is taken`), { type: 'unavailable-id' }));
        return;
      }
      this.network.peers.set(this.id, this);
      this.open = true;
      this.emit('open', this.id);
    });
  }
}

/** One fake PeerServer with its peers, and a record of the calls placed. */
/** One key for a pair of peers, whichever comes first. */
const pairKey = (a: string, b: string) => [a, b].sort().join(' ');

export class FakeNetwork {
  readonly peers = new Map<string, FakePeer>();
  readonly callsPlaced: [string, string][] = [];
  /** Every id a peer was opened with, in order. */
  readonly claims: string[] = [];
  /** Ids that were dialled but were not there. */
  readonly unavailable: string[] = [];
  private readonly streams = new Map<string, MediaStream>();
  /** Member ids to hand out instead of the session's own, in order (to force an id order). */
  readonly idQueue: string[] = [];
  /** Extra time (ms) a data connection takes to open, as when its handshake is slower than a call's. */
  openDelay = 0;
  /** Times (ms after a data connection arrives) when its two ends' ICE turns `checking`, `connected`, `checking` again and so on, until it opens. */
  iceSteps: number[] = [];
  /** How many of the next data connections fail to open (their ICE fails), whoever dials them. */
  failingDials = 0;
  /** Pairs whose path is gone (`sever`), as "a b" in id order. */
  private readonly severed = new Set<string>();
  /** Says which frames between two open ends are lost on the way (from, to, frame, the connection's id). */
  loses: ((from: string, to: string, data: unknown, connectionId: string) => boolean) | null = null;
  /** A server that takes connections but never answers: peers never open. */
  silent = false;
  /** A server that refuses new peers with this PeerJS error type (`server-error`, say); null lets them in. */
  refuses: string | null = null;
  /** The last socket messages the server relayed (as a PeerServer operator could log them). */
  readonly relayed: { type: string; dst: string; src: string; payload: unknown }[] = [];
  /** Offers on their way, by connection id. */
  readonly offers = new Map<string, FakeConnection>();
  /** How many offers reached PeerJS (passed the session's gate) and built a connection. */
  accepted = 0;
  /**
   * A PeerServer in the middle of every new connection: it answers each side with its own DTLS
   * endpoint, so the fingerprints each side sees differ (see describe).
   */
  middle = false;
  private readonly fingerprints = new Map<string, string>();
  /** A server that is down: reconnects fail (see FakePeer.reconnect). */
  down = false;
  /** A network that swallows sockets: reconnects neither open nor fail (see FakePeer.reconnect). */
  blackHole = false;
  /**
   * Ids whose socket to the server stalled without closing (their network gone): what they send
   * and what is sent to them is lost without an error, and their reconnects hang.
   */
  readonly stalled = new Set<string>();
  /** Reconnect attempts made by all peers. */
  reconnects = 0;
  /** How long a socket message for an absent id waits for it (a real PeerServer: 5 s). */
  expireAfter = 100;
  private readonly held = new Map<string, { message: { dst: string }; sender: FakePeer; timer: ReturnType<typeof setTimeout> }[]>();

  /** Keeps a message for an absent id, as a PeerServer does, until the id is claimed or it expires. */
  hold(message: { dst: string }, sender: FakePeer): void {
    const list = this.held.get(message.dst) ?? [];
    this.held.set(message.dst, list);
    const entry = {
      message,
      sender,
      timer: setTimeout(() => {
        list.splice(list.indexOf(entry), 1);
        this.unavailable.push(message.dst);
        if (!sender.destroyed) sender.emit('error', Object.assign(new Error(`Could not connect to peer ${message.dst}`), { type: 'peer-unavailable' }));
      }, this.expireAfter),
    };
    list.push(entry);
  }

  /** Hands a newly opened peer the messages that waited for its id. */
  deliverHeld(peer: FakePeer): void {
    const list = this.held.get(peer.id) ?? [];
    this.held.delete(peer.id);
    for (const { message, timer } of list) {
      clearTimeout(timer);
      later(() => !peer.destroyed && peer.socket.emit('message', message));
    }
  }

  /** Sets the descriptions of a connection's two ends, as the handshake would. */
  describe(a: FakeConnection, b: FakeConnection): void {
    const fp = (id: string) => {
      if (!this.fingerprints.has(id)) this.fingerprints.set(id, [...crypto.getRandomValues(new Uint8Array(8))].map((x) => x.toString(16).padStart(2, '0').toUpperCase()).join(':'));
      return this.fingerprints.get(id)!;
    };
    const server = 'EE:EE:EE:EE:EE:EE:EE:EE';
    a.peerConnection.describe(fp(a.owner.id), this.middle ? server : fp(b.owner.id));
    b.peerConnection.describe(fp(b.owner.id), this.middle ? server : fp(a.owner.id));
  }

  /** The open connections between two peers, both ends. */
  between(a: string, b: string): FakeConnection[] {
    const ends = (x: string, y: string) => [...(this.peers.get(x)?.connections ?? [])].filter((c) => c.peer === y);
    return [...ends(a, b), ...ends(b, a)];
  }

  /**
   * Breaks the path under every connection between two peers (a network that went away): frames
   * are lost and ICE turns `disconnected`. New connections are not affected (a fresh path works).
   */
  breakPath(a: string, b: string): void {
    for (const c of this.between(a, b)) {
      c.pathUp = false;
      c.peerConnection.setIce('disconnected');
    }
  }

  /** Mends a path broken by breakPath: frames flow again and ICE is `connected`. */
  healPath(a: string, b: string): void {
    for (const c of this.between(a, b)) {
      c.pathUp = true;
      c.peerConnection.setIce('connected');
    }
  }

  /**
   * The path between two peers goes and stays gone until `mend` (a relay that only they use went
   * down): breakPath, and every new connection between them fails to open.
   */
  sever(a: string, b: string): void {
    this.severed.add(pairKey(a, b));
    this.breakPath(a, b);
  }

  /** Undoes sever: new connections between the two open again, and so do paths still there. */
  mend(a: string, b: string): void {
    this.severed.delete(pairKey(a, b));
    this.healPath(a, b);
  }

  isSevered(a: string, b: string): boolean {
    return this.severed.has(pairKey(a, b));
  }

  /** ICE fails on every connection between two peers; PeerJS then reports it and closes them. */
  failPath(a: string, b: string): void {
    for (const c of this.between(a, b)) {
      c.pathUp = false;
      c.peerConnection.setIce('failed');
      c.emit('error', Object.assign(new Error(`Negotiation of connection to ${c.peer} failed.`), { type: 'negotiation-failed' }));
      c.close();
    }
  }

  /**
   * A peer's machine vanishes without a word (power cut, network gone): its frames stop, its
   * paths break, and the server forgets its ids after `aliveTimeout` ms, as a PeerServer does
   * once the socket's pings stop.
   */
  vanish(ids: string[], aliveTimeout = 100): void {
    for (const id of ids) {
      const peer = this.peers.get(id);
      if (!peer) continue;
      for (const c of [...peer.connections]) if (c.other) this.breakPath(id, c.peer);
      peer.connections.forEach((c) => (c.pathUp = false));
      setTimeout(() => {
        if (this.peers.get(id) === peer) this.peers.delete(id);
      }, aliveTimeout);
    }
  }

  stream(id: string): MediaStream {
    if (!this.streams.has(id)) this.streams.set(id, new MediaStream());
    return this.streams.get(id)!;
  }

  readonly factory: PeerFactory = this.slowClaims(0);

  /** A factory whose claims on a beacon id reach the server `ms` late (a slow connection). */
  slowClaims(ms: number): PeerFactory {
    return (id: string, _options: PeerOptions) => {
      const beacon = id.startsWith('rtc-room-');
      const useId = beacon ? id : (this.idQueue.shift() ?? id);
      this.claims.push(useId);
      return new FakePeer(this, useId, beacon ? ms : 0) as unknown as Peer;
    };
  }
}
