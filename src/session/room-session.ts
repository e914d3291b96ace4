/**
 * One page's membership of one room: the facade that carries the session's public API over its
 * parts, which session-parts.ts makes and wires. Each part has a small host interface and never
 * imports a sibling part; the table at the top of docs/protocol.md names the file of each section
 * of the protocol.
 *
 * Session verbs follow PeerJS: `join`, `leave`, `call`, `connect`, `destroy`.
 */
import type { ServerEndpoint } from './config.js';
import { Emitter } from './emitter.js';
import { REACT_EVERY } from './membership.js';
import { useIceServers } from './peer-config.js';
import { type CoreFrame, type ExtensionFrame, type Reaction, REACTIONS } from './frames.js';
import { type MemberInfo, cleanName } from './protocol.js';
import { SessionParts } from './session-parts.js';
import type { Knocker, Participant, RoomSessionEvents, RoomSessionOptions, SessionPhase } from './types.js';

export * from './types.js';

export class RoomSession extends Emitter<RoomSessionEvents> {
  readonly room: string;
  readonly server: ServerEndpoint;
  readonly maxParticipants: number;

  private readonly parts: SessionParts;
  /** When this page last reacted (performance.now()). */
  private reactedAt = -Infinity;

  constructor(options: RoomSessionOptions) {
    super();
    this.room = options.room;
    this.server = options.server;
    this.maxParticipants = options.maxParticipants ?? 0;
    this.parts = new SessionParts(options, (event, ...args) => this.emit(event, ...args));
  }

  get phase(): SessionPhase {
    return this.parts.life.phase;
  }

  /** The name the others see. */
  get name(): string {
    return this.parts.own.name;
  }

  /** Takes another name (cleaned as every name is; an empty one changes nothing): the others are told at once. */
  rename(name: string): void {
    const clean = cleanName(name);
    if (!clean || clean === this.parts.own.name) return;
    this.parts.own.rename(clean);
    this.parts.members.selfRenamed();
    this.emit('renamed', clean);
  }

  /** This page's member id, once joining has begun. */
  get id(): string | null {
    return this.parts.entrance.selfId || null;
  }

  /** Whether this page currently holds the room's beacon (introduces newcomers). */
  get holdsBeacon(): boolean {
    return this.parts.serverLink.holdsBeacon;
  }

  /** The other members linked to this page, in the order they linked up. */
  get participants(): Participant[] {
    return this.parts.members.roster.linked().map((m) => this.parts.members.shown.of(m.id));
  }

  /** Those already in the room when this page was let in that it is still meeting (their links not up yet). */
  get awaited(): MemberInfo[] {
    return this.parts.members.awaited();
  }

  // ---------------------------------------------------------------- joining

  /** Joins the room. Resolves once this page is a member; rejects with a SessionError. */
  join(): Promise<void> {
    return this.parts.life.join();
  }

  // ---------------------------------------------------------------- media

  /**
   * Says that this page takes part in the call once its camera and microphone have answered:
   * its introduction and hello say so, and calls from others wait to be answered until
   * enableMedia brings the stream. Call it before join(), while the devices are asked for.
   */
  expectMedia(): void {
    this.parts.media.expect();
  }

  /**
   * Takes part in the call: with `stream` (null for receive-only), and the current state of the
   * microphone and camera. Tracks go to every linked member that takes part in the call.
   */
  enableMedia(stream: MediaStream | null): void {
    // The state frame goes ahead of the tracks, so that the members know this page takes part.
    this.parts.media.expect();
    this.parts.own.adopt(stream);
    this.parts.media.enable(stream);
  }

  /** Stops taking part in the call; data connections stay. */
  disableMedia(): void {
    this.parts.media.disable();
    this.parts.own.off();
  }

  /**
   * Changes the tracks this page sends: a new device, a camera switched on for the first time.
   * A track whose kind the call already sends replaces the old one in place (replaceTrack, no
   * renegotiation); a new kind is added by renegotiating the pair's same connection.
   */
  setLocalStream(stream: MediaStream | null): void {
    this.parts.own.adopt(stream);
    this.parts.media.setLocalStream(stream);
  }

  /**
   * Shares a screen (a `getDisplayMedia` stream) with everyone in the call, or stops with null.
   * Its track goes on each pair's connection beside the camera; the others get it as their
   * participant's `screen`.
   */
  setScreen(stream: MediaStream | null): void {
    if (stream && !this.parts.media.wantsMedia) return;
    this.parts.own.tell(stream);
    this.parts.media.setScreen(stream);
  }

