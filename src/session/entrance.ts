/**
 * One join under one member id (docs/protocol.md, "Overview" and "Joining"): a fresh member id
 * claimed on the PeerServer, the room's beacon id (and in a private room its keys, derived from
 * the password meanwhile), and the doorkeeper that asks to be let in or claims the room. A join
 * again under a fresh id (timed out, or the PeerServer lost the old one) starts a new entrance.
 */
import { Doorkeeper } from './doorkeeper.js';
import { beaconIdFor, newMemberId } from './ids.js';
import { PrivateRoom } from './private-room.js';
import type { CoreFrame } from './frames.js';
import type { IntroSignal, MemberInfo } from './protocol.js';
import type { PeerRole } from './server-link.js';
import type { KnockVerdict, SessionError, SessionTiming } from './types.js';

/** What joining needs of the PeerServer link (server-link.ts fits). */
export interface EntranceServer {
  /** Claims the member id; resolves with it once the PeerServer gave it. */
  openMember(id: string): Promise<string>;
  claimBeacon(id: string): Promise<boolean>;
  readonly holdsBeacon: boolean;
  readonly disconnected: boolean;
}

/** What joining needs of the signals (signals.ts fits). */
export interface EntranceSignals {
  send(from: PeerRole, dst: string, what: object): Promise<void>;
  welcome(newcomer: string, welcome: MemberInfo[], nonce: string): Promise<void>;
}

/** What joining needs of the membership (membership.ts fits). */
export interface EntranceMembers {
  readonly roster: { isLinked(id: string): boolean };
  places(except: string): number;
  admit(newcomer: string, info: { name: string; media: boolean }): boolean;
  welcomeList(newcomer: string, self: MemberInfo): MemberInfo[];
  linkedIds(): string[];
}

/** What joining needs of the pair links (pair-links.ts fits). */
export interface EntranceLinks {
  knows(id: string): boolean;
  has(id: string): boolean;
  send(id: string, frame: CoreFrame): boolean;
}

export interface EntranceHost {
  readonly server: EntranceServer;
  readonly signals: EntranceSignals;
  readonly members: EntranceMembers;
  readonly links: EntranceLinks;
  /** What this page's introduction and welcomes say about it. */
  introduction(): { name: string; media: boolean };
  notice(error: SessionError): void;
  /** Joins again under a fresh member id, when that is due (see DoorkeeperHost.rejoin). */
  rejoin(): boolean;
  isOver(): boolean;
  readonly knocking: EntranceKnocking;
}

/** What joining needs of knocking (knocking.ts fits); see DoorkeeperHost. */
export interface EntranceKnocking {
  knock(newcomer: string, intro: IntroSignal): KnockVerdict | null;
  knocks(newcomer: string): boolean;
  waiting: boolean;
  withdraw(newcomer: string, nonce: string): void;
}

/** Where a room is: its name, its password ('' for an open room), the PeerServer's key. */
export interface RoomAddress {
  readonly room: string;
  readonly password: string;
  readonly serverKey: string;
}

export class Entrance {
  #selfId = '';
  #beaconId = '';
  #privateRoom: PrivateRoom | null = null;
  #door: Doorkeeper | null = null;

  constructor(
    private readonly host: EntranceHost,
    private readonly address: RoomAddress,
    private readonly maxParticipants: number,
    private readonly timing: SessionTiming,
  ) {}

  /** This page's member id, '' between joins; kept here because PeerJS forgets `peer.id` while disconnected. */
  get selfId(): string {
    return this.#selfId;
  }

  get beaconId(): string {
    return this.#beaconId;
  }

  /** The password's part of the protocol; null in an open room. */
  get privateRoom(): PrivateRoom | null {
    return this.#privateRoom;
  }

  /** The doorkeeper of the join under way; null between joins. */
  get door(): Doorkeeper | null {
    return this.#door;
  }

  /** Opens the member peer with a fresh id and asks to be let in (or claims the room). */
  async enter(): Promise<void> {
    const { room, password, serverKey } = this.address;
    const [id, privateRoom] = await Promise.all([this.host.server.openMember(newMemberId()), PrivateRoom.derive(room, password, serverKey)]);
    if (this.host.isOver()) return;
    this.#privateRoom = privateRoom;
    this.#beaconId = privateRoom?.beaconId ?? beaconIdFor(room, serverKey);
    this.#selfId = id;
    const { server, signals, members, links, knocking } = this.host;
    const self = (): MemberInfo => ({ id: this.#selfId, ...this.host.introduction() });
    const door: Doorkeeper = new Doorkeeper(
      {
        selfId: () => this.#selfId,
        introduction: () => this.host.introduction(),
        claimBeacon: () => server.claimBeacon(this.#beaconId),
        holdsBeacon: () => server.holdsBeacon,
        signal: (from, dst, what) => void signals.send(from, dst, what),
        serverDown: () => server.disconnected,
        isLinked: (m) => members.roster.isLinked(m),
        isPending: (m) => links.knows(m) && !links.has(m),
        places: (except) => members.places(except),
        admit: (newcomer, info) => members.admit(newcomer, info),
        welcomeList: (newcomer) => members.welcomeList(newcomer, self()),
        welcome: (newcomer, welcome, nonce) => void signals.welcome(newcomer, welcome, nonce),
        tellHolder: (m, nonce) => void links.send(m, { t: 'beacon', ...(nonce && { nonce }) }),
        linkedIds: () => members.linkedIds(),
        notice: (error) => this.host.notice(error),
        rejoin: () => this.host.rejoin(),
        isOver: (): boolean => this.host.isOver() || this.#door !== door,
        knock: (newcomer, intro) => knocking.knock(newcomer, intro),
        knocks: (newcomer) => knocking.knocks(newcomer),
        waiting: (waiting) => (knocking.waiting = waiting),
        withdrawn: (newcomer, nonce) => knocking.withdraw(newcomer, nonce),
      },
      this.#beaconId,
      this.maxParticipants,
      this.timing,
    );
    this.#door = door;
    await door.enter();
  }

  /** Stops asking and admitting. */
  stop(): void {
    this.#door?.stop();
    this.#door = null;
  }

  /** Before joining again under a fresh id: the old one is let go. */
  forget(): void {
    this.#selfId = '';
  }
}
