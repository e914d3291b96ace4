/**
 * The media (docs/protocol.md, "Media"): one call per pair of linked members that both take
 * part in the call, placed by the member whose id sorts higher. Media goes only to members whose
 * pair link is up and said hello, that is, to people this page shows: a call is placed only to a
 * linked member, and one from anybody else never reaches PeerJS (the server link's gate) and is
 * hung up here if it does.
 */
import type { MediaConnection } from 'peerjs';
import { shouldCall, shouldDial } from './mesh.js';
import { metadata } from './protocol.js';
import { Timers } from './types.js';

export interface MediaCallsHost {
  selfId(): string;
  isOver(): boolean;
  /** Places a call through the server. */
  call(id: string, stream: MediaStream | null, metadata: object): MediaConnection | undefined;
  /** Whether the member is linked, and whether it takes part in the call. */
  member(id: string): { media: boolean } | null;
  /** Whether the member is about to link (its connection is waiting for its hello). */
  linking(id: string): boolean;
  /** A member's stream arrived, changed or went. */
  streamChanged(id: string): void;
  /** The ICE state of a member's call changed. */
  iceChanged(id: string): void;
  /** This page's offer or answer is on its way. */
  calling(): void;
  /** Asks the member, whose turn it is to call, to call again (the call must carry a new kind). */
  recall(id: string): void;
  /**
   * In a private room: the check that a call's DTLS session is the one the member on the proved
   * pair link sees (null in an open room). Media is held back until it passes.
   */
  callCheck(): CallCheck | null;
  /** Sends this side's view of the call's fingerprints over the pair link. */
  sendFingerprints(id: string, fingerprints: { local: string; remote: string }): void;
  /** A call failed the check and was hung up. */
  unverified(id: string): void;
}

export interface CallCheck {
  fingerprints(pc: RTCPeerConnection): { local: string; remote: string } | null;
  sameCall(mine: { local: string; remote: string }, theirs: unknown): boolean;
}

interface CallState {
  call: MediaConnection;
  /** Placed by this side. */
  out: boolean;
  ice: RTCIceConnectionState;
  stream: MediaStream | null;
  /** Private rooms: the call proved to be the member's own; media flows and shows only then. */
  verified: boolean;
  /** Private rooms: the member's view of the call, if it came before this side's was ready. */
  theirs: unknown;
  sent: boolean;
}

export class MediaCalls {
  private readonly calls = new Map<string, CallState>();
  /** Calls that came in while the devices were not ready: answered once they are. */
  private readonly unanswered = new Set<MediaConnection>();
  private wanted = false;
  /** False while the page is still getting its camera and microphone (see expect). */
  private ready = true;
  private local: MediaStream | null = null;
  /** Calls from members whose hello has not arrived yet (the call overtook it), one per member. */
  private readonly early = new Map<string, MediaConnection>();
  private readonly timers = new Timers();

  constructor(
    private readonly host: MediaCallsHost,
    /** How long a call may wait for its member's hello, or take to connect, before it is given up. */
    private readonly setupTimeout: () => number,
  ) {}

  /** Whether this page takes part in the call. */
  get wantsMedia(): boolean {
    return this.wanted;
  }

  get localStream(): MediaStream | null {
    return this.local;
  }

  stream(id: string): MediaStream | null {
    const state = this.calls.get(id);
    return state?.verified ? state.stream : null;
  }

  ice(id: string): RTCIceConnectionState | undefined {
    return this.calls.get(id)?.ice;
  }

  /** The page takes part once its devices answer; calls from others wait until then. */
  expect(): void {
    this.wanted = true;
    this.ready = false;
  }

  /** Takes part with `stream` (null: receive only); answers the calls that waited for it. */
  enable(stream: MediaStream | null): void {
    this.wanted = this.ready = true;
    this.local = stream;
    for (const call of this.unanswered) this.answer(call);
    this.unanswered.clear();
  }

  disable(): void {
    this.wanted = false;
    this.ready = true;
    this.local = null;
    for (const id of [...this.calls.keys()]) this.hangUp(id);
  }

  /**
   * Changes the tracks this page sends. A track whose kind the call already sends replaces the
   * old one in place (no renegotiation); a kind the call cannot carry yet makes the call be
   * placed again by whoever places it.
   */
  setLocalStream(stream: MediaStream | null): void {
    this.local = stream;
    if (!this.wanted) return;
    for (const [id, { call, verified }] of [...this.calls]) {
      const pc = call.peerConnection;
      if (!pc || !verified) continue;
      let fits = true;
      for (const track of stream?.getTracks() ?? []) {
        const transceiver = pc
          .getTransceivers()
          .find((t) => t.receiver.track.kind === track.kind && (t.currentDirection === 'sendrecv' || t.currentDirection === 'sendonly'));
        if (transceiver) void transceiver.sender.replaceTrack(track).catch(() => {});
        else fits = false;
      }
      if (fits) continue;
      if (shouldDial(this.host.selfId(), id)) this.maybeCall(id, true);
      else this.host.recall(id);
    }
  }

  /** Places the call to a linked member when it is this side's turn and both want media. */
  maybeCall(id: string, again = false): void {
    if (again) this.hangUp(id);
    const member = this.host.member(id);
    if (!member || this.host.isOver() || !this.ready || this.calls.has(id)) return;
    if (!shouldCall(this.host.selfId(), id, this.wanted, member.media)) return;
    const call = this.host.call(id, this.local, metadata('media'));
    if (call) this.attach(id, call, true);
  }

