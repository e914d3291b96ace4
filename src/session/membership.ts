/**
 * Who is in the room, kept in step with the pair links (docs/protocol.md, "Who is in the room",
 * "The mesh" and the gate's admission in "The gate"): which offers may build a connection,
 * which ids are learnt (from a welcome, a hello, gossip or an admission) and dialled, who is
 * linked, updated or removed, and where each frame from a linked member goes. The records are
 * the roster's (roster.ts); what the page is told of them is participants.ts's.
 */
import { clock } from './clock.js';
import { Gossip } from './gossip.js';
import type { MembershipHost } from './membership-host.js';
import { admits } from './mesh.js';
import { Paced } from './paced.js';
import { Participants } from './participants.js';
import { type CoreFrame, type ExtensionFrame, type HelloFrame, type StateFrame, type Reaction, REACTIONS } from './frames.js';
import { type MemberInfo, isConnectionMetadata, otherVersion } from './protocol.js';
import { Roster } from './roster.js';
import type { LeaveReason } from './types.js';

type Change = Partial<Pick<HelloFrame, 'name' | 'media' | 'mic' | 'cam' | 'hand' | 'handFor' | 'react' | 'screen'>>;

/** A member's `state` frames are applied at most once in this many ms; the latest of those that come sooner waits (paced.ts). */
export const STATE_EVERY = 100;
/** A member's reactions are shown at most once in this many ms; of those that come sooner, the latest waits (paced.ts). */
export const REACT_EVERY = 250;

export class Membership {
  readonly roster = new Roster();
  readonly shown: Participants;
  private readonly gossip: Gossip;
  private readonly states = new Paced<StateFrame>(STATE_EVERY, (id, state) => this.changed(id, state));
  private readonly reactions = new Paced<string>(REACT_EVERY, (id, emoji) => this.reacted(id, emoji));
  /** How many members the page was last told it still waits for (awaited()). */
  private awaiting = 0;

  constructor(private readonly host: MembershipHost) {
    this.shown = new Participants({
      selfName: () => host.selfName(),
      member: (id) => this.roster.get(id),
      linked: () => this.roster.linked(),
      stream: (id) => host.media.stream(id),
      screen: (id) => host.media.screenOf(id),
      connection: (id) => host.links.connection(id),
    });
    this.gossip = new Gossip({
      selfId: () => host.selfId(),
      isOver: () => this.isOver(),
      known: (id) => this.roster.isLinked(id) || host.links.knows(id) || this.roster.isGone(id),
      know: (id, by) => this.roster.know({ id, name: '', media: false }, this.placeDeadline(), 'known', false, by),
      expects: (id) => this.expects(id),
      hasRoom: () => this.hasRoom(),
      dial: (id) => host.links.dial(id, {}),
      linkedIds: () => this.linkedIds(),
      broadcast: (frame) => host.links.broadcast(frame),
      every: () => host.gossipEvery(),
    });
  }

  /**
   * Those already in the room when this page was let in (named in the welcome) whose links have
   * not said hello yet, their places not lapsed: the page is still meeting them, and is not alone.
   */
  awaited(): MemberInfo[] {
    return this.roster.awaited().map(({ id, name, media }) => ({ id, name, media }));
  }

  /** Tells the page when the members it waits for changed in number (met, lapsed or gone). */
  private recount(): void {
    const n = this.roster.awaited().length;
    if (n === this.awaiting) return;
    this.awaiting = n;
    this.host.emit('awaiting');
  }

  /** Linked members' ids, in the order they linked. */
  linkedIds(): string[] {
    return this.roster.linked().map((m) => m.id);
  }

  /** What the pair's media needs to know of a member: null until it is linked. */
  mediaOf(id: string): { media: boolean; screen: string } | null {
    const m = this.roster.get(id);
    return m?.stage === 'linked' ? { media: m.media, screen: m.screen } : null;
  }

