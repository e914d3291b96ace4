/**
 * Private rooms (docs/protocol.md, "Private rooms"; docs/security.md): what the room's password
 * adds to the protocol. The beacon id comes from the password, signals and a welcome's member
 * list are sealed, and every pair link proves, before anything else flows on it, that its other
 * end knows the password, in a proof bound to the link's own DTLS fingerprints (room-key.ts
 * says why). Media rides on that same proved connection.
 */
import { type RoomKey, deriveRoomKey, fingerprintsOf, isChallenge, newChallenge, open, proof, seal, signalAad, verifyProof } from './room-key.js';
import { MAX_REPEATS } from './hello-repeats.js';
import { SessionError } from './types.js';

/** What the proof needs of a pair connection (a PeerJS DataConnection fits). */
interface PairConnection {
  /** The member id at its other end. */
  readonly peer: string;
  readonly peerConnection?: RTCPeerConnection;
}

export class PrivateRoom {
  /** This side's challenge per connection, the other side's once it came, and how often it was answered. */
  private readonly challenges = new WeakMap<object, { mine: string; theirs: string | null; answers: number }>();

  constructor(private readonly key: RoomKey) {}

  /** The private room a password makes; null for an open room (no password). */
  static async derive(room: string, password: string, serverKey: string): Promise<PrivateRoom | null> {
    if (!password) return null;
    try {
      const key = await deriveRoomKey(room, password, serverKey);
      return key && new PrivateRoom(key);
    } catch {
      throw new SessionError('insecure-context', 'Rooms with a password need a secure page (https:// or localhost).');
    }
  }

  /** The room's beacon id, derived from the password. */
  get beaconId(): string {
    return this.key.beacon;
  }

  /**
   * Seals a signal (or a welcome's connection metadata): only its `kind` and the protocol name
   * stay readable to the server.
   */
  async sealSignal(what: object, from: string, to: string): Promise<object> {
    const { proto, kind, ...content } = what as { proto: string; kind: string };
    return { proto, kind, sealed: await seal(this.key, content, signalAad(kind, from, to)) };
  }

  /**
   * Opens a sealed signal or connection metadata into the plain form; null when it does not open.
   * Only what the seal covers is taken, besides a welcome's nonce, which the gate reads in the
   * clear: the server relays the metadata and could add any other field beside the seal.
   */
  async openSignal(what: unknown, from: string, to: string): Promise<object | null> {
    if (typeof what !== 'object' || what === null) return null;
    const { proto, kind, sealed, nonce } = what as Record<string, unknown>;
    if (typeof kind !== 'string') return null;
    const content = await open(this.key, sealed, signalAad(kind, from, to));
    if (typeof content !== 'object' || content === null || Array.isArray(content)) return null;
    // Only a welcome (a `mesh` connection's metadata) keeps a field in the clear: its nonce.
    return { ...(kind === 'mesh' && nonce !== undefined && { nonce }), ...content, proto, kind };
  }

  /** The pair proof, as the pair links run it on each new connection of the member `self()`. */
  proofs(self: () => string) {
    return {
      challenge: (conn: PairConnection) => this.challenge(conn),
      again: (conn: PairConnection) => this.again(conn),
      answer: (conn: PairConnection, nonce: string) => this.answer(conn, conn.peerConnection, self(), conn.peer, nonce),
      verify: (conn: PairConnection, p: string) => this.verify(conn, conn.peerConnection, self(), conn.peer, p),
    };
  }

  /** The first frame on a new pair connection: this side's challenge. */
  challenge(conn: object): { t: 'auth'; nonce: string } {
    const mine = newChallenge();
    this.challenges.set(conn, { mine, theirs: null, answers: 0 });
    return { t: 'auth', nonce: mine };
  }

  /** This side's challenge again, the same (its first did not get through, or the proof that answered it). */
  again(conn: object): { t: 'auth'; nonce: string } | null {
    const state = this.challenges.get(conn);
    return state ? { t: 'auth', nonce: state.mine } : null;
  }

  /** Answers the other side's challenge with this side's proof; null when it cannot be answered. */
  async answer(conn: object, pc: RTCPeerConnection | undefined, selfId: string, otherId: string, nonce: unknown): Promise<{ t: 'proof'; proof: string } | null> {
    const state = this.challenges.get(conn);
    const fp = pc && fingerprintsOf(pc);
    // The same challenge again is answered again (the proof was lost), a few times at most.
    if (!state || (state.theirs !== null && state.theirs !== nonce) || state.answers > MAX_REPEATS || !isChallenge(nonce) || !fp) return null;
    state.theirs = nonce;
    state.answers++;
    const p = await proof(this.key, { fromId: selfId, toId: otherId, fromNonce: state.mine, toNonce: nonce, fromFingerprint: fp.local, toFingerprint: fp.remote });
    return { t: 'proof', proof: p };
  }

  /**
   * Checks the other side's proof: it knows the password, and the DTLS session ends at it. Null
   * when it cannot be checked: the other side's challenge, which it answers, never arrived.
   */
  async verify(conn: object, pc: RTCPeerConnection | undefined, selfId: string, otherId: string, p: unknown): Promise<boolean | null> {
    const state = this.challenges.get(conn);
    const fp = pc && fingerprintsOf(pc);
    if (!state?.theirs) return null;
    if (!fp) return false;
    return verifyProof(this.key, { fromId: otherId, toId: selfId, fromNonce: state.theirs, toNonce: state.mine, fromFingerprint: fp.remote, toFingerprint: fp.local }, p);
  }
}
