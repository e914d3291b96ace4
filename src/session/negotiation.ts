/**
 * Negotiation (docs/protocol.md, "Media" and "Health and recovery"): the pair's peer connection,
 * after PeerJS opened it, is negotiated by the pair itself. Tracks come and go and ICE restarts
 * on the same connection; descriptions and candidates travel as `sdp` and `ice` frames over the
 * pair's link, or through the server while the link's path is broken.
 *
 * One side offers, the other answers: the higher id (the side that dials) makes every offer.
 * When the lower id needs a negotiation (a track it added or removed), it asks with a `renegotiate`
 * frame naming the kinds of its tracks still without a place; the offerer makes room for them
 * (a receive-only transceiver of each kind, where the browser then puts the asker's track) and
 * offers, unless an offer is under way (it may place them; the asker asks again once it has
 * answered if it did not). Two offers never cross, so there is no rollback: Chromium cannot take
 * an offer of Firefox's over one of its own that it rolled back (their header extension ids
 * collide).
 *
 * What the other side sends is bounded: at most MAX_WAITING frames wait to be applied, and at
 * most MAX_CANDIDATES candidates are applied per ICE generation and CANDIDATES_PER_MINUTE in any
 * minute (a browser's ICE agent slows with every remote candidate it pairs, and checks every
 * address it is given). What it makes this page do is paced (NegotiationBudget): the offers it
 * answers, the ICE restarts among them, and the offers it makes on request. The rest are
 * dropped and the host told once: a member whose frames are dropped is not one that follows the
 * protocol.
 */
import { clock } from './clock.js';
import { type IceFrame, type RenegotiateFrame, type SdpFrame, keepCandidates } from './frames.js';
import { RecentEvents } from './recent-events.js';
import { Serial } from './serial.js';
import { TokenBucket } from './token-bucket.js';

export interface NegotiationHost {
  /** Sends a description, a candidate or a request to the other side. */
  send(frame: SdpFrame | IceFrame | RenegotiateFrame): void;
  /** A track of the other side's arrived. */
  track(event: RTCTrackEvent): void;
  /** The other side sent more than the pair takes: frames were dropped. */
  flooded(): void;
}

/** The most transceivers a pair's connection gets: a microphone, a camera and a screen each way, and some room. */
const MAX_TRANSCEIVERS = 8;
/**
 * Frames waiting to be applied, at most. A browser applies a description in a few milliseconds
 * and a candidate in less; the other side's frames of one negotiation or ICE restart are a few
 * dozen (a description, a candidate per address, transport and server).
 */
export const MAX_WAITING = 64;
/**
 * Candidates applied per ICE generation of the other side (the ICE credentials of its
 * description), at most, whether they come in `ice` frames or in its descriptions.
 */
export const MAX_CANDIDATES = 100;
/**
 * Candidates applied in any minute, at most, whatever their generation: an ICE restart is a new
 * generation, so MAX_CANDIDATES alone would let each offer bring 100 more addresses for this
 * page's browser to send connectivity checks to. A restart of a real browser brings a few dozen.
 */
export const CANDIDATES_PER_MINUTE = 300;
/**
 * Negotiations the other side makes this page take part in, per connection: the offers it
 * answers, or (as the offerer) the offers it makes on request. A burst of NEGOTIATION_BURST
 * passes at once (a call's start, a camera and a screen added, two ICE restarts), then one per
 * NEGOTIATION_EVERY ms. One over the rate waits for its turn, blocking the frames behind it,
 * and only the latest of those that wait is taken: the offerer never has two offers out, and
 * an asker's latest request names every track it still needs placed.
 */
export const NEGOTIATION_BURST = 4;
export const NEGOTIATION_EVERY = 2_500;
/**
 * ICE restarts (offers with new ICE credentials) among those, per connection: each makes this
 * page's browser gather again (STUN queries, TURN allocations with this page's credentials). A
 * break is mended with two restarts 3 s apart (pair-links.ts, then a fresh connection), so a
 * burst of RESTART_BURST, then one per RESTART_EVERY ms.
 */
