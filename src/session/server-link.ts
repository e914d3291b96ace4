/**
 * The PeerServer link (docs/protocol.md, "Signals" and "What the PeerServer sees"): this page's
 * member peer and, while it holds the room's beacon, the beacon peer. The only code that touches
 * PeerJS's internals (`peer.socket`, `peer._connections`) or reads its error texts.
 *
 * Every message the server relays passes a gate before PeerJS sees it. PeerJS builds an
 * RTCPeerConnection for every OFFER and keeps every CANDIDATE for a connection it does not know,
 * so a stranger could make a page build hundreds of connections or fill its memory. The gate
 * lets through only offers the session admits, candidates and answers for connections that
 * exist, and the server's own messages; the protocol's signals go to the session, never PeerJS.
 */
import type { DataConnection, Peer, PeerError, PeerOptions } from 'peerjs';
import type { ServerEndpoint } from './config.js';
import { HeldOffers } from './held-offers.js';
import { PROTOCOL, isFitSdp } from './protocol.js';
import { type PeerFactory, SessionError, Timers } from './types.js';

export type PeerRole = 'member' | 'beacon';

export interface ServerLinkHost {
  /** A protocol signal reached this page's member id or the beacon id it holds. */
  signal(to: PeerRole, from: string, what: unknown): void;
  /**
   * Whether a PeerJS offer from `from` may build a peer connection on the member peer; 'later'
   * when `from` is not known yet (the offer is held a moment: held-offers.ts).
   */
  admits(from: string, kind: 'data' | 'media', metadata: unknown): boolean | 'later';
  /** A mesh connection offered by `conn.peer`, admitted by the gate. */
  connection(conn: DataConnection): void;
  /** The server says `id` is not connected (it expired a dial or a signal to it). */
  unavailable(id: string): void;
  /** The member peer lost the server; connections to members go on. */
  lost(): void;
  /** The beacon peer lost the server: the beacon is let go (someone may claim it meanwhile). */
  beaconLost(): void;
  /** Whether this page takes part in the call: its connections then come with room for audio and video. */
  media(): boolean;
  /** `from` sent more candidates for one connection than its handshake takes; the rest were dropped. */
  flooded(from: string): void;
}

/** The server gave the id to someone else. */
export class IdTakenError extends Error {}

/** The largest signal accepted, in characters of its JSON (an intro or a refusal is far smaller; sealed ones are padded). */
const MAX_SIGNAL = 32 * 1024;

/**
 * What the gate hands PeerJS for one connection that exists, at most: its handshake takes one
 * answer (none when the connection was offered to this page) and a candidate per address,
 * transport and server. After it, the pair negotiates over its own link (negotiation.ts, which
 * has its own bounds); more is a flood, and a browser slows with every remote candidate it pairs.
 */
const HANDSHAKE: Record<'ANSWER' | 'CANDIDATE', number> = { ANSWER: 1, CANDIDATE: 100 };

interface ServerMessage {
  type?: unknown;
  src?: unknown;
  payload?: OfferPayload | null;
}

type OfferPayload = { type?: unknown; metadata?: unknown; connectionId?: unknown; sdp?: unknown; candidate?: unknown; serialization?: unknown };

/**
 * An offer of a kind the session judges: a PeerJS media call (refused, but an older version's
 * says so), or a data connection in the one serialization the room speaks. PeerJS builds the
 * connection's serializer from that field as it is: an unknown one throws in its socket
 * handler, and the others fail on every frame.
 */
function isOurKind(payload: OfferPayload): payload is OfferPayload & { type: 'data' | 'media' } {
  return payload.type === 'media' || (payload.type === 'data' && payload.serialization === 'raw');
}

interface GatedSocket {
  emit(event: string, ...args: unknown[]): boolean;
  send(message: object): void;
}

export class ServerLink {
  private member: Peer | null = null;
  private beacon: Peer | null = null;
  private readonly timers = new Timers();
  /** Offers to the member peer from ids not known yet. */
  private held: HeldOffers | null = null;
  /** Answers and candidates handed to PeerJS, per connection. */
  private readonly handed = new WeakMap<object, Record<'ANSWER' | 'CANDIDATE', number>>();
  /** Peers still opening, each by the way to give it up (destroy() does, so none opens after it). */
  private readonly opening = new Set<() => void>();

