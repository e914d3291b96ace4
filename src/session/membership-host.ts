/**
 * What membership (membership.ts) needs of the session's other parts, which session-parts.ts
 * hands it: the pair links, the pairs' media, the doorkeeper, the reports and the timings.
 */
import type { CoreFrame, IceFrame, RenegotiateFrame, SdpFrame } from './frames.js';
import type { MemberInfo } from './protocol.js';
import type { RoomSessionEvents, SessionPhase } from './types.js';

/** What membership needs of the pair links (pair-links.ts fits). */
export interface MemberLinks {
  readonly pendingCount: number;
  knows(id: string): boolean;
  dial(id: string, metadata: object): boolean;
  broadcast(frame: CoreFrame): void;
  send(id: string, frame: CoreFrame): boolean;
  close(id: string): void;
  connection(id: string): 'connected' | 'reconnecting';
  peerConnection(id: string): RTCPeerConnection | null;
}

/** What membership needs of the pairs' media (pair-media.ts fits). */
export interface MemberMedia {
  attach(id: string, pc: RTCPeerConnection): void;
  detach(id: string): void;
  update(id: string): void;
  receive(id: string, frame: SdpFrame | IceFrame | RenegotiateFrame): void;
  viewedAt(id: string, height: number, paused?: boolean, screenPaused?: boolean): void;
  stream(id: string): MediaStream | null;
  screenOf(id: string): MediaStream | null;
}

/** What membership tells the doorkeeper (doorkeeper.ts fits). */
export interface MemberDoor {
  answers(nonce: unknown): boolean;
  welcomed(holder: string, welcome: MemberInfo[]): void;
  linked(id: string): void;
  holderGone(id?: string): void;
  beaconFrame(from: string, nonce: unknown): void;
}

/** What membership reports (errors.ts fits). */
export interface MemberReports {
  otherVersion(from: string, what: unknown): void;
  duplicateName(from: string): void;
  /** A member sent more than the page takes; the rest was refused. */
  flooded(from: string): void;
  forget(from: string): void;
}

export interface MembershipHost {
  selfName(): string;
  /** 0 for no limit. */
  readonly maxParticipants: number;
  /** How many connections may be pending (not said hello) at once. */
  readonly maxPending: number;
  selfId(): string;
  phase(): SessionPhase;
  /** How long a known or admitted member's place is held (dialTimeout + admitHold). */
  placeHold(): number;
  /** How often the linked members are told whom this page is linked to (the `gossip` timing). */
  gossipEvery(): number;
  /**
   * How long a member that timed out is kept out (the `keepOut` timing, as long as `silence`): a
   * common neighbour that names it after that has heard from it since, so the pair's path broke,
   * not the member.
   */
  keepOut(): number;
  readonly links: MemberLinks;
  readonly media: MemberMedia;
  door(): MemberDoor | null;
  readonly reports: MemberReports;
  emit<K extends keyof RoomSessionEvents>(event: K, ...args: Parameters<RoomSessionEvents[K]>): void;
}
