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

export interface MediaCallsHost {
  selfId(): string;
  isOver(): boolean;
  /** Places a call through the server. */
  call(id: string, stream: MediaStream | null, metadata: object): MediaConnection | undefined;
  /** Whether the member is linked, and whether it takes part in the call. */
  member(id: string): { media: boolean } | null;
  /** A member's stream arrived, changed or went. */
  streamChanged(id: string): void;
  /** The ICE state of a member's call changed. */
  iceChanged(id: string): void;
  /** This page's offer or answer is on its way. */
  calling(): void;
  /** Asks the member, whose turn it is to call, to call again (the call must carry a new kind). */
  recall(id: string): void;
}

interface CallState {
  call: MediaConnection;
  /** Placed by this side. */
  out: boolean;
  ice: RTCIceConnectionState;
  stream: MediaStream | null;
}

export class MediaCalls {
  private readonly calls = new Map<string, CallState>();
  /** Calls that came in while the devices were not ready: answered once they are. */
  private readonly unanswered = new Set<MediaConnection>();
  private wanted = false;
  /** False while the page is still getting its camera and microphone (see expect). */
  private ready = true;
  private local: MediaStream | null = null;

  constructor(private readonly host: MediaCallsHost) {}

  /** Whether this page takes part in the call. */
  get wantsMedia(): boolean {
    return this.wanted;
  }

  get localStream(): MediaStream | null {
    return this.local;
  }

  stream(id: string): MediaStream | null {
    return this.calls.get(id)?.stream ?? null;
  }

  ice(id: string): RTCIceConnectionState | undefined {
    return this.calls.get(id)?.ice;
  }

  /** The page takes part once its devices answer; calls from others wait until then. */
  expect(): void {
    this.wanted = true;
    this.ready = false;
  }

  /** Takes part with `stream` (null: receive only); calls every linked member that wants media. */
  enable(stream: MediaStream | null, linked: Iterable<string>): void {
    this.wanted = this.ready = true;
    this.local = stream;
    for (const call of this.unanswered) this.answer(call);
    this.unanswered.clear();
    for (const id of linked) this.maybeCall(id);
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
    for (const [id, { call }] of [...this.calls]) {
      const pc = call.peerConnection;
      if (!pc) continue;
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
    if (!this.host.member(id)?.media || !this.wanted || this.host.isOver()) return void call.close();
    // Two calls crossed: the higher id's call stays, on both sides.
    if (this.calls.get(id)?.out && shouldDial(this.host.selfId(), id)) return void call.close();
    this.hangUp(id);
    this.attach(id, call, false);
    if (this.ready) this.answer(call);
    else this.unanswered.add(call);
  }

  /** Ends the call with a member, if any. */
  hangUp(id: string): void {
    const state = this.calls.get(id);
    if (!state) return;
    this.calls.delete(id);
    this.unanswered.delete(state.call);
    state.call.close();
    if (state.stream) this.host.streamChanged(id);
  }

  /** Ends every call; the page still takes part, with the same stream. */
  hangUpAll(): void {
    for (const id of [...this.calls.keys()]) this.hangUp(id);
  }

  closeAll(): void {
    for (const { call } of this.calls.values()) call.close();
    this.calls.clear();
    this.unanswered.clear();
    this.local = null;
  }

  private answer(call: MediaConnection): void {
    const state = this.calls.get(call.peer);
    if (state?.call !== call) return;
    call.answer(this.local ?? undefined);
    this.watch(call.peer, state);
  }

  private attach(id: string, call: MediaConnection, out: boolean): void {
    const state: CallState = { call, out, ice: call.peerConnection?.iceConnectionState ?? 'new', stream: null };
    this.calls.set(id, state);
    const current = () => this.calls.get(id) === state;
    if (out) this.watch(id, state);
    // PeerJS fires `stream` once per track, with the same stream: one update per new stream.
    call.on('stream', (stream) => {
      if (!current() || state.stream === stream) return;
      state.stream = stream;
      this.host.streamChanged(id);
    });
    call.on('close', () => {
      if (!current()) return;
      this.calls.delete(id);
      if (state.stream) this.host.streamChanged(id);
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
    const signalled = () => {
      if (pc.signalingState !== 'have-local-offer' && pc.signalingState !== 'stable') return;
      pc.removeEventListener('signalingstatechange', signalled);
      // After PeerJS's send of the offer or answer, which follows in a microtask.
      queueMicrotask(() => this.host.calling());
    };
    pc.addEventListener('signalingstatechange', signalled);
  }
}