  /** A call offered by a member. */
  incoming(call: MediaConnection): void {
    const id = call.peer;
    if (!this.host.member(id) && this.host.linking(id) && this.wanted && !this.host.isOver()) {
      // Nothing is answered before the hello; a call that gets none in time is hung up.
      this.early.get(id)?.close();
      this.early.set(id, call);
      this.timers.after(this.setupTimeout(), () => this.early.get(id) === call && (this.early.delete(id), call.close()));
      return;
    }
    // A linked member that calls takes part in the call, whether or not its state frame came first.
    if (!this.host.member(id) || !this.wanted || this.host.isOver()) return void call.close();
    // Two calls crossed: the higher id's call stays, on both sides.
    if (this.calls.get(id)?.out && shouldDial(this.host.selfId(), id)) return void call.close();
    this.hangUp(id);
    this.attach(id, call, false);
    if (this.ready) this.answer(call);
    else this.unanswered.add(call);
  }

  /** The peer connections of every call. */
  peerConnections(): RTCPeerConnection[] {
    return [...this.calls.values()].flatMap((s) => (s.call.peerConnection ? [s.call.peerConnection] : []));
  }

  /** The member's link said hello: a call of theirs that came first is taken up now. */
  linked(id: string): void {
    const call = this.early.get(id);
    this.early.delete(id);
    if (call) this.incoming(call);
    else this.maybeCall(id);
  }

  /** Ends the call with a member, if any. */
  hangUp(id: string): void {
    const state = this.calls.get(id);
    if (!state) return;
    this.calls.delete(id);
    this.unanswered.delete(state.call);
    state.call.close();
    if (state.stream && state.verified) this.host.streamChanged(id);
  }

  /** Ends every call; the page still takes part, with the same stream. */
  hangUpAll(): void {
    for (const id of [...this.calls.keys()]) this.hangUp(id);
  }

  closeAll(): void {
    this.timers.clear();
    for (const call of this.early.values()) call.close();
    this.early.clear();
    for (const { call } of this.calls.values()) call.close();
    this.calls.clear();
    this.unanswered.clear();
    this.local = null;
  }

  private answer(call: MediaConnection): void {
    const state = this.calls.get(call.peer);
    if (state?.call !== call) return;
    call.answer(this.local ?? undefined);
    this.hold(state);
    this.watch(call.peer, state);
  }

  /** The member's view of the call's fingerprints arrived over the pair link. */
  fingerprintsFrom(id: string, theirs: unknown): void {
    const state = this.calls.get(id);
    if (!state || state.verified) return;
    state.theirs = theirs;
    this.check(id, state);
  }

  /**
   * Private rooms: PeerJS adds the tracks when the call is placed or answered; they are taken
   * off the senders at once (before ICE and DTLS are done, so nothing is sent) until the check.
   */
  private hold(state: CallState): void {
    if (state.verified) return;
    for (const sender of state.call.peerConnection?.getSenders() ?? []) void sender.replaceTrack(null).catch(() => {});
  }

  private check(id: string, state: CallState): void {
    const check = this.host.callCheck();
    const pc = state.call.peerConnection;
    if (!check || state.verified || !pc || this.calls.get(id) !== state) return;
    const mine = check.fingerprints(pc);
    if (!mine) return;
    if (!state.sent) {
      state.sent = true;
      this.host.sendFingerprints(id, mine);
    }
    if (state.theirs === null) return;
    if (!check.sameCall(mine, state.theirs)) {
      this.hangUp(id);
      this.host.unverified(id);
      return;
    }
    state.verified = true;
    for (const t of pc.getTransceivers()) {
      const track = this.local?.getTracks().find((k) => k.kind === t.receiver.track.kind);
      if (track && t.sender) void t.sender.replaceTrack(track).catch(() => {});
    }
    if (state.stream) this.host.streamChanged(id);
  }

  private attach(id: string, call: MediaConnection, out: boolean): void {
    const verified = !this.host.callCheck();
    const state: CallState = { call, out, ice: call.peerConnection?.iceConnectionState ?? 'new', stream: null, verified, theirs: null, sent: false };
    this.calls.set(id, state);
    const current = () => this.calls.get(id) === state;
    if (out) {
      this.hold(state);
      this.watch(id, state);
      // A call whose offer was lost (or never answered) is placed again.
      this.timers.after(this.setupTimeout(), () => {
        if (current() && (state.ice === 'new' || state.ice === 'checking')) this.maybeCall(id, true);
      });
    }
    // PeerJS fires `stream` once per track, with the same stream: one update per new stream.
    call.on('stream', (stream) => {
      if (!current() || state.stream === stream) return;
      state.stream = stream;
      if (state.verified) this.host.streamChanged(id);
    });
    call.on('close', () => {
      if (!current()) return;
      this.calls.delete(id);
      if (state.stream && state.verified) this.host.streamChanged(id);
    });
    call.on('error', () => {});
  }

  /** Follows a call's connection (its peer connection exists once placed or answered). */
  private watch(id: string, state: CallState): void {
    const pc = state.call.peerConnection;
    if (!pc) return;
    pc.addEventListener('iceconnectionstatechange', () => {
      if (this.calls.get(id) !== state) return;
      state.ice = pc.iceConnectionState;
      this.host.iceChanged(id);
    });
    pc.addEventListener('signalingstatechange', () => pc.signalingState === 'stable' && this.check(id, state));
    const signalled = () => {
      if (pc.signalingState !== 'have-local-offer' && pc.signalingState !== 'stable') return;
      pc.removeEventListener('signalingstatechange', signalled);
      // After PeerJS's send of the offer or answer, which follows in a microtask.
      queueMicrotask(() => this.host.calling());
    };
    pc.addEventListener('signalingstatechange', signalled);
  }
}