  /** Whether a PeerJS offer from `from` may build a peer connection (the server link's gate). */
  admits(from: string, kind: 'data' | 'media', meta: unknown): boolean | 'later' {
    if (this.isOver() || !this.host.selfId() || this.roster.isGone(from)) return false;
    if (otherVersion(meta)) {
      this.host.reports.otherVersion(from, meta);
      return false;
    }
    // Media rides on the pair's mesh connection: PeerJS media calls are never offered.
    if (kind === 'media') return false;
    if (!isConnectionMetadata(meta, 'mesh')) return false;
    // The holder's answer to this page's question carries the question's nonce.
    const nonce = (meta as { nonce?: unknown }).nonce;
    if (nonce !== undefined) return !!this.host.door()?.answers(nonce);
    // A linked member replacing a broken connection, or one the room let in; one not heard of may
    // be a newcomer whose dial came ahead of the holder's word of it.
    if (this.roster.isLinked(from)) {
      if (this.roster.mayReplace(from)) return true;
      this.host.reports.flooded(from);
      return false;
    }
    if (!this.roster.has(from)) return 'later';
    return this.host.links.pendingCount < this.host.maxPending && this.hasRoom();
  }

  /** Whether a member that said hello on a new connection may be linked. */
  mayLink(id: string): boolean {
    return !this.roster.isGone(id) && this.roster.has(id) && this.hasRoom();
  }

  /** The holder's answer is connecting: its place is held at once, so that its link can form while the welcome is opened. */
  holderCalling(holder: string): void {
    this.roster.know({ id: holder, name: '', media: false }, this.placeDeadline(), 'known', this.host.phase() === 'joining');
  }

  /** Let in by the holder `holder`, on its mesh connection: everyone else is dialled (or dials us). */
  welcomed(holder: string, welcome: MemberInfo[]): void {
    const until = this.placeDeadline();
    const selfId = this.host.selfId();
    for (const m of welcome) if (m.id !== selfId) this.roster.know(m, until, 'known', this.host.phase() === 'joining');
    this.host.door()?.welcomed(holder, welcome);
    this.gossip.learn(welcome.map((m) => m.id).filter((m) => m !== holder));
    this.recount();
  }

  /** As the holder: holds a place for a newcomer and tells the members; false when no room is left. */
  admit(newcomer: string, info: { name: string; media: boolean }): boolean {
    if (!this.roster.know({ id: newcomer, ...info }, this.placeDeadline(), 'admitted')) return false;
    this.host.links.broadcast({ t: 'admit', id: newcomer, name: info.name, media: info.media });
    return true;
  }

  /** Linked members, and admitted ones not lapsed (other than `except`), for admission. */
  places(except: string): number {
    return this.roster.linked().length + this.roster.admittedCount(clock(), except);
  }

  /** Who is in the room, for a newcomer's welcome: this page (`self`), its links, and others admitted. */
  welcomeList(newcomer: string, self: MemberInfo): MemberInfo[] {
    const members = [...this.roster.linked(), ...this.roster.admitted(clock())].filter((m) => m.id !== newcomer);
    return [self, ...members.map((m) => ({ id: m.id, name: m.name, media: m.media }))];
  }

  /**
   * The member's link said hello: it is in the room. `missed` is what changed of this page since
   * the hello the member got (MediaState.since), sent to it now.
   */
  linked(id: string, hello: HelloFrame, missed: StateFrame | null): void {
    if (missed) this.host.links.send(id, missed);
    // Newcomers this page let in while the member's link came up were announced to linked members only.
    for (const m of this.roster.admitted()) if (m.id !== id) this.host.links.send(id, { t: 'admit', id: m.id, name: m.name, media: m.media });
    this.roster.link(id, { name: hello.name || 'Guest', media: hello.media, mic: hello.mic, cam: hello.cam, hand: !!hello.hand, handFor: hello.handFor, react: !!hello.react, screen: hello.screen ?? '' }, this.host.phase() === 'joined');
    this.shown.changed(id);
    this.host.door()?.linked(id);
    const twin = this.shown.sharesName(id);
    // Namesakes' marks change with a newcomer of the same name.
    this.remark(this.shown.namesakes(id), id);
    this.host.emit('participant-joined', this.shown.of(id));
    this.recount();
    if (twin) this.host.reports.duplicateName(id);
    // Gossip: everyone linked to us hears of the newcomer, and the newcomer of everyone.
    this.gossip.tell();
    this.gossip.learn(hello.peers, id);
    this.attachMedia(id, hello.view);
  }