export const RESTART_BURST = 3;
export const RESTART_EVERY = 10_000;
/**
 * An offer unanswered this long (ms) is sent again: its answer may have been lost (sent on a
 * path that had broken, or dropped from a full queue), and until an answer comes, no other
 * negotiation and no ICE restart can start on the connection.
 */
export const OFFER_RESEND = 4_000;
/** Times an offer is sent again, at most; past that, the pair's recovery (a fresh connection) is the way out. */
const MAX_RESENDS = 3;

/**
 * What the other side may make this page do on one connection, as a pure decision of the time
 * (`now`, in the session clock's ms): how many negotiations and ICE restarts it starts, how many
 * of its candidates are applied.
 */
export class NegotiationBudget {
  private readonly negotiations: TokenBucket;
  private readonly restarts: TokenBucket;
  private readonly recentCandidates = new RecentEvents(CANDIDATES_PER_MINUTE, 60_000);
  /** The other side's ICE generation (the credentials of its description) and the candidates applied of it. */
  private generation = { credentials: '', candidates: 0 };

  constructor(now = clock()) {
    this.negotiations = new TokenBucket(NEGOTIATION_BURST, NEGOTIATION_EVERY, now);
    this.restarts = new TokenBucket(RESTART_BURST, RESTART_EVERY, now);
  }

  /** How long (ms) a negotiation (an ICE restart, if `restart`) must wait for its turn; 0: it may start now. */
  wait(restart: boolean, now = clock()): number {
    return Math.max(this.negotiations.wait(now), restart ? this.restarts.wait(now) : 0);
  }

  /** Counts a negotiation at `now`; false, and nothing is counted, when it must wait. */
  take(restart: boolean, now = clock()): boolean {
    if (this.wait(restart, now) > 0) return false;
    this.negotiations.take(now);
    if (restart) this.restarts.take(now);
    return true;
  }

  /** A description of the other side was applied: its ICE credentials (iceCredentials) start a generation if they are new. */
  described(credentials: string): void {
    if (credentials !== this.generation.credentials) this.generation = { credentials, candidates: 0 };
  }

  /** Whether a candidate of the other side may be applied at `now` (and it is counted); false: dropped. */
  candidate(now = clock()): boolean {
    // Only candidates applied count towards the minute's, so that a flood of one generation
    // does not keep the next restart's candidates out.
    if (this.generation.candidates >= MAX_CANDIDATES || !this.recentCandidates.take(now)) return false;
    this.generation.candidates++;
    return true;
  }
}

/**
 * A description's ICE credentials, every media section's: its distinct `a=ice-ufrag` and
 * `a=ice-pwd` lines, sorted. Browsers restart ICE when either changes in any section.
 */
export function iceCredentials(sdp: string): string {
  return [...new Set(sdp.match(/^a=ice-(?:ufrag|pwd):\S+/gm) ?? [])].sort().join(' ');
}

