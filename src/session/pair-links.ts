/**
 * The pair links (docs/protocol.md, "The mesh" and "Health and recovery"): one data connection
 * to every linked member, which carries every frame between the two. A connection is pending
 * until it says hello; one that does not open in time (`dialTimeout`, more for each step of its
 * handshake: pending-links.ts), or say hello within `admitHold` of opening, is closed, and at
 * most MAX_PENDING are pending at once. A link whose path breaks is shown as reconnecting; the
 * side whose turn it is to dial replaces its connection after `redialAfter`, and the member is
 * gone after `silence`. The verdicts come from judgePair.
 */
import type { DataConnection } from 'peerjs';
import { clock } from './clock.js';
import { Dialler } from './dialler.js';
import { shouldDial } from './mesh.js';
import { judgePair, type PairHealth } from './pair-health.js';
import { openFilesChannel, openOnly, sendFrame } from './files-channel.js';
import { HelloRepeats } from './hello-repeats.js';
import { type PairProofs, ProofGate } from './pair-proofs.js';
import { MAX_PENDING, PendingLinks } from './pending-links.js';
import { type CoreFrame, type ExtensionFrame, type HelloFrame, encodeFrame, parseFrame } from './frames.js';
import { type LeaveReason, type SessionTiming, Timers } from './types.js';

export type { PairProofs } from './pair-proofs.js';
export { MAX_PENDING } from './pending-links.js';

export interface PairLinksHost {
  selfId(): string;
  isOver(): boolean;
  serverDown(): boolean;
  /** Opens a mesh connection to a member through the server, with `extra` in its metadata. */
  connect(id: string, extra: object): DataConnection | undefined;
  /** The hello this page sends the member `id` on every new connection. */
  hello(id: string): HelloFrame;
  /** Whether a member that said hello on a new connection may be linked. */
  mayLink(id: string, hello: HelloFrame): boolean;
  /** The member's link said hello: it is in the room. `said`: this page's first hello on that connection. */
  linked(id: string, hello: HelloFrame, said: HelloFrame | undefined): void;
  /** The member's link was replaced by a fresh connection (its hello is fresh too, `said` as in linked). */
  replaced(id: string, hello: HelloFrame, said: HelloFrame | undefined): void;
  /** A frame other than hello from a linked member. */
  frame(id: string, frame: CoreFrame | ExtensionFrame | ArrayBuffer): void;
  /** A frame from a linked member that is not valid protocol. */
  malformed(id: string): void;
  /** The link was judged: whether it changed between connected and reconnecting, and whether it came back. */
  health(id: string, changed: boolean, restored: boolean): void;
  /** Restarts ICE on the member's connection; false when there is nothing to restart. */
  restartIce(id: string): boolean;
  /** The link ended: closed by the other side, or silent for too long. */
  ended(id: string, reason: LeaveReason): void;
  /** A connection to a member that was not linked went away without a hello. */
  lapsed(id: string): void;
  /** A pending connection to a member made a step towards opening: its place holds meanwhile. */
  progressed(id: string): void;
  /** Dialling a member failed every time. */
  unreachable(id: string): void;
  /** Time to dial a member again whose connection failed to open, if it is still expected. */
  retry(id: string): void;
  /**
   * In a private room: each connection proves, before its hello, that its other end knows the
   * password. Null in an open room.
   */
  proofs(): PairProofs | null;
  /** A connection whose other end failed the proof was closed. */
  unproven(id: string): void;
  /** A connection whose other end sent more than waits for its proof was closed. */
  flooded(id: string): void;
  /** Frames to a member were dropped: its connection holds as much unsent as it may (files-channel.ts). */
  notReading(id: string): void;
}

interface Link {
  conn: DataConnection;
  lastSeen: number;
  meshIce: RTCIceConnectionState;
  health: PairHealth;
  /** A fresh connection being dialled to replace a broken one. */
  redial: DataConnection | null;
  /** The channel for file bytes beside the connection's own (files-channel.ts). */
  files: RTCDataChannel | null;
}

/** ICE restarts tried on a broken link before a fresh connection is dialled. */
const ICE_RESTARTS = 2;