  constructor(
    private readonly host: ServerLinkHost,
    private readonly factory: PeerFactory,
    private readonly peerOptions: PeerOptions,
    private readonly server: ServerEndpoint,
    private readonly openTimeout: () => number,
  ) {}

  /** Opens the member peer with `id`; resolves with the id the server accepted. */
  async openMember(id: string): Promise<string> {
    const peer = await this.open(id, 'member');
    this.member = peer;
    peer.on('connection', (conn) => {
      if (this.host.media()) answerWithMedia(conn.peerConnection);
      this.host.connection(conn);
    });
    peer.on('error', (err: PeerError<string>) => {
      if (err.type !== 'peer-unavailable') return;
      const absent = /peer (\S+)$/.exec(err.message)?.[1];
      if (absent) this.host.unavailable(absent);
    });
    // Not when this page let the peer go (PeerJS says `disconnected` as it destroys one).
    peer.on('disconnected', () => this.member === peer && this.host.lost());
    return peer.id;
  }

  /** Claims the beacon id; false when someone else holds it. */
  async claimBeacon(id: string): Promise<boolean> {
    if (this.beacon) return true;
    let peer: Peer;
    try {
      peer = await this.open(id, 'beacon');
    } catch (err) {
      if (err instanceof IdTakenError) return false;
      throw err;
    }
    if (this.beacon || !this.member) {
      peer.destroy();
      return !!this.beacon;
    }
    this.beacon = peer;
    peer.on('error', () => {});
    peer.on('disconnected', () => {
      if (this.beacon !== peer) return;
      this.dropBeacon();
      this.host.beaconLost();
    });
    return true;
  }

  get holdsBeacon(): boolean {
    return this.beacon !== null && this.beacon.open;
  }

  /** Frees the beacon id at once, so that whoever takes over finds it free. */
  dropBeacon(): void {
    const peer = this.beacon;
    this.beacon = null;
    peer?.destroy();
  }

  /**
   * Whether the member peer is cut off from the server. Not `peer.disconnected`, which PeerJS
   * clears as soon as a reconnect starts, before its socket is open.
   */
  get disconnected(): boolean {
    return !this.member?.open;
  }

  /**
   * Sends a signal: a small message relayed by the PeerServer with no peer connection behind it.
   * It travels as an OFFER whose payload type is this protocol's name: every PeerServer relays an
   * OFFER as it is (setting `src` from the sender's socket), and PeerJS drops an OFFER of a type
   * it does not know, so the signal reaches only the gate on the other side.
   */
  signal(from: PeerRole, dst: string, what: object): void {
    const peer = from === 'beacon' ? this.beacon : this.member;
    if (peer && !peer.disconnected) socketOf(peer).send({ type: 'OFFER', dst, payload: { type: PROTOCOL, metadata: what } });
  }

  /**
   * Opens a mesh data connection to a member. While this page takes part in the call, its first
   * offer also carries an audio and a video transceiver without tracks (PeerJS builds the peer
   * connection, its data channel and that offer in one call, so they are added as it makes the
   * data channel): the pair's camera and microphone then start with replaceTrack once the
   * hellos are through, with no renegotiation.
   */
  connect(id: string, metadata: object): DataConnection | undefined {
    const member = this.member;
    if (!member) return undefined;
    const dial = () => member.connect(id, { serialization: 'raw', reliable: true, metadata });
    return this.host.media() ? withMediaRoom(dial) : dial();
  }

  /**
   * Reconnects the member peer to the server with its id, once: 'open' when it is back, 'down'
   * when the server still cannot be reached, 'taken' when the server gave the id to someone
   * else meanwhile (the page must join again under a fresh id).
   */
  reconnect(): Promise<'open' | 'down' | 'taken'> {
    const member = this.member;
    if (!member || member.destroyed) return Promise.resolve('down');
    if (member.open) return Promise.resolve('open');
    return new Promise((resolve) => {
      const done = (result: 'open' | 'down' | 'taken') => {
        this.timers.cancel(timer);
        member.off('open', onOpen);
        member.off('disconnected', onDown);
        member.off('error', onError);
        resolve(result);
      };
      const onOpen = () => done('open');
      const onDown = () => done('down');
      const onError = (err: PeerError<string>) => err.type === 'unavailable-id' && done('taken');
      // An attempt whose socket neither opens nor fails (a network that swallows it) is given up,
      // so that the next one starts afresh rather than finding PeerJS "connected" with no socket.
      const timer = this.timers.after(this.openTimeout(), () => {
        done('down');
        if (!member.open && !member.destroyed) member.disconnect();
      });
      member.on('open', onOpen);
      // A failed attempt (server still down) ends in 'disconnected' again.
      member.on('disconnected', onDown);
      member.on('error', onError);
      try {
        member.reconnect();
      } catch {
        done('down');
      }
    });
  }