export class Negotiation {
  private closed = false;
  private offering = false;
  /** Another offer is due once the one under way is answered. */
  private again = false;
  /** Descriptions, candidates and requests are taken one after another, in the order they came. */
  private readonly queue = new Serial(MAX_WAITING);
  private readonly budget = new NegotiationBudget();
  /**
   * The negotiation the other side started (an offer to the answerer, a request to the offerer)
   * that waits in the queue and has not started yet: a later one takes its place instead of
   * queueing behind it, so that a flood of them holds one place in the queue and only the latest
   * is taken.
   */
  private waiting: { frame: SdpFrame | RenegotiateFrame } | null = null;
  /** A negotiation waiting for its turn: cut short when the connection closes. */
  private pause: { timer: ReturnType<typeof setTimeout>; done: () => void } | null = null;
  private floodSaid = false;
  private resend: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly pc: RTCPeerConnection,
    /** Whether this side makes the offers (the higher id). */
    private readonly offerer: boolean,
    private readonly host: NegotiationHost,
  ) {
    // From here on the pair negotiates, not PeerJS: it would close the connection on an ICE
    // failure (a restart mends it) and drop candidates once ICE completed (a restart needs them).
    pc.oniceconnectionstatechange = null;
    pc.onnegotiationneeded = () => (this.offerer ? void this.offer() : this.ask());
    pc.onicecandidate = (e) => {
      const c = e.candidate?.toJSON();
      if (c?.candidate) this.host.send({ t: 'ice', candidate: { ...c, candidate: c.candidate } });
    };
    pc.ontrack = (e) => this.host.track(e);
  }

  /** Restarts ICE on this connection: new candidates, same DTLS, same tracks (the offerer's to do). */
  restartIce(): void {
    if (this.closed) return;
    if (this.offerer) this.pc.restartIce();
    else this.host.send({ t: 'renegotiate', kinds: [] });
  }

  /** A description, a candidate or a request from the other side (already checked for shape). */
  receive(frame: SdpFrame | IceFrame | RenegotiateFrame): void {
    if (frame.t !== 'ice' && this.starts(frame)) {
      const waiting = this.waiting;
      if (!waiting) {
        const slot = { frame };
        if (!this.queue.add(() => this.inTurn(slot))) return this.flooded();
        this.waiting = slot;
        return;
      }
      // An offer that takes the place of another while it waits for its turn: the other side
      // offers faster than the budget, and not a copy of the same offer (sent again after 4 s).
      // The offerer has one offer out at a time, so a page of the room never does this. Requests
      // take each other's place silently: an asker's requests change as its tracks come.
      if (this.pause && frame.t === 'sdp' && waiting.frame.t === 'sdp' && frame.description.sdp !== waiting.frame.description.sdp) this.flooded();
      waiting.frame = frame;
      return;
    }
    // In order: a request that follows an answer is taken once that answer is applied (a request
    // taken while an offer is under way makes no room). Only the offerer applies answers.
    if (frame.t === 'sdp' && this.offerer) this.waiting = null;
    if (!this.queue.add(() => (frame.t === 'renegotiate' ? this.onRequest(frame.kinds) : this.apply(frame)))) this.flooded();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.resend);
    if (this.pause) {
      clearTimeout(this.pause.timer);
      this.pause.done();
    }
    const pc = this.pc;
    pc.onnegotiationneeded = pc.onicecandidate = pc.ontrack = null;
  }

  /** The answering side asks for an offer, naming the kinds of its tracks that need a place. */
  private ask(): void {
    if (this.closed) return;
    this.host.send({ t: 'renegotiate', kinds: this.unplaced() });
  }

  /** The kinds of this side's tracks that no negotiation has given a place yet. */
  private unplaced(): ('audio' | 'video')[] {
    return this.pc.getTransceivers().flatMap((t) => (!t.mid && t.currentDirection !== 'stopped' && t.sender.track ? [t.sender.track.kind as 'audio' | 'video'] : []));
  }

  private onRequest(kinds: readonly ('audio' | 'video')[]): void {
    if (this.closed || !this.offerer) return;
    // Nothing to place (a track removed over there, or an ICE restart asked for): offer as it is.
    if (kinds.length === 0) return void this.offer();
    // An offer under way may place them already: the browser puts a track added with addTrack on
    // a new m-line of its kind, and when both ends start their media together this offer has
    // one. Room made now would cost a second negotiation for nothing; what the offer does not
    // place, the asker asks for again once it has answered.
    if (this.offering) return;
    // Room made for an earlier request and not negotiated yet serves this one.
    const waiting = this.pc.getTransceivers().filter((t) => t.direction === 'recvonly' && t.currentDirection === null);
    for (const kind of kinds) {
      const room = waiting.findIndex((t) => t.receiver.track.kind === kind);
      if (room >= 0) waiting.splice(room, 1);
      else if (this.pc.getTransceivers().length < MAX_TRANSCEIVERS) this.pc.addTransceiver(kind, { direction: 'recvonly' });
    }
  }

  private async offer(): Promise<void> {
    if (this.closed) return;
    if (this.offering || this.pc.signalingState !== 'stable') {
      this.again = true;
      return;
    }
    this.offering = true;
    try {
      await this.pc.setLocalDescription();
      this.sendDescription();
      this.awaitAnswer(MAX_RESENDS);
    } catch {
      // The connection closed under us.
      this.offering = false;
    }
  }

  /** Whether the frame starts a negotiation here: offers to the offerer and requests to the answerer are ignored, and cost nothing. */
  private starts(frame: SdpFrame | RenegotiateFrame): boolean {
    return frame.t === 'renegotiate' ? this.offerer : frame.t === 'sdp' && frame.description.type === 'offer' && !this.offerer;
  }

  /**
   * Takes the negotiation the other side started (the latest frame in `slot`) once the budget
   * allows it, waiting for its turn meanwhile; the frames behind it wait too (a restart's
   * candidates need its offer applied first). Only the latest counts: the offerer has one offer
   * out at a time, and an asker's latest request names every track it still needs placed.
   */
  private async inTurn(slot: { frame: SdpFrame | RenegotiateFrame }): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const frame = slot.frame;
      const remote = this.pc.remoteDescription;
      const restart = frame.t === 'sdp' && !!remote && iceCredentials(frame.description.sdp) !== iceCredentials(remote.sdp);
      if (this.budget.take(restart)) {
        if (this.waiting === slot) this.waiting = null;
        return frame.t === 'renegotiate' ? this.onRequest(frame.kinds) : this.apply(frame);
      }
      const wait = this.budget.wait(restart);
      await new Promise<void>((done) => (this.pause = { timer: setTimeout(done, wait), done }));
      this.pause = null;
    }
  }

  private async apply(frame: SdpFrame | IceFrame): Promise<void> {
    if (this.closed) return;
    const pc = this.pc;
    if (frame.t === 'ice') {
      if (!this.budget.candidate()) return this.flooded();
      await pc.addIceCandidate(frame.candidate).catch(() => {});
      return;
    }
    const description = frame.description;
    // Offers come only from the offerer, answers only to it.
    if ((description.type === 'offer') === this.offerer) return;
    if (description.type === 'answer' && pc.signalingState !== 'have-local-offer') return;
    // Its candidates count as those of `ice` frames do (those the connection has already pass).
    this.budget.described(iceCredentials(description.sdp));
    const known = new Set(pc.remoteDescription?.sdp.match(/^a=candidate:[^\r\n]*/gm));
    const { sdp, cut } = keepCandidates(description.sdp, (line) => known.has(line) || this.budget.candidate());
    if (cut) this.flooded();
    await pc.setRemoteDescription({ type: description.type, sdp });
    if (description.type === 'offer') {
      await pc.setLocalDescription();
      this.sendDescription();
      // Tracks the offer gave no place: ask again (the offerer made no room for a request that
      // came while its offer was under way). The browser's negotiationneeded may ask too; the
      // offerer makes room once for both.
      if (this.unplaced().length) this.ask();
      return;
    }
    clearTimeout(this.resend);
    this.offering = false;
    if (this.again) {
      this.again = false;
      void this.offer();
    }
  }

  /** Sends the offer under way again after OFFER_RESEND, `left` more times, until it is answered. The asker answers a copy as any offer; a late first answer finds the offer settled and is ignored. */
  private awaitAnswer(left: number): void {
    clearTimeout(this.resend);
    if (left <= 0) return;
    this.resend = setTimeout(() => {
      if (this.closed || this.pc.signalingState !== 'have-local-offer') return;
      this.sendDescription();
      this.awaitAnswer(left - 1);
    }, OFFER_RESEND);
  }

  private flooded(): void {
    if (this.floodSaid || this.closed) return;
    this.floodSaid = true;
    this.host.flooded();
  }

  private sendDescription(): void {
    const local = this.pc.localDescription;
    if (!local || this.closed || (local.type !== 'offer' && local.type !== 'answer')) return;
    this.host.send({ t: 'sdp', description: { type: local.type, sdp: local.sdp } });
  }
}
