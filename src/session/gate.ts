/**
 * The gate (docs/protocol.md, "The gate"): every message the PeerServer relays to one of this
 * page's peers passes it before PeerJS sees it. PeerJS builds an RTCPeerConnection for every
 * OFFER and keeps every CANDIDATE for a connection it does not know, so a stranger could make a
 * page build hundreds of connections or fill its memory. The gate lets through only offers the
 * session admits, candidates and answers for connections that exist (as many as a handshake
 * takes), and the server's own messages; the protocol's signals go to the session, never PeerJS.
 *
 * Like server-link.ts, it touches PeerJS's internals (`peer.socket`).
 */
import type { Peer } from 'peerjs';
import { HeldOffers } from './held-offers.js';
import { isFitSdp, keepCandidates } from './frames.js';
import { PROTOCOL } from './protocol.js';

/** Which of this page's peers a message reached: its member id's, or the beacon id's it holds. */
export type PeerRole = 'member' | 'beacon';

export interface GateHost {
  /** A protocol signal reached this page's member id or the beacon id it holds. */
  signal(to: PeerRole, from: string, what: unknown): void;
  /**
   * Whether a PeerJS offer from `from` may build a peer connection on the member peer; 'later'
   * when `from` is not known yet (the offer is held a moment: held-offers.ts).
   */
  admits(from: string, kind: 'data' | 'media', metadata: unknown): boolean | 'later';
  /** `from` sent more candidates for one connection than its handshake takes; the rest were dropped. */
  flooded(from: string): void;
}

/** The largest signal accepted, in characters of its JSON (an intro or a refusal is far smaller; sealed ones are padded). */
const MAX_SIGNAL = 32 * 1024;

/**
 * What the gate hands PeerJS for one connection that exists, at most: its handshake takes one
 * answer (none when the connection was offered to this page) and a candidate per address,
 * transport and server, whether in a CANDIDATE or in the offer's or the answer's description
 * (the lines past it are cut from the description). After it, the pair negotiates over its own link (negotiation.ts, which
 * has its own bounds); more is a flood, and a browser slows with every remote candidate it pairs.
 */
const HANDSHAKE: Record<'ANSWER' | 'CANDIDATE', number> = { ANSWER: 1, CANDIDATE: 100 };

interface ServerMessage {
  type?: unknown;
  src?: unknown;
  payload?: OfferPayload | null;
}

type OfferPayload = { type?: unknown; metadata?: unknown; connectionId?: unknown; sdp?: unknown; candidate?: unknown; serialization?: unknown };

type Emit = (event: string, ...args: unknown[]) => boolean;

export interface GatedSocket {
  emit: Emit;
  send(message: object): void;
}

/** PeerJS's link to the server: typed in its public .d.ts, documented as internal. */
export function socketOf(peer: Peer): GatedSocket {
  return peer.socket as unknown as GatedSocket;
}

export class Gate {
  /** Offers from ids not known yet; a member peer's only (the beacon takes no connections). */
  private readonly held: HeldOffers | null;
  /** Answers and candidates handed to PeerJS, per connection. */
  private readonly handed = new WeakMap<object, Record<'ANSWER' | 'CANDIDATE', number>>();

  /** Puts a gate between `peer`'s socket and PeerJS, for as long as the peer lives. */
  constructor(
    private readonly host: GateHost,
    private readonly peer: Peer,
    private readonly role: PeerRole,
  ) {
    const socket = socketOf(peer);
    const emit: Emit = socket.emit.bind(socket);
    this.held = role === 'member' ? this.holdFor(emit) : null;
    socket.emit = (event, ...args) => (event === 'message' ? this.pass(emit, args) : emit(event, ...args));
  }

  /** Drops the offers held (a new member peer's gate replaces this one, or the page leaves). */
  clear(): void {
    this.held?.clear();
  }