  /**
   * Forgets the members whose connections all closed: PeerJS keeps an empty list under every id
   * it ever had a connection with, which in a long call with people coming and going only grows.
   */
  sweep(): void {
    const lists = this.member && connectionsOf(this.member);
    if (!lists) return;
    for (const [id, list] of lists) if (Array.isArray(list) && list.length === 0) lists.delete(id);
  }

  /** Closes both peers: every connection they carry closes, and both ids are free again. */
  destroy(): void {
    for (const abandon of [...this.opening]) abandon();
    this.timers.clear();
    this.held?.clear();
    this.dropBeacon();
    const member = this.member;
    this.member = null;
    member?.destroy();
  }

  /** Opens a PeerJS peer with the given id on the configured server. */
  private open(id: string, role: PeerRole): Promise<Peer> {
    return new Promise<Peer>((resolve, reject) => {
      let peer: Peer;
      try {
        peer = this.factory(id, this.peerOptions);
      } catch (err) {
        reject(new SessionError('browser-incompatible', `This browser cannot make calls: ${(err as Error).message}`));
        return;
      }
      this.gate(peer, role);
      const fail = (error: Error) => {
        this.opening.delete(abandon);
        this.timers.cancel(timer);
        peer.off('open', onOpen);
        peer.off('error', onError);
        peer.destroy();
        reject(error);
      };
      const onOpen = () => {
        this.opening.delete(abandon);
        this.timers.cancel(timer);
        peer.off('error', onError);
        resolve(peer);
      };
      const abandon = () => fail(new SessionError('disconnected', 'The page left the room while it was connecting.'));
      this.opening.add(abandon);
      const onError = (err: PeerError<string>) => fail(this.openError(err));
      const seconds = this.openTimeout() / 1000;
      const timer = this.timers.after(this.openTimeout(), () =>
        fail(new SessionError('network', `The call server at ${this.server.url} did not answer within ${seconds} s.`)),
      );
      peer.on('open', onOpen);
      peer.on('error', onError);
    });
  }

  /** Puts the gate between the server's socket and PeerJS (see the file's comment). */
  private gate(peer: Peer, role: PeerRole): void {
    const socket = socketOf(peer);
    const emit = socket.emit.bind(socket);
    const held = role === 'member' ? this.holdFor(peer, emit) : null;
    socket.emit = (event: string, ...args: unknown[]) => {
      if (event !== 'message') return emit(event, ...args);
      const message = args[0] as ServerMessage | null;
      const src = message?.src;
      const payload = message?.payload;
      const type = message?.type;
      if (type !== 'OFFER' && type !== 'ANSWER' && type !== 'CANDIDATE') {
        // The server's own messages: OPEN, ERROR, ID-TAKEN, EXPIRE, LEAVE, HEARTBEAT.
        return emit(event, ...args);
      }
      if (typeof src !== 'string' || !payload || typeof payload !== 'object') return false;
      const connectionId = String(payload.connectionId);
      const conn = peer.getConnection(src, connectionId);
      if (type !== 'OFFER') {
        if (conn) return this.hands(conn, type, src) && emit(event, ...args);
        // Never stored for later, unless it follows an offer held a moment.
        held?.follow(src, connectionId, [event, ...args], () => holdSize(payload));
        return false;
      }
      // Signals of another version reach the session too, which tells the page's user.
      if (payload.type === PROTOCOL || (typeof payload.type === 'string' && payload.type.startsWith('rtc-room/'))) {
        if (signalSize(payload.metadata) <= MAX_SIGNAL) this.host.signal(role, src, payload.metadata);
        return false;
      }
      // An offer for a connection that exists would make PeerJS close it.
      if (role === 'beacon' || conn || !isOurKind(payload)) return false;
      // An offer with hundreds of media sections would have PeerJS's connection build a
      // transceiver for each, whoever sent it.
      if (!isFitSdp(sdpOf(payload))) return false;
      const verdict = this.host.admits(src, payload.type, payload.metadata);
      if (verdict === 'later') held?.offer(src, connectionId, [event, ...args], holdSize(payload));
      return verdict === true && emit(event, ...args);
    };
  }

