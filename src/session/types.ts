/**
 * The session layer's public types: its errors, its events, what it says about a member, and
 * its options. The parts of the session and the elements above share these, and nothing else.
 */
import type { Peer, PeerOptions } from 'peerjs';
import type { ServerEndpoint } from './config.js';
import type { ExtensionFrame, Reaction } from './frames.js';

/** Creates PeerJS peers; injectable so unit tests can run the session over a fake network. */
export type PeerFactory = (id: string, options: PeerOptions) => Peer;

export type SessionPhase = 'idle' | 'joining' | 'joined' | 'left' | 'failed';

/** Why a participant left the roster. */
export type LeaveReason = 'left' | 'closed' | 'timeout';

/**
 * How a member's broken connection came back: `restored`, the same connection works again (its
 * data channels are reliable, so what was sent meanwhile arrives); `replaced`, a fresh
 * connection took its place (what was on the old one may be lost).
 */
export type ReconnectKind = 'restored' | 'replaced';

/**
 * Error types: PeerJS's own strings where one fits, ours in the same style. The elements pass
 * them on as `rtc-error`'s `detail.type` unchanged.
 */
export type SessionErrorType =
  | 'network'
  | 'invalid-key'
  | 'server-error'
  | 'room-full'
  | 'room-unreachable'
  | 'not-let-in'
  | 'insecure-context'
  | 'browser-incompatible'
  | 'disconnected'
  | 'negotiation-failed'
  | 'protocol'
  | 'duplicate-name';

/**
 * What an error's English message says that an element may need to say again in its own
 * language, as data: the elements never read the message for it.
 */
export interface SessionErrorFacts {
  /** 'protocol', from a page of another version: its version and this page's. */
  versions?: readonly [theirs: string, ours: string];
  /** 'server-error', the relay this page must use cannot be had: refused, not reached, or none offered. */
  relay?: 'unavailable' | 'refused' | 'none';
  /** 'duplicate-name': the name two people here share, as shown. */
  name?: string;
  /** 'network': the page's Content-Security-Policy refuses the call server (`connect-src`). */
  policy?: boolean;
  /** 'not-let-in': someone in the room turned this page away (else nobody let it in in time). */
  turnedAway?: boolean;
}

