/**
 * The doorkeeper (docs/protocol.md, "Joining" and "The beacon"): asks to be let in, claims the
 * room's beacon id when nobody answers, admits newcomers while this page holds it, and keeps the
 * room whole when the holder goes.
 *
 * A holder is believed only when it proves it: it answers this page's own question, which only
 * the beacon id receives, with the question's nonce (in its welcome, or in a `beacon` frame to
 * a member already linked). A `beacon` frame without that nonce is a hint, not a fact. While no
 * holder has proved itself, the doorkeeper keeps asking and claiming, with backoff: a holder that
 * never lets anyone in cannot make being alone final, and when it goes, someone claims the id.
 */
import { admits, backoff, takeoverDelay } from './mesh.js';
import { type MemberInfo, type IntroSignal, metadata, parseIntro, parseFull, parseKnockSignal } from './protocol.js';
import { RecentEvents, RecentEventsBySender } from './recent-events.js';
import type { PeerRole } from './server-link.js';
import { type KnockVerdict, SessionError, type SessionTiming, sleep } from './types.js';

export interface DoorkeeperHost {
  /** This page's member id. */
  selfId(): string;
  /** What this page's introduction says about it. */
  introduction(): { name: string; media: boolean };
  claimBeacon(): Promise<boolean>;
  holdsBeacon(): boolean;
  signal(from: PeerRole, dst: string, what: object): void;
  serverDown(): boolean;
  isLinked(id: string): boolean;
  /** Whether a connection with the member is on its way (not open, or open without a hello yet). */
  isPending(id: string): boolean;
  /** Linked members, and admitted ones not lapsed (other than `except`). */
  places(except: string): number;
  /** Holds a place for a newcomer and tells the members it is coming; false when no room is left. */
  admit(newcomer: string, info: { name: string; media: boolean }): boolean;
  /** Who is in the room, for a newcomer's welcome (this page first). */
  welcomeList(newcomer: string): MemberInfo[];
  /** Dials the newcomer, with the welcome and the nonce of its question. */
  welcome(newcomer: string, list: MemberInfo[], nonce: string): void;
  /** Tells a linked member, over its pair link, that this page holds the beacon. */
  tellHolder(id: string, nonce?: string): void;
  /** Linked members' ids, for the order of takeover attempts. */
  linkedIds(): Iterable<string>;
  notice(error: SessionError): void;
  /**
   * Joins the room again under a fresh member id: the others timed this one out, and do not
   * take it back in for a while ("Timed out of the room"). False when that was done lately and
   * did not help (a holder that lets pages in and drops them): none is made then.
   */
  rejoin(): boolean;
  isOver(): boolean;
  /**
   * In a room that knocks (this page's setting, while it holds the beacon): what to answer a
   * newcomer's question (knocking.ts). Null when the room does not knock: it is let in.
   */
  knock(newcomer: string, intro: IntroSignal): KnockVerdict | null;
  /** Whether the newcomer knocks at this page now (its questions then skip the room-wide rate limit). */
  knocks(newcomer: string): boolean;
  /** This page knocked and waits to be let in, or no longer waits. */
  waiting(waiting: boolean): void;
  /** The newcomer gave up knocking (the question `nonce`). */
  withdrawn(newcomer: string, nonce: string): void;
}

/** `away`: turned away (true), or nobody let this page in within `knockWait` (false). */
type Answer = { welcome: MemberInfo[]; holder: string } | { full: number } | { holder: string } | { away: boolean };

/** Intros handled per 10 s by a holder; the rest are dropped (a newcomer asks again). */
const INTRO_RATE = 20;
/**
 * Intros handled per 10 s from one sender, before they count towards INTRO_RATE: a newcomer asks
 * at most every 4.5 s or so (introTimeout, then a claim and a backoff), so one sender can no
 * longer spend the whole window and keep everyone else out.
 */
const INTRO_RATE_PER_SENDER = 3;
/** Senders whose intros are counted, the latest this many. */
const INTRO_SENDERS = 256;
/** How often a room with a proved holder checks that it still answers (15 to 45 s). */
const RECHECK = 30_000;

