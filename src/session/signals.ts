/**
 * What travels through the PeerServer without a peer connection (docs/protocol.md, "Signals"),
 * sealed in a private room ("Private rooms"): questions and refusals, a pair's negotiation while
 * its own path is broken, and the welcome in the holder's first connection's metadata. Outgoing
 * ones are sealed here; incoming ones are opened, checked and handed to the part they are for.
 * The server link carries them and keeps them from PeerJS (server-link.ts, gate.ts).
 */
import { type IceFrame, type RenegotiateFrame, type SdpFrame, parseNegotiation } from './frames.js';
import { type MemberInfo, PROTOCOL, metadata, otherVersion, parseWelcome } from './protocol.js';
import { Serial } from './serial.js';
import type { PeerRole } from './server-link.js';

/**
 * Sealed signals waiting to be opened, at most; more are dropped. A page gets a few at once (the
 * questions of newcomers, a broken pair's negotiation); only the server or someone who knows
 * the password can send more.
 */
export const MAX_OPENING = 64;

/** A private room's sealing (private-room.ts fits). */
export interface Sealing {
  sealSignal(what: object, from: string, to: string): Promise<object>;
  openSignal(what: unknown, from: string, to: string): Promise<object | null>;
}

export interface SignalsHost {
  selfId(): string;
  beaconId(): string;
  isOver(): boolean;
  /** The private room's sealing; null in an open room. */
  sealing(): Sealing | null;
  /** Sends a signal through the server (server-link.ts). */
  send(from: PeerRole, dst: string, what: object): void;
  /** Sends a frame over the pair's link if its path works; false when it does not. */
  sendOnLink(id: string, frame: SdpFrame | IceFrame | RenegotiateFrame): boolean;
  /** Opens a mesh connection to a newcomer with `extra` in its metadata. */
  dial(newcomer: string, extra: object): void;
  /** A signal of another protocol version reached this page. */
  otherVersion(from: string, what: unknown): void;
  isLinked(id: string): boolean;
  /** A description or candidate of a linked member's pair connection. */
  negotiation(from: string, frame: SdpFrame | IceFrame | RenegotiateFrame): void;
  /** A signal to the beacon peer (a question), or to the member peer (an answer to its own). */
  toBeacon(from: string, what: object): void;
  toMember(from: string, what: object): void;
  /** The holder's answer is connecting: hold its place while its welcome is opened. */
  holderCalling(holder: string): void;
  /** The holder's welcome opened: this page is let in. */
  welcomed(holder: string, welcome: MemberInfo[]): void;
}

export class Signals {
  /** Sealed signals are opened one after another, so that a pair's negotiation stays in order. */
  private readonly opening = new Serial(MAX_OPENING);

  constructor(private readonly host: SignalsHost) {}

  /** Sends a signal; in a private room, sealed (only its kind stays readable). */
  async send(from: PeerRole, dst: string, what: object): Promise<void> {
    const room = this.host.sealing();
    if (!room) return this.host.send(from, dst, what);
    this.host.send(from, dst, await room.sealSignal(what, this.idOf(from), dst));
  }

  /** A signal from `from` to this page's member or beacon peer. */
  receive(to: PeerRole, from: string, what: unknown): void {
    if (otherVersion(what)) return this.host.otherVersion(from, what);
    const room = this.host.sealing();
    if (!room) return this.take(to, from, what);
    this.opening.add(async () => this.take(to, from, await room.openSignal(what, from, this.idOf(to))));
  }

  /** A signal opened (or one of an open room): handed to the part it is for. */
  private take(to: PeerRole, from: string, plain: unknown): void {
    if (!plain || typeof plain !== 'object' || this.host.isOver()) return;
    const negotiation = to === 'member' && this.host.isLinked(from) ? parseNegotiation(plain) : null;
    if (negotiation) return this.host.negotiation(from, negotiation);
    if (to === 'beacon') this.host.toBeacon(from, plain);
    else this.host.toMember(from, plain);
  }

  /**
   * Sends a description or candidate of the pair's connection: over the pair's link while its
   * path works, else through the server (an ICE restart needs a path the broken one is not).
   */
  negotiate(id: string, frame: SdpFrame | IceFrame | RenegotiateFrame): void {
    if (this.host.sendOnLink(id, frame)) return;
    void this.send('member', id, { ...metadata('negotiation'), frame });
  }

  /** Dials a newcomer with the welcome; in a private room, the member list is sealed. */
  async welcome(newcomer: string, welcome: MemberInfo[], nonce: string): Promise<void> {
    const room = this.host.sealing();
    const extra = room ? await room.sealSignal({ proto: PROTOCOL, kind: 'mesh', welcome }, this.host.selfId(), newcomer) : { welcome };
    if (!this.host.isOver()) this.host.dial(newcomer, { ...extra, nonce });
  }

  /** A connection the gate let in as the holder's answer: read its welcome (sealed in a private room). */
  async welcomeFrom(holder: string, meta: unknown): Promise<void> {
    if ((meta as { nonce?: unknown })?.nonce === undefined) return;
    this.host.holderCalling(holder);
    const room = this.host.sealing();
    const plain = room ? await room.openSignal(meta, holder, this.host.selfId()) : meta;
    const welcome = parseWelcome(plain);
    if (welcome && !this.host.isOver()) this.host.welcomed(holder, welcome.members);
  }

  private idOf(role: PeerRole): string {
    return role === 'beacon' ? this.host.beaconId() : this.host.selfId();
  }
}