export class SessionError extends Error {
  constructor(
    readonly type: SessionErrorType,
    message: string,
    /** A fatal error ends the session; the others are reported and the call goes on. */
    readonly fatal: boolean = true,
    readonly facts: SessionErrorFacts = {},
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
  /** Whether the participant raised their hand (to speak, say), until they lower it or leave the call. */
  readonly hand: boolean;
  /**
   * While the hand is raised, when it went up (ms since the epoch, on this page's clock: the
   * participant says how long it has been up, so every page orders the hands alike, to within the
   * time a message takes); 0 while it is down.
   */
  readonly handRaisedAt: number;
  /** Their audio and video, once it arrives; null before that and for chat-only members. */
  readonly stream: MediaStream | null;
  /** The screen they share, while they share one. */
  readonly screen: MediaStream | null;
  /** When this page linked up with them (ms since the epoch). */
  readonly since: number;
  /** True when they came after this page joined; false for those already in the room. */
  readonly arrived: boolean;
  /**
   * `connected`, or `reconnecting` while the path to them is broken (nothing heard for a few
   * seconds, or ICE disconnected) and the session tries to restore it.
   */
  readonly connection: 'connected' | 'reconnecting';
  /**
   * '' for a name nobody else here has; otherwise `#1`, `#2`, ... by the order this page linked
   * with the people who share it (this page's own name counts as the first), so that two
   * "Alice"s are told apart on screen. Per page: not an identity, only a way to keep them apart.
   */
  readonly tag: string;
}

/** Someone asking to be let into a room that knocks (docs/protocol.md, "Knocking"). */
export interface Knocker {
  /** Their member id: what `answerKnock` takes. */
  readonly id: string;
  readonly name: string;
}

/**
 * What the holder answers a newcomer's question in a room that knocks: `in`, let it in; `wait`,
 * it knocks; `away`, it was turned away; `none`, no place to knock (no answer, it asks again).
 */
export type KnockVerdict = 'in' | 'wait' | 'away' | 'none';

/** The state of this page's link to the PeerServer. */
export type SignallingState = 'connected' | 'reconnecting';

/** The session's events; listeners are registered with `session.on(name, listener)`. */
export interface RoomSessionEvents {
  /** The session moved to another phase. */
  phase: (phase: SessionPhase) => void;
  /** The number of members this page still waits to meet (RoomSession.awaited) changed. */
  awaiting: () => void;
  /** A member is now linked to this page. */
  'participant-joined': (participant: Participant) => void;
  /** A member left, closed the page or stopped answering. */
  'participant-left': (participant: Participant, reason: LeaveReason) => void;
  /** A member whose connection was broken is connected again: the same connection, or a fresh one (`how`). */
  'participant-reconnected': (participant: Participant, how: ReconnectKind) => void;
  /** A member's stream, name, media state or connection changed. */
  'participant-updated': (participant: Participant) => void;
  /** A member in the call reacted (at most every REACT_EVERY ms, membership.ts). */
  reaction: (from: Participant, emoji: Reaction) => void;
  /** This page took another name (given by either of the page's elements). */
  renamed: (name: string) => void;
  /**
   * This page is in the room again under a fresh id (the server gave its id away, or the members
   * timed it out): the members saw it leave and come back as `id`.
   */
  rejoined: (id: string) => void;
  /** The people asking to be let in changed (in a room that knocks; docs/protocol.md, "Knocking"). */
  knocks: (knocking: readonly Knocker[]) => void;
  /** This page knocked and waits to be let in (true), or no longer waits (false: let in, turned away, or gave up). */
  waiting: (waiting: boolean) => void;
  /** The PeerServer link was lost (calls go on) or is back. */
  signalling: (state: SignallingState) => void;
  /** Something failed; `error.fatal` says whether the session ended. Reported once per kind and sender. */
  error: (error: SessionError) => void;
  /** A frame of a type the core does not handle (chat and files), from a linked member. */
  frame: (from: Participant, frame: ExtensionFrame) => void;
  /** A binary frame from a linked member. */
  binary: (from: Participant, data: ArrayBuffer) => void;
}

export interface RoomSessionOptions {
  room: string;
  server: ServerEndpoint;
  name?: string;
  iceServers?: RTCIceServer[];
  /** `relay` sends everything through the TURN servers (and hides addresses from the other members). */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** 0 for no limit. */
  maxParticipants?: number;
  /** A private room's password; empty or absent for an open room. */
  password?: string;
  /**
   * Whether newcomers knock while this page holds the room's beacon: someone in the room lets
   * each in (or turns them away) before they meet anyone (docs/protocol.md, "Knocking").
   */
  knock?: boolean;
  peerFactory: PeerFactory;
  /** Protocol timings, shortened by tests of timeouts. */
  timing?: Partial<SessionTiming>;
}

export interface SessionTiming {
  /** How long a PeerServer may take to accept a peer. */
  openTimeout: number;
  /** How long a mesh connection, dialled or accepted, may take to open. */
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
  /**
   * How long a member that timed out is kept out before it may be named, dialled or let in again
   * (docs/protocol.md, "A broken path between two members").
   */
  keepOut: number;
  /**
   * How long a mesh connection that opened may take to say hello before it lapses (and is
   * closed). An admitted newcomer's place is held for dialTimeout + admitHold.
   */
  admitHold: number;
  /** Spacing of beacon takeover attempts by id rank. */
  takeoverStep: number;
  /** How long a newcomer's first introduction goes unanswered before it claims the beacon itself. */
  claimAfter: number;
  /** First wait before a mesh dial that failed to open is tried again (doubling with each try, 4 tries). */
  dialRetry: number;
  /** How often every member tells its links whom it is linked to again (`peers`), so that a pair that missed each other meets. */
  gossip: number;
  /**
   * How long the PeerServer may take to relay a signal back to this page, asked while a member
   * is quiet, before the link to it counts as stalled (lost, though its socket never closed).
   */
  echoTimeout: number;
  /** How often a page that knocks asks again, so that the holder (or the next one) knows it still waits. */
  knockAgain: number;
  /** How long a page knocks before it gives up: nobody let it in. */
  knockWait: number;
}

export const DEFAULT_TIMING: SessionTiming = {
  openTimeout: 10_000,
  dialTimeout: 10_000,
  introTimeout: 4_000,
  heartbeat: 1_000,
  quiet: 3_500,
  redialAfter: 4_000,
  silence: 20_000,
  keepOut: 20_000,
  admitHold: 5_000,
  takeoverStep: 250,
  claimAfter: 100,
  dialRetry: 1_000,
  gossip: 10_000,
  echoTimeout: 5_000,
  knockAgain: 4_000,
  knockWait: 180_000,
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Timers that can all be cancelled at once, when the session ends. */
export class Timers {
  private readonly pending = new Set<ReturnType<typeof setTimeout>>();

  after(ms: number, fn: () => void): ReturnType<typeof setTimeout> {
    const t = setTimeout(() => {
      this.pending.delete(t);
      fn();
    }, ms);
    this.pending.add(t);
    return t;
  }

  cancel(t: ReturnType<typeof setTimeout> | undefined): void {
    if (t === undefined) return;
    clearTimeout(t);
    this.pending.delete(t);
  }

  clear(): void {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }
}