export class Doorkeeper {
  /** The member that proved it holds the beacon (this page's id when it does); null when unknown. */
  private holder: string | null = null;
  /** A holder that welcomed this page: proved once its link says hello. */
  private candidate: string | null = null;
  private nonce = '';
  private waiter: ((answer: Answer | null) => void) | null = null;
  /** The holder said that the question in flight knocks: it is asked again every `knockAgain` until answered, for `knockWait` at most. */
  private knocked: (() => void) | null = null;
  private knockingNow = false;
  private healing = false;
  private wake: (() => void) | null = null;
  /** Questions handled in the last 10 s, INTRO_RATE at most, INTRO_RATE_PER_SENDER from each sender. */
  private readonly intros = new RecentEvents(INTRO_RATE, 10_000);
  private readonly introsBySender = new RecentEventsBySender(INTRO_RATE_PER_SENDER, 10_000, INTRO_SENDERS);
  private warned = false;
  /** Whether a member's link said hello to this page under this id: the others may have timed it out since. */
  private member = false;

  constructor(
    private readonly host: DoorkeeperHost,
    private readonly beaconId: string,
    private readonly maxParticipants: number,
    private readonly timing: SessionTiming,
  ) {}

  /** The id of the proved holder, if any. */
  get holderId(): string | null {
    return this.holder;
  }

  /** Whether `nonce` is the one of this page's question in flight. */
  answers(nonce: unknown): boolean {
    return !!this.nonce && nonce === this.nonce;
  }

  /**
   * Enters the room: asks first, claims the beacon if nobody answers within `claimAfter`.
   * Resolves once this page holds the beacon, was welcomed, or found a holder that does not
   * answer (then it is alone, and keeps trying); rejects with room-full.
   */
  async enter(): Promise<void> {
    const asked = this.ask();
    const early = await Promise.race([asked, sleep(this.timing.claimAfter).then(() => undefined)]);
    // A page that knocks has found a holder: claiming would fail.
    if (early === undefined && !this.host.isOver() && !this.knocking) {
      if (await this.host.claimBeacon()) {
        this.becameHolder();
        this.waiter?.(null);
      }
    }
    const answer = await asked;
    if (answer && 'full' in answer) throw new SessionError('room-full', `This room is full (${answer.full} people at most).`);
    if (answer && 'away' in answer) {
      throw answer.away
        ? new SessionError('not-let-in', 'Someone in the room turned you away.', true, { turnedAway: true })
        : new SessionError('not-let-in', 'Nobody let you in. Try again later.');
    }
    if (!this.holder && !this.candidate && !this.host.isOver()) this.unanswered();
    void this.heal();
  }

  /**
   * Called when the proved holder leaves or the beacon is lost: try again now. A holder that
   * welcomed this page and went without saying hello was no holder: say so, and try again.
   */
  holderGone(id?: string): void {
    if (id !== undefined && id === this.candidate) {
      this.candidate = null;
      this.unanswered();
      this.wake?.();
      return;
    }
    if (id !== undefined && id !== this.holder) return;
    this.holder = null;
    this.wake?.();
  }

  /** A welcome arrived on a dial from `holder` that answers this page's question. */
  welcomed(holder: string, welcome: MemberInfo[]): void {
    this.candidate = holder;
    this.settle({ welcome, holder });
  }

  /**
   * A member's link said hello: the holder that welcomed this page is proved. The healing loop,
   * which was waiting for that (or to ask again), goes on to its periodic check.
   */
  linked(id: string): void {
    this.member = true;
    if (id !== this.candidate) return;
    this.candidate = null;
    this.holder = id;
    this.warned = false;
    this.wake?.();
  }

  /** A `beacon` frame from a linked member: believed when it carries this page's nonce. */
  beaconFrame(from: string, nonce: unknown): void {
    if (this.answers(nonce)) this.settle({ holder: from });
  }

  /** A signal to this page's member id. */
  memberSignal(from: string, what: unknown): void {
    // Believed only from the beacon id, whose sender the server vouches for.
    if (from !== this.beaconId) return;
    const full = parseFull(what);
    if (full && this.answers(full.nonce)) return this.settle({ full: full.max });
    const knock = parseKnockSignal(what);
    if (!knock || knock.kind === 'withdrawn' || !this.answers(knock.nonce)) return;
    if (knock.kind === 'turned-away') this.settle({ away: true });
    else this.knocked?.();
  }