  /** The member's link was replaced by a fresh connection: media moves to it (`missed` as in linked). */
  replaced(id: string, hello: HelloFrame, missed: StateFrame | null): void {
    if (missed) this.host.links.send(id, missed);
    // A state that waited for its turn was sent before this hello.
    this.states.forget(id);
    this.update(id, { ...hello, hand: !!hello.hand, react: !!hello.react });
    this.attachMedia(id, hello.view);
    // Whatever was under way on the old connection (a message, a file) may be lost.
    this.host.emit('participant-reconnected', this.shown.of(id), 'replaced');
  }

  /** The link was judged: whether it changed between connected and reconnecting, and whether it came back. */
  health(id: string, changed: boolean, restored: boolean): void {
    if (changed) this.update(id, {});
    if (restored) this.host.emit('participant-reconnected', this.shown.of(id), 'restored');
  }

  /** A connection to a member that was not linked went away without a hello. */
  lapsed(id: string): void {
    if (this.roster.isLinked(id)) return;
    // An admission that made no progress lapses with its connection, not 10 s later.
    this.roster.lapse(id);
    this.host.door()?.holderGone(id);
  }

  /** A pending connection to a member made a step towards opening: its place holds while it does. */
  progressed(id: string): void {
    this.roster.hold(id, this.placeDeadline());
  }

  /** Whether a member whose dial failed is still expected, and has room (and so is dialled again). */
  expects(id: string): boolean {
    return this.roster.has(id) && !this.roster.isLinked(id) && !this.host.links.knows(id) && this.hasRoom();
  }

  /**
   * The server says the id is not there: a member not linked is gone, for `keepOut` only. A
   * member whose own server link was down a moment (the server restarted) is back under the same
   * id, and a common neighbour names it again.
   */
  unavailable(id: string): void {
    if (!this.roster.isLinked(id) && this.roster.get(id)) this.roster.remove(id, clock() + this.host.keepOut());
    this.recount();
  }

  /** A frame other than hello from a linked member. */
  frame(id: string, frame: CoreFrame | ExtensionFrame | ArrayBuffer): void {
    if (frame instanceof ArrayBuffer) return this.host.emit('binary', this.shown.of(id), frame);
    const core = frame as CoreFrame;
    switch (core.t) {
      case 'peers':
        return this.gossip.learn(core.ids, id);
      case 'state':
        return this.states.offer(id, core);
      case 'react':
        return this.reactions.offer(id, core.emoji);
      case 'view':
        return this.host.media.viewedAt(id, core.height, core.paused, core.screenPaused);
      case 'sdp':
      case 'ice':
      case 'renegotiate':
        return this.host.media.receive(id, core);
      case 'beacon':
        return this.host.door()?.beaconFrame(id, core.nonce);
      case 'admit':
        if (core.id !== this.host.selfId() && !this.roster.isLinked(core.id)) this.roster.know(core, this.placeDeadline(), 'known', false, id);
        return;
      case 'bye':
        return this.remove(id, 'left');
      case 'ping':
      case 'hello':
      case 'auth':
      case 'proof':
        return;
      default:
        this.host.emit('frame', this.shown.of(id), frame as ExtensionFrame);
    }
  }

  /** A member's `state`, in its turn: its name, and what it sends and takes of the call. */
  private changed(id: string, state: StateFrame): void {
    if (!this.roster.isLinked(id)) return;
    if (state.name && state.name !== this.roster.get(id)?.name) this.renamed(id, state.name);
    this.update(id, { media: state.media, mic: state.mic, cam: state.cam, hand: !!state.hand, handFor: state.handFor, screen: state.screen ?? '' });
    this.host.media.update(id);
  }