export class PairLinks {
  private readonly links = new Map<string, Link>();
  private readonly dialler: Dialler;
  /** Connections whose ICE failed: their closing starts a recovery, not a departure. */
  private readonly failedConns = new WeakSet<DataConnection>();
  private readonly timers = new Timers();
  /** Connections that opened (a squatter's welcome does; one blocked by a firewall never does). */
  private readonly opened = new WeakSet<DataConnection>();
  /** Connections that said hello (and so became a link). */
  private readonly helloed = new WeakSet<DataConnection>();
  private readonly pending = new PendingLinks(this.timers, (id) => this.host.lapsed(id), (id) => this.host.progressed(id));
  private readonly proofGate: ProofGate;
  private readonly repeats = new HelloRepeats();
  private readonly hello = (id: string) => () => (this.host.isOver() ? null : this.host.hello(id));
  /** Dialled or accepted alike: dialTimeout to open (admitHold more after each step), then admitHold to say hello. */
  private readonly deadlines = () => ({ open: this.timing.dialTimeout, step: this.timing.admitHold, hello: this.timing.admitHold });

  constructor(
    private readonly host: PairLinksHost,
    private readonly timing: SessionTiming,
  ) {
    this.dialler = new Dialler(
      {
        isOver: () => host.isOver(),
        isLinked: (id) => this.links.has(id),
        connect: (id, metadata) => host.connect(id, metadata),
        attach: (conn) => this.attach(conn),
        helloed: (conn) => this.helloed.has(conn),
        lapsed: (id) => host.lapsed(id),
        unreachable: (id) => host.unreachable(id),
        retry: (id) => host.retry(id),
      },
      this.pending,
      this.timers,
      this.deadlines,
      timing.dialRetry,
    );
    this.proofGate = new ProofGate({
      isOver: () => host.isOver(),
      proofs: () => host.proofs(),
      hello: (id) => host.hello(id),
      receive: (conn, data) => this.receive(conn, data),
      unproven: (id) => host.unproven(id),
      flooded: (id) => host.flooded(id),
    });
  }

  has(id: string): boolean {
    return this.links.has(id);
  }