  /** Hands a message from the server to PeerJS, to the session, or to nobody. */
  private pass(emit: Emit, args: unknown[]): boolean {
    const message = args[0] as ServerMessage | null;
    const src = message?.src;
    const payload = message?.payload;
    const type = message?.type;
    if (type !== 'OFFER' && type !== 'ANSWER' && type !== 'CANDIDATE') {
      // The server's own messages: OPEN, ERROR, ID-TAKEN, EXPIRE, LEAVE, HEARTBEAT.
      return emit('message', ...args);
    }
    if (typeof src !== 'string' || !payload || typeof payload !== 'object') return false;
    const connectionId = String(payload.connectionId);
    const conn = this.peer.getConnection(src, connectionId);
    if (type !== 'OFFER') {
      if (conn) return this.hands(conn, type, src, payload) && emit('message', ...args);
      // Never stored for later, unless it follows an offer held a moment.
      this.held?.follow(src, connectionId, ['message', ...args], () => holdSize(payload));
      return false;
    }
    // Signals of another version reach the session too, which tells the page's user.
    if (payload.type === PROTOCOL || (typeof payload.type === 'string' && payload.type.startsWith('rtc-room/'))) {
      if (signalSize(payload.metadata) <= MAX_SIGNAL) this.host.signal(this.role, src, payload.metadata);
      return false;
    }
    // An offer for a connection that exists would make PeerJS close it.
    if (this.role === 'beacon' || conn || !isOurKind(payload)) return false;
    // An offer with hundreds of media sections would have PeerJS's connection build a
    // transceiver for each, whoever sent it.
    if (!isFitSdp(sdpOf(payload))) return false;
    const verdict = this.host.admits(src, payload.type, payload.metadata);
    if (verdict === 'later') this.held?.offer(src, connectionId, ['message', ...args], holdSize(payload));
    return verdict === true && this.handOffer(emit, args);
  }

  /** Hands PeerJS an admitted offer, its description's candidates counting towards its connection's handshake. */
  private handOffer(emit: Emit, args: unknown[]): boolean {
    const { src, payload } = args[0] as ServerMessage;
    const handed = { ANSWER: 0, CANDIDATE: 0 };
    this.cutCandidates(payload, handed, String(src));
    const passed = emit('message', ...args);
    const conn = this.peer.getConnection(String(src), String(payload?.connectionId));
    if (conn) this.handed.set(conn, handed);
    return passed;
  }

  /** Whether an answer or a candidate from `src` for `conn` is still within its handshake (an answer's candidates past it are cut). */
  private hands(conn: object, type: 'ANSWER' | 'CANDIDATE', src: string, payload: OfferPayload | null | undefined): boolean {
    let handed = this.handed.get(conn);
    if (!handed) this.handed.set(conn, (handed = { ANSWER: 0, CANDIDATE: 0 }));
    if (type === 'ANSWER' && !isFitSdp(sdpOf(payload ?? {}))) return false;
    if (!this.take(handed, type, src)) return false;
    if (type === 'ANSWER') this.cutCandidates(payload, handed, src);
    return true;
  }

  /** Counts one answer or candidate of a handshake; false when it is past what the handshake takes. */
  private take(handed: Record<'ANSWER' | 'CANDIDATE', number>, type: 'ANSWER' | 'CANDIDATE', src: string): boolean {
    if (++handed[type] <= HANDSHAKE[type]) return true;
    if (type === 'CANDIDATE' && handed[type] === HANDSHAKE[type] + 1) this.host.flooded(src);
    return false;
  }

  /** Cuts the candidates of an offer's or an answer's description to what its handshake has left, counting them. */
  private cutCandidates(payload: OfferPayload | null | undefined, handed: Record<'ANSWER' | 'CANDIDATE', number>, src: string): void {
    const description = payload?.sdp as { sdp?: unknown } | undefined;
    if (typeof description?.sdp !== 'string') return;
    description.sdp = keepCandidates(description.sdp, () => this.take(handed, 'CANDIDATE', src)).sdp;
  }

  /** The held offers: let through as the gate would, once admitted. */
  private holdFor(emit: Emit): HeldOffers {
    const peer = this.peer;
    return new HeldOffers({
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
            if (!conn || !this.hands(conn, type, String(src), payload)) continue;
          } else if (type === 'OFFER') {
            this.handOffer(emit, args);
            continue;
          }
          emit(String(event), ...args);
        }
      },
    });
  }
}

/**
 * An offer of a kind the session judges: a PeerJS media call (refused, but an older version's
 * says so), or a data connection in the one serialization the room speaks. PeerJS builds the
 * connection's serializer from that field as it is: an unknown one throws in its socket
 * handler, and the others fail on every frame.
 */
function isOurKind(payload: OfferPayload): payload is OfferPayload & { type: 'data' | 'media' } {
  return payload.type === 'media' || (payload.type === 'data' && payload.serialization === 'raw');
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