  /** A member's reaction, in its turn: shown when the member is in the call and this version knows it. */
  private reacted(id: string, emoji: string): void {
    if (this.roster.get(id)?.media && this.roster.isLinked(id) && (REACTIONS as readonly string[]).includes(emoji)) this.host.emit('reaction', this.shown.of(id), emoji as Reaction);
  }

  /** Applies a change to a linked member and tells the listeners. */
  update(id: string, change: Change): void {
    if (!this.roster.update(id, change)) return;
    this.shown.changed(id);
    this.host.emit('participant-updated', this.shown.of(id));
  }

  /**
   * A linked member took another name (it is told in the `update` that follows): the marks of
   * its namesakes, old and new, are made afresh, and a name it now shares is said once.
   */
  private renamed(id: string, name: string): void {
    const before = this.shown.namesakes(id);
    if (!this.roster.update(id, { name })) return;
    this.shown.changed(id);
    this.remark(new Set([...before, ...this.shown.namesakes(id)]), id);
    if (this.shown.sharesName(id)) this.host.reports.duplicateName(id);
  }

  /** This page took another name: every member's mark among namesakes is made afresh, and a name now shared is said. */
  selfRenamed(): void {
    for (const m of this.roster.linked()) {
      this.update(m.id, {});
      if (this.shown.sharesName(m.id)) this.host.reports.duplicateName(m.id);
    }
  }

  /** The marks of these namesakes of `id` are made afresh: `id` came, went or took another name. */
  private remark(namesakes: Iterable<string>, id: string): void {
    for (const other of namesakes) if (other !== id) this.update(other, {});
  }

  /**
   * The member left, closed or went silent: forgotten, and never dialled again; one that went
   * silent, not before `keepOut` has passed.
   */
  remove(id: string, reason: LeaveReason): void {
    const last = this.roster.isLinked(id) ? this.shown.of(id) : null;
    const namesakes = this.shown.namesakes(id);
    // Out of the roster first: its link closed and its tracks taken off, a member that timed out
    // would otherwise be told as connected, without its media, on its way out.
    this.roster.remove(id, reason === 'timeout' ? clock() + this.host.keepOut() : undefined);
    this.host.links.close(id);
    this.host.media.detach(id);
    this.states.forget(id);
    this.reactions.forget(id);
    this.shown.changed(id);
    this.remark(namesakes, id);
    this.host.reports.forget(id);
    if (last) this.host.emit('participant-left', last, reason);
    this.recount();
    this.host.door()?.holderGone(id);
  }

  /** This page joins again under a fresh id: everyone linked is shown leaving. */
  leaveAll(): void {
    for (const m of this.roster.linked()) this.host.emit('participant-left', this.shown.of(m.id), 'closed');
  }

  clear(): void {
    this.gossip.clear();
    this.states.clear();
    this.reactions.clear();
    this.roster.clear();
    this.shown.clear();
    // Joining again afresh (or leaving): nobody is waited for any more, and the page is told.
    if (this.awaiting) {
      this.awaiting = 0;
      this.host.emit('awaiting');
    }
  }

  /** Members enforce max-participants themselves: this page, its links, at most the limit. */
  hasRoom(): boolean {
    return admits(this.roster.linked().length, 0, this.host.maxParticipants);
  }

  /** On the heartbeat: places that lapsed are forgotten, waiting dials made, and now and then the links told whom this page is linked to. */
  beat(): void {
    this.roster.prune();
    this.recount();
    this.gossip.beat();
  }

  /** Media runs on the member's connection, its camera sized to the height the member's hello asked for (video-sizes.ts). */
  private attachMedia(id: string, view?: number): void {
    const pc = this.host.links.peerConnection(id);
    if (!pc) return;
    if (view) this.host.media.viewedAt(id, view);
    this.host.media.attach(id, pc);
  }

  private placeDeadline(): number {
    return clock() + this.host.placeHold();
  }

  private isOver(): boolean {
    const phase = this.host.phase();
    return phase === 'left' || phase === 'failed';
  }
}
