/**
 * The roster (docs/protocol.md, "Who is in the room"): one record per member this page knows of,
 * with its lifecycle stage. Members are `known` (named by a member who is linked: in a welcome,
 * an admission or gossip), `admitted` (let in by this page as the beacon holder), or `linked`
 * (their pair link said hello: shown on the page). A known or admitted member holds its place
 * until a deadline; one that does not link by then lapses. Ids of members that left are never
 * taken back in; those that timed out, only once a while has passed (a path between two members
 * that broke for a time, while both stayed in the room). Every collection here is bounded: a
 * member can name only so many others, and names from one member cannot crowd out another's.
 */
import { clock } from './clock.js';
import type { MemberInfo } from './protocol.js';
import { RecentEvents } from './recent-events.js';

export type Stage = 'known' | 'admitted' | 'linked';

export interface Member {
  readonly id: string;
  name: string;
  media: boolean;
  mic: boolean;
  cam: boolean;
  /** Whether the member raised its hand. */
  hand: boolean;
  /** When it went up, as the member says (the session's clock: now less its `handFor`); 0 while down. */
  handRaisedAt: number;
  /** Whether the member takes reactions (its hello said `react: true`). */
  react: boolean;
  /** The id of the stream that carries the member's shared screen ('' for none). */
  screen: string;
  stage: Stage;
  /** Until when a known or admitted member's place is held (ms since the epoch); 0 once linked. */
  until: number;
  /** When the pair link said hello. */
  since: number;
  /** Came after this page joined. */
  arrived: boolean;
  /** Named in the welcome that let this page in: in the room before it. */
  preexisting: boolean;
  /** The linked member that named it ('' when this page took it in itself: admitted, welcomed, calling). */
  by: string;
}

/**
 * The most members not linked at once that linked members named (gossip, `admit` frames); as many
 * again that this page took in itself (admitted, named in its welcome, the holder calling).
 */
export const MAX_UNLINKED = 64;
/** How many departed ids are remembered (never reused, so a few hundred is plenty). */
const MAX_GONE = 512;
/** Gone for good (`gone`'s value for members that left). */
const FOREVER = Number.POSITIVE_INFINITY;
/**
 * Fresh connections a linked member may offer in a minute. Its link is replaced only after a
 * break, once two ICE restarts failed, and then one attempt every few seconds (pair-health.ts);
 * each offer past that would have the browser build a peer connection for nothing.
 */
export const MAX_FRESH = 6;

export class Roster {
  private readonly members = new Map<string, Member>();
  /** Departed ids, and until when each is kept out (ms since the epoch). */
  private readonly gone = new Map<string, number>();
  /** The fresh connections each linked member offered in the last minute. */
  private readonly fresh = new Map<string, RecentEvents>();

  get(id: string): Member | undefined {
    return this.members.get(id);
  }

  /** Linked members, in the order they linked. */
  linked(): Member[] {
    return [...this.members.values()].filter((m) => m.stage === 'linked');
  }

  /** Admitted by this page and not linked yet, their places not lapsed. */
  admitted(now = clock()): Member[] {
    return [...this.members.values()].filter((m) => m.stage === 'admitted' && m.until >= now);
  }

  /** Named in the welcome that let this page in, not linked yet and their places not lapsed: the page is still meeting them. */
  awaited(now = clock()): Member[] {
    return [...this.members.values()].filter((m) => m.preexisting && m.stage !== 'linked' && m.until >= now);
  }

  isLinked(id: string): boolean {
    return this.members.get(id)?.stage === 'linked';
  }

  isGone(id: string, now = clock()): boolean {
    return (this.gone.get(id) ?? 0) > now;
  }

  /** Known, admitted or linked, and not lapsed. */
  has(id: string, now = clock()): boolean {
    const m = this.members.get(id);
    return !!m && (m.stage === 'linked' || m.until >= now);
  }

  /** Admitted by this page and not linked yet, other than `except`. */
  admittedCount(now = clock(), except?: string): number {
    let n = 0;
    for (const m of this.members.values()) if (m.stage === 'admitted' && m.until >= now && m.id !== except) n++;
    return n;
  }

  /** Members who hold a place: linked, plus admitted ones not lapsed. */
  places(now = clock()): number {
    let n = 0;
    for (const m of this.members.values()) if (m.stage === 'linked' || (m.stage === 'admitted' && m.until >= now)) n++;
    return n;
  }

  /**
   * Takes in a member named by the linked member `by` (or by this page itself: ''), holding its
   * place until `until`. False when it is gone or the roster has no room for more unlinked members
   * from that namer.
   */
  know(info: MemberInfo, until: number, stage: 'known' | 'admitted' = 'known', preexisting = false, by = ''): boolean {
    if (this.isGone(info.id)) return false;
    const m = this.members.get(info.id);
    if (m) {
      if (m.stage !== 'linked') {
        m.until = Math.max(m.until, until);
        if (stage === 'admitted') m.stage = stage;
        // This page's own word outweighs a member's: the entry is no longer that member's to lose.
        if (!by) m.by = '';
        m.preexisting ||= preexisting;
        // Known by its id alone until then (the holder calling, gossip): the welcome says more.
        m.name ||= info.name;
        m.media ||= info.media;
      }
      return true;
    }
    this.prune();
    if (!this.roomFor(by)) return false;
    this.members.set(info.id, { ...info, mic: false, cam: false, hand: false, handRaisedAt: 0, react: false, screen: '', stage, until, since: 0, arrived: false, preexisting, by });
    return true;
  }