  /** Whether an answer or a candidate from `src` for `conn` is still within its handshake. */
  private hands(conn: object, type: 'ANSWER' | 'CANDIDATE', src: string): boolean {
    let handed = this.handed.get(conn);
    if (!handed) this.handed.set(conn, (handed = { ANSWER: 0, CANDIDATE: 0 }));
    if (++handed[type] <= HANDSHAKE[type]) return true;
    if (type === 'CANDIDATE' && handed[type] === HANDSHAKE[type] + 1) this.host.flooded(src);
    return false;
  }

  /** The held offers of a new member peer (the last one's are dropped): let through as the gate would, once admitted. */
  private holdFor(peer: Peer, emit: GatedSocket['emit']): HeldOffers {
    this.held?.clear();
    this.held = new HeldOffers({
      admits: (src, [, message]) => {
        const payload = (message as ServerMessage).payload;
        if (peer.destroyed || !payload || !isOurKind(payload) || peer.getConnection(src, String(payload.connectionId))) return false;
        return this.host.admits(src, payload.type, payload.metadata);
      },
      deliver: (messages) => {
        for (const [event, ...args] of messages) {
          const { type, src, payload } = args[0] as ServerMessage;
          // What waited with the offer counts towards its connection's handshake, as what follows it does.
          if (type === 'ANSWER' || type === 'CANDIDATE') {
            const conn = peer.getConnection(String(src), String(payload?.connectionId));
            if (!conn || !this.hands(conn, type, String(src))) continue;
          }
          emit(String(event), ...args);
        }
      },
    });
    return this.held;
  }

  private openError(err: PeerError<string>): Error {
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

/**
 * Runs `dial` so that the peer connection it builds gets an audio and a video transceiver,
 * sending and receiving but without tracks, just before its data channel. Nothing is sent on
 * them until the pair's media puts tracks on them (after the hellos).
 */
function withMediaRoom<T>(dial: () => T): T {
  const proto = RTCPeerConnection.prototype;
  const createDataChannel = proto.createDataChannel;
  proto.createDataChannel = function (this: RTCPeerConnection, ...args: Parameters<RTCPeerConnection['createDataChannel']>) {
    proto.createDataChannel = createDataChannel;
    try {
      this.addTransceiver('audio', { direction: 'sendrecv' });
      this.addTransceiver('video', { direction: 'sendrecv' });
    } catch {
      // A browser that cannot: the pair's media comes by renegotiation instead.
    }
    return createDataChannel.apply(this, args);
  };
  try {
    return dial();
  } finally {
    proto.createDataChannel = createDataChannel;
  }
}

/**
 * The other side of withMediaRoom: a connection offered with audio and video transceivers is
 * answered with them open for sending too (still without tracks), so that this page's camera
 * and microphone need no renegotiation either. Only the first offer's, before the first answer.
 */
function answerWithMedia(pc: RTCPeerConnection | undefined): void {
  pc?.addEventListener('track', ({ transceiver }) => {
    if (pc.currentLocalDescription || transceiver.direction !== 'recvonly') return;
    const kind = transceiver.receiver.track.kind;
    if (kind === 'audio' || kind === 'video') transceiver.direction = 'sendrecv';
  });
}

/** PeerJS's link to the server: typed in its public .d.ts, documented as internal. */
function socketOf(peer: Peer): GatedSocket {
  return peer.socket as unknown as GatedSocket;
}

/** PeerJS's connections by the id at the other end (`_connections`, private): null where it has none. */
function connectionsOf(peer: Peer): Map<string, unknown> | null {
  const lists = (peer as unknown as { _connections?: unknown })._connections;
  return lists instanceof Map ? lists : null;
}

/** The description text of an OFFER or ANSWER (PeerJS sends `{ sdp: { type, sdp } }`), unchecked. */
function sdpOf(payload: { sdp?: unknown }): unknown {
  return (payload.sdp as { sdp?: unknown } | undefined)?.sdp;
}

/** The size of a message to hold: read only when its SDP or candidate is small, so that a stranger's huge one costs nothing. */
function holdSize(payload: { sdp?: unknown; candidate?: unknown }): number {
  const text = sdpOf(payload) ?? (payload.candidate as { candidate?: unknown } | undefined)?.candidate;
  return typeof text === 'string' && text.length <= MAX_SIGNAL ? signalSize(payload) : Infinity;
}

function signalSize(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return Infinity;
  }
}