  /** Whether this page knocks now: its question in flight waits for someone to let it in. */
  get knocking(): boolean {
    return this.knockingNow;
  }

  /** Beacon side of an introduction: admit the newcomer and dial it with the roster, or refuse it. */
  beaconSignal(newcomer: string, what: unknown): void {
    const withdrawn = parseKnockSignal(what);
    if (withdrawn?.kind === 'withdrawn') return this.host.withdrawn(newcomer, withdrawn.nonce);
    const intro: IntroSignal | null = parseIntro(what);
    const self = this.host.selfId();
    if (!intro || this.host.isOver() || !this.host.holdsBeacon() || newcomer === self) return;
    if (this.host.isLinked(newcomer)) {
      // One of ours checking who holds the beacon: answer over the pair link, with its nonce.
      this.host.tellHolder(newcomer, intro.nonce);
      return;
    }
    // One that knocks asks every `knockAgain`: its own window holds that, the room's is for the others.
    if (!this.introsBySender.take(newcomer) || (!this.host.knocks(newcomer) && !this.intros.take())) return;
    if (this.full(newcomer, intro.nonce)) return;
    const verdict = this.host.knock(newcomer, intro);
    // Answers from the beacon id, so that the newcomer knows who says it.
    if (verdict === 'wait') this.host.signal('beacon', newcomer, { ...metadata('knocking'), nonce: intro.nonce });
    else if (verdict === 'away') this.turnAway(newcomer, intro.nonce);
    else if (verdict === null || verdict === 'in') this.admit(newcomer, intro, intro.nonce);
  }

  /** Lets in a newcomer that knocked, answering its question (`nonce`); the room may be full by now. */
  letIn(newcomer: string, info: { name: string; media: boolean }, nonce: string): void {
    if (!this.host.isOver() && this.host.holdsBeacon() && !this.full(newcomer, nonce)) this.admit(newcomer, info, nonce);
  }

  /** Admits a newcomer the room has a place for, and dials it with the roster. */
  private admit(newcomer: string, info: { name: string; media: boolean }, nonce: string): void {
    // Not taken in (an id that left, or too many waiting): no answer; it may ask again.
    if (!this.host.admit(newcomer, info)) return;
    this.host.welcome(newcomer, this.host.welcomeList(newcomer), nonce);
  }

  /** Tells a newcomer that knocked that it was turned away. */
  turnAway(newcomer: string, nonce: string): void {
    this.host.signal('beacon', newcomer, { ...metadata('turned-away'), nonce });
  }

  /** Whether the room has no place for the newcomer; if so, the newcomer is told. */
  private full(newcomer: string, nonce: string): boolean {
    if (admits(this.host.places(newcomer), 0, this.maxParticipants)) return false;
    this.host.signal('beacon', newcomer, { ...metadata('full'), max: this.maxParticipants, nonce });
    return true;
  }

  /** Lets go: no more asking or claiming. A page that knocks says that it goes. */
  stop(): void {
    if (this.knockingNow) this.host.signal('member', this.beaconId, { ...metadata('withdrawn'), nonce: this.nonce });
    this.waiter?.(null);
    this.wake?.();
  }

  private becameHolder(): void {
    this.holder = this.host.selfId();
    for (const id of this.host.linkedIds()) this.host.tellHolder(id);
  }

  /**
   * Sends a question to the beacon id; resolves with the answer, or null after introTimeout. When
   * the holder says that the question knocks, it stays in flight (the same nonce) and is sent
   * again every `knockAgain` until someone lets this page in or turns it away, or `knockWait` passes.
   */
  private ask(): Promise<Answer | null> {
    this.waiter?.(null);
    return new Promise<Answer | null>((resolve) => {
      const nonce = newNonce();
      const question = { ...metadata('intro'), ...this.host.introduction(), nonce };
      let timer = setTimeout(() => finish(null), this.timing.introTimeout);
      let again: ReturnType<typeof setInterval> | undefined;
      const finish = (answer: Answer | null) => {
        clearTimeout(timer);
        clearInterval(again);
        if (this.waiter === finish) {
          this.waiter = null;
          this.knocked = null;
          this.nonce = '';
        }
        if (again !== undefined) {
          this.knockingNow = false;
          this.host.waiting(false);
        }
        resolve(answer);
      };
      this.nonce = nonce;
      this.waiter = finish;
      this.knocked = () => {
        this.knocked = () => {};
        clearTimeout(timer);
        timer = setTimeout(() => {
          this.host.signal('member', this.beaconId, { ...metadata('withdrawn'), nonce });
          finish({ away: false });
        }, this.timing.knockWait);
        again = setInterval(() => this.host.signal('member', this.beaconId, question), this.timing.knockAgain);
        this.knockingNow = true;
        this.host.waiting(true);
      };
      this.host.signal('member', this.beaconId, question);
    });
  }