  /**
   * Whether one more unlinked member named by `by` fits. Named by linked members, MAX_UNLINKED in
   * all, shared: when they are full, the member that named the most gives up its oldest name to
   * one that named fewer, so that a member naming invented ids (gossip, `admit` frames) crowds out
   * nobody but itself. This page's own, MAX_UNLINKED of their own.
   */
  private roomFor(by: string): boolean {
    const named = new Map<string, number>();
    let count = 0;
    for (const m of this.members.values()) {
      if (m.stage === 'linked' || (m.by === '') !== (by === '')) continue;
      count++;
      named.set(m.by, (named.get(m.by) ?? 0) + 1);
    }
    if (count < MAX_UNLINKED) return true;
    if (!by) return false;
    let most = '';
    for (const [namer, n] of named) if (n > (named.get(most) ?? 0)) most = namer;
    if ((named.get(most) ?? 0) <= (named.get(by) ?? 0) + 1) return false;
    for (const m of this.members.values()) {
      if (m.stage !== 'linked' && m.by === most) {
        this.members.delete(m.id);
        break;
      }
    }
    return true;
  }

  /** The member's pair link said hello: it is shown from now on. */
  link(id: string, { handFor, ...info }: Pick<Member, 'name' | 'media' | 'mic' | 'cam' | 'hand' | 'react' | 'screen'> & { handFor?: number }, arrived: boolean): Member {
    const before = this.members.get(id);
    const member: Member = {
      id,
      ...info,
      handRaisedAt: info.hand ? clock() - (handFor ?? 0) : 0,
      stage: 'linked',
      until: 0,
      since: Date.now(),
      arrived: arrived && !before?.preexisting,
      preexisting: before?.preexisting ?? false,
      by: '',
    };
    // Re-inserted, so that linked members come in the order they linked.
    this.members.delete(id);
    this.members.set(id, member);
    return member;
  }

  /** Applies what a linked member's hello or state frame says now; false when it is not linked. */
  update(id: string, change: Partial<Pick<Member, 'name' | 'media' | 'mic' | 'cam' | 'hand' | 'react' | 'screen'> & { handFor: number }>): boolean {
    const m = this.members.get(id);
    if (!m || m.stage !== 'linked') return false;
    if (change.screen !== undefined) m.screen = change.screen;
    if (change.name !== undefined) m.name = change.name || m.name;
    if (change.media !== undefined) m.media = change.media;
    if (change.mic !== undefined) m.mic = change.mic;
    if (change.cam !== undefined) m.cam = change.cam;
    // A hand keeps the time it went up while it stays up (a later frame's `handFor` moves it no more).
    if (change.hand !== undefined && change.hand !== m.hand) m.handRaisedAt = change.hand ? clock() - (change.handFor ?? 0) : 0;
    if (change.hand !== undefined) m.hand = change.hand;
    if (change.react !== undefined) m.react = change.react;
    return true;
  }

  /**
   * The member left (or lapsed): forgotten, and its id not taken back in, never or (`until`, for
   * a member that timed out) before then.
   */
  remove(id: string, until = FOREVER): Member | undefined {
    const m = this.members.get(id);
    this.members.delete(id);
    this.fresh.delete(id);
    // Re-inserted, so that the oldest entry is the first to be dropped.
    const kept = Math.max(this.gone.get(id) ?? 0, until);
    this.gone.delete(id);
    this.gone.set(id, kept);
    if (this.gone.size > MAX_GONE) this.gone.delete(this.gone.keys().next().value!);
    return m;
  }

  /** A linked member offers a fresh connection: false when it offered MAX_FRESH in the last minute. */
  mayReplace(id: string, now = clock()): boolean {
    let recent = this.fresh.get(id);
    if (!recent) this.fresh.set(id, (recent = new RecentEvents(MAX_FRESH, 60_000)));
    return recent.take(now);
  }

  /** Holds an unlinked member's place until `until` at least (its connection makes progress). */
  hold(id: string, until: number): void {
    const m = this.members.get(id);
    if (m && m.stage !== 'linked') m.until = Math.max(m.until, until);
  }

  /**
   * A member this page admitted gives up its place at once: its connection went without a hello
   * (it may ask again). Members only known keep theirs, since dials to them are retried.
   */
  lapse(id: string): void {
    if (this.members.get(id)?.stage === 'admitted') this.members.delete(id);
  }

  /** Forgets known and admitted members whose place lapsed; returns their ids. */
  prune(now = clock()): string[] {
    const lapsed: string[] = [];
    for (const m of this.members.values()) if (m.stage !== 'linked' && m.until < now) lapsed.push(m.id);
    for (const id of lapsed) this.members.delete(id);
    return lapsed;
  }

  /** Forgets everyone, those gone too: under a fresh id this page meets the room afresh. */
  clear(): void {
    this.members.clear();
    this.gone.clear();
    this.fresh.clear();
  }
}