  /** Linked or pending. */
  knows(id: string): boolean {
    return this.links.has(id) || this.pending.has(id);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  connection(id: string): 'connected' | 'reconnecting' {
    return this.links.get(id)?.health.brokenSince ? 'reconnecting' : 'connected';
  }

  /** The data channel that carries bulk frames to a member (see send), for their flow control. */
  channel(id: string): RTCDataChannel | null {
    const link = this.links.get(id);
    return openOnly(link?.files) ?? link?.conn.dataChannel ?? null;
  }

  /** The peer connection of a member's link. */
  peerConnection(id: string): RTCPeerConnection | null {
    return this.links.get(id)?.conn.peerConnection ?? null;
  }

  /** The peer connections of every link and pending connection. */
  peerConnections(): RTCPeerConnection[] {
    const conns = [...[...this.links.values()].flatMap((l) => [l.conn, l.redial]), ...this.pending.connections()];
    return conns.flatMap((c) => (c?.peerConnection ? [c.peerConnection] : []));
  }

  /** Buffered bytes on every link (for a goodbye to leave before the connections close). */
  buffered(): number {
    let n = 0;
    for (const link of this.links.values()) n += (link.conn.dataChannel?.bufferedAmount ?? 0) + (link.files?.bufferedAmount ?? 0);
    return n;
  }

  /**
   * Dials a member; false when it is linked or pending already, too many are pending, or this
   * page gave up on it lately (dialler.ts).
   */
  dial(id: string, metadata: object): boolean {
    return this.dialler.dial(id, metadata);
  }

  /** A connection offered by a member (the gate admitted it). */
  accept(conn: DataConnection): void {
    const id = conn.peer;
    if (this.host.isOver()) return void conn.close();
    // A linked member's fresh connection (replacing a broken one) waits for its hello like any other.
    if (this.pending.size >= MAX_PENDING && !this.pending.has(id)) return void conn.close();
    this.pending.hold(id, conn, this.deadlines());
    this.attach(conn);
  }

  /** The server says `id` is not there: stop dialling it. */
  unavailable(id: string): void {
    this.dialler.unavailable(id);
  }

  /** Sends a frame to a linked member, on the channel sendFrame picks for it. */
  send(id: string, frame: CoreFrame | ExtensionFrame | ArrayBuffer, bulk = false): boolean {
    const link = this.links.get(id);
    if (!link) return false;
    if (!sendFrame(link.conn, link.files, frame, bulk)) this.host.notReading(id);
    return true;
  }

  broadcast(frame: CoreFrame | ExtensionFrame): void {
    for (const id of this.links.keys()) this.send(id, frame);
  }

  /** Ends the link to a member (it left, or lapsed); no event. */
  close(id: string): void {
    const link = this.links.get(id);
    this.links.delete(id);
    link?.conn.close();
    link?.redial?.close();
    link?.files?.close();
    const p = this.pending.get(id);
    if (p) {
      this.pending.release(id, p);
      p.close();
    }
  }

  /** Heartbeat: pings every member, judges every link. */
  beat(): void {
    const now = clock();
    for (const [id, link] of [...this.links]) {
      if (now - link.lastSeen > this.timing.silence) {
        this.close(id);
        this.host.ended(id, 'timeout');
        continue;
      }
      this.send(id, { t: 'ping' });
      this.check(id);
    }
  }

  /** Re-evaluates a link's health; replaces its connection when that is due and ours to do. */
  check(id: string): void {
    const link = this.links.get(id);
    if (!link) return;
    const reading = { open: link.conn.open, lastSeen: link.lastSeen, ice: [link.meshIce] };
    const verdict = judgePair(link.health, reading, clock(), this.timing);
    const changed = verdict.connection !== this.connection(id);
    link.health = verdict.health;
    this.host.health(id, changed, verdict.restored);
    if (verdict.redial && !link.redial && shouldDial(this.host.selfId(), id) && !this.host.serverDown()) {
      // ICE restarts on the same connection first; a fresh connection is the last resort.
      if (link.conn.open && link.health.redialAttempts < ICE_RESTARTS && this.host.restartIce(id)) {
        link.health = { ...link.health, redialAttempts: link.health.redialAttempts + 1, lastRedial: clock() };
      } else {
        this.redial(id, link);
      }
    }
  }

  closeAll(): void {
    this.timers.clear();
    for (const id of [...this.links.keys(), ...this.pending.ids()]) this.close(id);
    this.dialler.clear();
  }

  private attach(conn: DataConnection): void {
    const id = conn.peer;
    // PeerJS takes every channel the other end opens as the connection's own (the newest takes
    // its place, and says `open` again): only the first is, and the others are closed.
    const pc = conn.peerConnection;
    const peerjs = pc?.ondatachannel;
    if (pc && peerjs) pc.ondatachannel = (e) => (conn.dataChannel ? e.channel.close() : peerjs.call(pc, e));
    pc?.addEventListener('iceconnectionstatechange', () => {
      const link = this.links.get(id);
      if (link?.conn !== conn) return;
      link.meshIce = conn.peerConnection.iceConnectionState;
      this.check(id);
    });
    const onOpen = () => {
      this.opened.add(conn);
      if (this.host.isOver()) conn.close();
      else conn.send(encodeFrame(this.proofGate.first(conn)));
    };
    if (conn.open) onOpen();
    else conn.on('open', onOpen);
    conn.on('data', (data) => this.proofGate.data(conn, data));
    conn.on('close', () => this.onClose(conn));
    conn.on('error', (err: { type?: string }) => {
      // PeerJS closes a connection whose ICE failed; that is a broken path, not a departure.
      if (err?.type === 'negotiation-failed') this.failedConns.add(conn);
    });
  }

  private receive(conn: DataConnection, data: unknown): void {
    const id = conn.peer;
    const link = this.links.get(id);
    const current = link?.conn === conn;
    if (link && !current && link.redial !== conn && !(typeof data === 'string' && data.includes('"hello"'))) return;
    if (current) {
      link.lastSeen = clock();
      if (link.health.brokenSince) this.check(id);
    }
    if (data instanceof ArrayBuffer) {
      if (current) this.host.frame(id, data);
      return;
    }
    const parsed = parseFrame(data);
    if (!parsed) {
      if (current) this.host.malformed(id);
      return;
    }
    if ('core' in parsed && parsed.core.t === 'hello') return this.onHello(conn, parsed.core);
    // Nothing but a hello counts before the link is up. A frame before it means that the other
    // end has linked and its hello was lost: this page's goes again, to be answered. So on a
    // fresh connection replacing a broken link, too: the other end took it as the link at once.
    if (current) this.host.frame(id, 'core' in parsed ? parsed.core : parsed.extension);
    else if (this.pending.get(id) === conn || link?.redial === conn) this.repeats.say(conn, this.hello(id));
  }

  private onHello(conn: DataConnection, hello: HelloFrame): void {
    const id = conn.peer;
    const link = this.links.get(id);
    if (link) {
      // A hello on the link itself: the other end did not get this page's, which answers it.
      if (link.conn !== conn) this.replace(id, link, conn, hello);
      else this.repeats.say(conn, this.hello(id));
      return;
    }
    if (this.pending.get(id) !== conn || this.host.isOver()) return;
    this.pending.release(id, conn);
    if (!this.host.mayLink(id, hello)) {
      conn.close();
      this.host.lapsed(id);
      return;
    }
    this.dialler.linked(id);
    this.helloed.add(conn);
    const now = clock();
    this.links.set(id, {
      conn,
      lastSeen: now,
      meshIce: conn.peerConnection?.iceConnectionState ?? 'connected',
      health: { brokenSince: 0, redialAttempts: 0, lastRedial: 0 },
      redial: null,
      files: openFilesChannel(conn.peerConnection, (data) => this.receive(conn, data)),
    });
    this.host.linked(id, hello, this.proofGate.said(conn));
  }

  /**
   * A second connection from a linked member. The member whose turn it is to dial opens one when
   * their link looks broken (new ICE, new DTLS); it replaces the old one. From the other side
   * of the pair it is refused: exactly one side of a pair dials.
   */
  private replace(id: string, link: Link, conn: DataConnection, hello: HelloFrame): void {
    const dialledByUs = link.redial === conn;
    if (!dialledByUs && !shouldDial(id, this.host.selfId())) return void conn.close();
    const old = link.conn;
    link.conn = conn;
    link.redial = null;
    this.helloed.add(conn);
    link.lastSeen = clock();
    link.meshIce = conn.peerConnection?.iceConnectionState ?? 'connected';
    link.health = { brokenSince: 0, redialAttempts: 0, lastRedial: 0 };
    this.pending.release(id, conn);
    old.close();
    link.files?.close();
    link.files = openFilesChannel(conn.peerConnection, (data) => this.receive(conn, data));
    this.host.replaced(id, hello, this.proofGate.said(conn));
  }

  private onClose(conn: DataConnection): void {
    const id = conn.peer;
    const pending = this.pending.get(id) === conn;
    this.pending.release(id, conn);
    const link = this.links.get(id);
    // Open, then gone before its hello: as when its time runs out (a welcome's sender proved
    // nothing). One that never opened is a dial that failed (dialler.ts), not a lapse.
    if (!link) return void (pending && this.opened.has(conn) && !this.host.isOver() && this.host.lapsed(id));
    if (link.redial === conn) {
      link.redial = null;
      return;
    }
    if (link.conn !== conn) return;
    if (this.failedConns.has(conn) || link.health.brokenSince) {
      // The path broke: keep the member (shown as reconnecting) until a fresh connection works
      // or the silence deadline passes.
      if (!link.health.brokenSince) link.health = { ...link.health, brokenSince: clock() };
      this.check(id);
      return;
    }
    this.links.delete(id);
    link.redial?.close();
    this.host.ended(id, 'closed');
  }

  /** Opens a fresh connection to a member whose link is broken. */
  private redial(id: string, link: Link): void {
    link.health = { ...link.health, redialAttempts: link.health.redialAttempts + 1, lastRedial: clock() };
    const conn = this.host.connect(id, {});
    if (!conn) return;
    link.redial = conn;
    // Open or not, a fresh connection that has not said hello by then is given up.
    this.timers.after(this.timing.dialTimeout + this.timing.admitHold, () => {
      if (link.redial !== conn) return;
      link.redial = null;
      conn.close();
    });
    this.attach(conn);
  }
}
