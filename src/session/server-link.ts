/**
 * The PeerServer link (docs/protocol.md, "Signals" and "What the PeerServer sees"): this page's
 * member peer and, while it holds the room's beacon, the beacon peer. With the gate (gate.ts),
 * which every message the server relays passes before PeerJS sees it, the only code that
 * touches PeerJS's internals (`peer.socket`, `peer._connections`) or reads its error texts.
 */
import type { DataConnection, Peer, PeerError, PeerOptions } from 'peerjs';
import { clock } from './clock.js';
import type { ServerEndpoint } from './config.js';
import { Gate, type GateHost, type PeerRole, socketOf } from './gate.js';
import { watchPolicyBlock } from './policy-block.js';
import { PROTOCOL } from './protocol.js';
import { type PeerFactory, SessionError, Timers } from './types.js';

export type { PeerRole };

/** What the gate asks (signals, admission, floods), and what becomes of the peers and their connections. */
export interface ServerLinkHost extends GateHost {
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
}

/** The server gave the id to someone else. */
export class IdTakenError extends Error {}

export class ServerLink {
  private member: Peer | null = null;
  private beacon: Peer | null = null;
  private readonly timers = new Timers();
  /** The member peer's gate, which holds offers from ids not known yet. */
  private gate: Gate | null = null;
  /** Peers still opening, each by the way to give it up (destroy() does, so none opens after it). */
  private readonly opening = new Set<() => void>();
  /** The echo on its way (see check), and when the last one came back (clock ms). */
  private echo: { n: number; timer: ReturnType<typeof setTimeout> } | null = null;
  private echoes = 0;
  private echoedAt = Number.NEGATIVE_INFINITY;
  /** What the gates ask: the host's, but this page's own echoes stay here. */
  private readonly gateHost: GateHost = {
    signal: (to, from, what) => this.echoed(from, what) || this.host.signal(to, from, what),
    admits: (from, kind, metadata) => this.host.admits(from, kind, metadata),
    flooded: (from) => this.host.flooded(from),
  };

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
      answerFirstOffer(conn.peerConnection, this.host.media());
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
   * Checks that the server still relays for the member peer (docs/protocol.md, "The server link
   * stalled"): a socket that stalled without closing (this page's network gone, a server frozen)
   * takes what is sent without an error, and would go unnoticed until TCP gives up, minutes
   * later. A signal to this page's own id comes back through the server; none within `wait` ms,
   * and the member peer is disconnected, to be reconnected as after any loss. One at a time,
   * and not again within `wait` of one that came back.
   */
  check(wait: number): void {
    const member = this.member;
    if (!member?.open || this.echo || clock() - this.echoedAt < wait) return;
    const n = ++this.echoes;
    const timer = this.timers.after(wait, () => {
      this.echo = null;
      if (this.member === member && member.open) member.disconnect();
    });
    this.echo = { n, timer };
    this.signal('member', member.id, { proto: PROTOCOL, kind: 'echo', n });
  }

  /** Whether a signal is this page's own echo (taken here, the others' are never relayed as from this id). */
  private echoed(from: string, what: unknown): boolean {
    if (from !== this.member?.id || (what as { kind?: unknown } | null)?.kind !== 'echo') return false;
    if (this.echo && (what as { n?: unknown }).n === this.echo.n) {
      this.timers.cancel(this.echo.timer);
      this.echo = null;
      this.echoedAt = clock();
    }
    return true;
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
    this.echo = null;
    this.gate?.clear();
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
      const gate = new Gate(this.gateHost, peer, role);
      if (role === 'member') {
        // The last member peer's held offers are dropped.
        this.gate?.clear();
        this.gate = gate;
      }
      const fail = (error: Error) => {
        this.opening.delete(abandon);
        this.timers.cancel(timer);
        unwatch();
        peer.off('open', onOpen);
        peer.off('error', onError);
        peer.destroy();
        reject(error);
      };
      const onOpen = () => {
        this.opening.delete(abandon);
        this.timers.cancel(timer);
        unwatch();
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
      const unwatch = watchPolicyBlock(this.server, () =>
        fail(new SessionError('network', `This page's Content-Security-Policy does not allow connecting to the call server at ${this.server.url} (connect-src).`, true, { policy: true })),
      );
      peer.on('open', onOpen);
      peer.on('error', onError);
    });
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
 * The other side of withMediaRoom: of a connection's first offer, one audio and one video
 * transceiver are taken, answered open for sending too when this page takes part in the call
 * (still without tracks), so that its camera and microphone need no renegotiation either. Any
 * more are answered inactive: what they carry would be received, and decoded, for nothing.
 */
function answerFirstOffer(pc: RTCPeerConnection | undefined, media: boolean): void {
  pc?.addEventListener('track', ({ transceiver }) => {
    if (pc.currentLocalDescription || transceiver.direction !== 'recvonly') return;
    const kind = transceiver.receiver.track.kind;
    if (pc.getTransceivers().find((t) => t.receiver.track.kind === kind) !== transceiver) transceiver.direction = 'inactive';
    else if (media) transceiver.direction = 'sendrecv';
  });
}

/** PeerJS's connections by the id at the other end (`_connections`, private): null where it has none. */
function connectionsOf(peer: Peer): Map<string, unknown> | null {
  const lists = (peer as unknown as { _connections?: unknown })._connections;
  return lists instanceof Map ? lists : null;
}
