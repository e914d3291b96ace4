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
 * most MAX_CANDIDATES candidates are applied per ICE generation (a browser's ICE agent slows with
 * every remote candidate it pairs). The rest are dropped and the host told once: a member whose
 * frames are dropped is not one that follows the protocol.
 */
import type { IceFrame, RenegotiateFrame, SdpFrame } from './protocol.js';
import { Serial } from './serial.js';

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
/** Candidates applied per ICE generation of the other side (its ufrag), at most. */
export const MAX_CANDIDATES = 100;
/**
 * An offer unanswered this long (ms) is sent again: its answer may have been lost (sent on a
 * path that had broken, or dropped from a full queue), and until an answer comes, no other
 * negotiation and no ICE restart can start on the connection.
 */
export const OFFER_RESEND = 4_000;
/** Times an offer is sent again, at most; past that, the pair's recovery (a fresh connection) is the way out. */
const MAX_RESENDS = 3;

export class Negotiation {
  private closed = false;
  private offering = false;
  /** Another offer is due once the one under way is answered. */
  private again = false;
  /** Descriptions, candidates and requests are taken one after another, in the order they came. */
  private readonly queue = new Serial(MAX_WAITING);
  /** The other side's ICE generation (the ufrag of its description) and the candidates applied of it. */
  private generation: { ufrag: string; candidates: number } = { ufrag: '', candidates: 0 };
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
    // In order: a request that follows an answer is taken once that answer is applied.
    if (!this.queue.add(() => (frame.t === 'renegotiate' ? this.onRequest(frame.kinds) : this.apply(frame)))) this.flooded();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.resend);
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

  private async apply(frame: SdpFrame | IceFrame): Promise<void> {
    if (this.closed) return;
    const pc = this.pc;
    if (frame.t === 'ice') {
      if (++this.generation.candidates > MAX_CANDIDATES) return this.flooded();
      await pc.addIceCandidate(frame.candidate).catch(() => {});
      return;
    }
    const description = frame.description;
    // Offers come only from the offerer, answers only to it.
    if ((description.type === 'offer') === this.offerer) return;
    if (description.type === 'answer' && pc.signalingState !== 'have-local-offer') return;
    await pc.setRemoteDescription(description);
    const ufrag = /^a=ice-ufrag:(\S+)/m.exec(description.sdp)?.[1] ?? '';
    if (ufrag !== this.generation.ufrag) this.generation = { ufrag, candidates: 0 };
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