  private settle(answer: Answer): void {
    if ('holder' in answer && !('welcome' in answer)) {
      this.holder = answer.holder;
      this.warned = false;
    }
    this.waiter?.(answer);
  }

  /**
   * Keeps the room whole for as long as the session lasts. With a proved holder it checks now
   * and then that the holder still answers; without one it asks and claims, in id order at
   * first (so that the remaining members do not all claim at once), then with backoff.
   */
  private async heal(): Promise<void> {
    if (this.healing) return;
    this.healing = true;
    let attempt = 0;
    while (!this.host.isOver()) {
      const proved = this.holder !== null;
      // A welcome whose link has not said hello yet is waited out while its connection is
      // pending (its lapse wakes the loop): asking again meanwhile would only bring another
      // welcome from the same sender and cut the first short. One that was never held is asked
      // again after dialTimeout + admitHold.
      const wait = proved
        ? RECHECK / 2 + Math.random() * RECHECK
        : this.candidate !== null
          ? this.timing.dialTimeout + this.timing.admitHold
          : attempt === 0
            ? takeoverDelay(this.host.selfId(), this.host.linkedIds(), this.timing.takeoverStep)
            : backoff(attempt, 500, 10_000);
      const woken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), wait);
        this.wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      this.wake = null;
      if (this.host.isOver()) break;
      if (woken) {
        attempt = 0;
        continue;
      }
      if (this.host.serverDown()) {
        // Nothing to ask while off the server, and the rank delay may be 0: the next look waits
        // a backoff. The member peer's return wakes the loop at once.
        attempt++;
        continue;
      }
      if (this.candidate !== null && this.host.isPending(this.candidate)) continue;
      if (this.host.holdsBeacon()) {
        this.holder = this.host.selfId();
        attempt = 0;
        continue;
      }
      if (this.holder === this.host.selfId()) this.holder = null; // lost it meanwhile
      const answer = await this.ask();
      if (this.host.isOver()) break;
      // Turned away, or nobody let this page in: the holder is there; claiming would fail.
      if (answer && 'away' in answer) {
        attempt++;
        continue;
      }
      if (answer && 'holder' in answer) {
        // A beacon frame from a linked member proves a holder; a welcome does once its link forms.
        attempt = 'welcome' in answer ? attempt + 1 : 0;
        continue;
      }
      if (await this.host.claimBeacon().catch(() => false)) {
        this.becameHolder();
        attempt = 0;
        continue;
      }
      this.holder = null;
      attempt++;
      // In the room once and alone now, unanswered: the others timed this page out (it was
      // asleep, or its network was gone for longer than `silence`), and a holder does not let a
      // timed-out id back in for a while. As a newcomer under a fresh id, it is let in at once.
      if (this.member && ![...this.host.linkedIds()].length && this.host.rejoin()) break;
      this.unanswered();
    }
    this.healing = false;
  }

  /**
   * Someone holds the room's address but does not answer: say so once, and keep trying. Only to
   * a page that is alone: with people here, a check that went unanswered (a busy holder) is no
   * news, and the next check tries again.
   */
  private unanswered(): void {
    if (this.warned || [...this.host.linkedIds()].length > 0) return;
    this.warned = true;
    this.host.notice(
      new SessionError(
        'room-unreachable',
        'Someone holds this room but has not let anyone in yet (they may be reconnecting, or run an older version of rtc-elements). Still trying.',
        false,
      ),
    );
  }
}

function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