  /** The screen this page shares, if any. */
  get sharedScreen(): MediaStream | null {
    return this.parts.media.sharedScreen;
  }

  /**
   * How high this page shows each member's camera, in device pixels (members not in the map: not
   * shown, or not measured), and a newcomer's: each is asked to send it no larger
   * (docs/protocol.md, "Video sizes"). Those `paused` (nobody sees the call, or the visitor turned
   * the others' cameras off) are asked to send none until they are shown again; with
   * `screensPaused` (nobody sees the call), every member is asked to send no shared screen.
   */
  showVideos(heights: ReadonlyMap<string, number>, newcomer: number, paused?: ReadonlySet<string>, screensPaused?: boolean): void {
    this.parts.sizes.show(heights, newcomer, paused, screensPaused);
  }

  /** Tells the others that the microphone or camera was switched on or off, or the hand raised or lowered. */
  setMediaState(state: { mic?: boolean; cam?: boolean; hand?: boolean }): void {
    this.parts.own.set(state);
  }

  /**
   * Sends a reaction to every linked member that takes them. False when it did not go: this page
   * is not in the call, or its last reaction went less than REACT_EVERY ms ago (the others would
   * show only one of the two).
   */
  react(emoji: Reaction): boolean {
    const now = performance.now();
    if (!REACTIONS.includes(emoji) || !this.parts.media.wantsMedia || now - this.reactedAt < REACT_EVERY) return false;
    this.reactedAt = now;
    for (const m of this.parts.members.roster.linked()) if (m.react) this.parts.links.send(m.id, { t: 'react', emoji });
    return true;
  }

  /**
   * New STUN and TURN servers (fresh TURN credentials, most often): every connection made from
   * now on uses them, and every open one is given them for its next ICE gathering.
   */
  setIceServers(iceServers: RTCIceServer[]): void {
    useIceServers(this.parts.peerConfig, this.parts.links.peerConnections(), iceServers);
  }

  // ---------------------------------------------------------------- messaging for extensions

  /** Sends a frame to every linked member. */
  broadcast(frame: CoreFrame | ExtensionFrame): void {
    this.parts.links.broadcast(frame);
  }

  /**
   * Sends a frame to one linked member; false when that member is not linked. Binary frames, and
   * frames sent as `bulk`, ride the pair's channel for files, in order with each other.
   */
  send(id: string, frame: CoreFrame | ExtensionFrame | ArrayBuffer, bulk = false): boolean {
    return this.parts.links.send(id, frame, bulk);
  }

  /** The channel bulk frames ride on to a member, for their flow control. */
  channel(id: string): RTCDataChannel | null {
    return this.parts.links.channel(id);
  }

  /** How loud a member's microphone is now, 0 to 1 (see PairMedia.audioLevel). */
  audioLevel(id: string): number {
    return this.parts.media.audioLevel(id);
  }

  /** The statistics of the peer connection with a member (getStats()), or null when there is none. */
  async stats(id: string): Promise<RTCStatsReport | null> {
    const pc = this.parts.links.peerConnection(id);
    if (!pc || pc.connectionState === 'closed') return null;
    return pc.getStats().catch(() => null);
  }

  // ---------------------------------------------------------------- knocking

  /** The people asking to be let in, in the order they knocked (docs/protocol.md, "Knocking"). */
  get knocking(): readonly Knocker[] {
    return this.parts.knocks.list;
  }

  /** Whether this page knocked and waits to be let in. */
  get waiting(): boolean {
    return this.parts.knocks.waiting;
  }

  /**
   * Lets someone who knocks in (`letIn` true) or turns them away. False when they no longer
   * knock (let in or turned away by someone else meanwhile, or gone).
   */
  answerKnock(id: string, letIn: boolean): boolean {
    return this.parts.life.phase === 'joined' && this.parts.knocks.answer(id, letIn);
  }

  // ---------------------------------------------------------------- leaving

  /** Leaves the room: says goodbye, closes every connection and frees both peer ids. */
  leave(): Promise<void> {
    return this.parts.life.leave();
  }

  /** Drops the session at once, for a page that is going away. */
  destroy(): void {
    this.parts.life.destroy();
  }
}
