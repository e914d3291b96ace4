/**
 * The media (docs/protocol.md, "Media"): audio, video and a shared screen (with a shared tab's
 * sound) on the pair's one peer connection, the one its link runs on. Tracks are added only for
 * a linked member (one whose link said hello, and proved the password in a private room) that
 * takes part in the call: media goes only to people this page shows. Tracks come and go by
 * renegotiation on the same connection (negotiation.ts): a camera switched on late, a screen
 * shared, a member who stops taking part.
 */
import { Negotiation } from './negotiation.js';
import type { IceFrame, RenegotiateFrame, SdpFrame } from './frames.js';
import { putTrack, trackOf } from './sender-track.js';
import { fitSender, type Viewing } from './video-sizes.js';

export interface PairMediaHost {
  selfId(): string;
  isOver(): boolean;
  /** Whether the member is linked, whether it takes part in the call, and its shared screen's stream id. */
  member(id: string): { media: boolean; screen: string } | null;
  /** Sends a description or a candidate to the member (over its link, or through the server). */
  send(id: string, frame: SdpFrame | IceFrame | RenegotiateFrame): void;
  /** A member's camera and microphone, or shared screen, arrived, changed or went. */
  streamChanged(id: string): void;
  /** The member sent more descriptions or candidates than the pair takes; the rest were dropped. */
  flooded(id: string): void;
}

/** The pair's senders: microphone, camera, shared screen, and the shared tab's sound (in the screen's stream). */
type Slot = 'audio' | 'video' | 'screen' | 'screenAudio';
const SLOTS: Slot[] = ['audio', 'video', 'screen', 'screenAudio'];

interface Pair {
  negotiation: Negotiation;
  /** This page's senders on the pair, one per slot. */
  senders: Map<Slot, RTCRtpSender>;
  /**
   * The member's camera and microphone, and its shared screen. A stream keeps its identity while
   * its tracks stay or go (a device switched with replaceTrack changes nothing here); a track
   * added makes a new stream, since a video element does not take up a video track added to the
   * stream it already plays.
   */
  camera: MediaStream;
  screen: MediaStream;
  /** The id of the stream each received track came in (the sender's camera stream or screen). */
  sources: Map<MediaStreamTrack, string>;
  /** The streams the member's tracks came in, watched for tracks leaving. */
  watched: WeakSet<MediaStream>;
  /** Ids of the streams the member named as screens: their tracks are never its camera. */
  screens: Set<string>;
  /**
   * Senders of the audio and video transceivers the connection came with (its first offer had
   * room for them), and of those added later (a microphone, a camera, a screen): filled and
   * emptied with replaceTrack, never removed, so that they start and stop without a
   * renegotiation and the connection does not grow.
   */
  ready: Set<RTCRtpSender>;
  /** The receiver of the member's microphone track, looked up once per track (audioLevel is read about 10 times a second). */
  heard: { track: MediaStreamTrack; receiver: RTCRtpReceiver | undefined } | null;
}

/** Tracks kept from one member at most: a microphone, a camera, a screen and its sound, with room to spare. */
export const MAX_TRACKS = 8;

export class PairMedia {
  private readonly pairs = new Map<string, Pair>();
  private wanted = false;
  /** False while the page is still getting its camera and microphone (see expect). */
  private ready = true;
  private local: MediaStream | null = null;
  private screen: MediaStream | null = null;
  /** How high each linked member shows this page's camera, in device pixels, and whether it paused it (its hello or `view` frame); none for full size. */
  private readonly shown = new Map<string, Viewing>();

  constructor(private readonly host: PairMediaHost) {}

  /** Whether this page takes part in the call. */
  get wantsMedia(): boolean {
    return this.wanted;
  }

  /** The stream of the screen this page shares, if any. */
  get sharedScreen(): MediaStream | null {
    return this.screen;
  }

  /** The member's camera and microphone, once they arrive (its shared screen is not in it). */
  stream(id: string): MediaStream | null {
    const camera = this.pairs.get(id)?.camera;
    return camera?.getTracks().length ? camera : null;
  }

  /** The member's shared screen, while it shares one. */
  screenOf(id: string): MediaStream | null {
    const screen = this.pairs.get(id)?.screen;
    return screen?.getTracks().length ? screen : null;
  }

  /**
   * How loud the member's microphone is now, 0 to 1 on the scale of AudioLevels (about 4 times
   * the RMS level): from the level every audio packet carries (RFC 6464), which the browser reads
   * anyway, so that measuring costs no audio processing. 0 when nothing arrived in the last
   * second.
   */
  audioLevel(id: string): number {
    const pair = this.pairs.get(id);
    const track = pair?.camera.getAudioTracks()[0];
    if (!pair || !track) return 0;
    if (pair.heard?.track !== track) pair.heard = { track, receiver: pair.negotiation.pc.getReceivers().find((r) => r.track === track) };
    const source = pair.heard.receiver?.getSynchronizationSources?.()[0];
    if (!source) return 0;
    // On the performance timeline (the specification) or, in older browsers, the epoch.
    const age = Math.min(Math.abs(performance.now() - source.timestamp), Math.abs(Date.now() - source.timestamp));
    return age > 1_000 ? 0 : Math.min(1, (source.audioLevel ?? 0) * 4);
  }

  /** The page takes part once its devices answer. */
  expect(): void {
    this.wanted = true;
    this.ready = false;
  }

  /** Takes part with `stream` (null: receive only). */
  enable(stream: MediaStream | null): void {
    this.wanted = this.ready = true;
    this.local = stream;
    for (const id of this.pairs.keys()) this.sync(id);
  }

  /** Stops taking part: this page's tracks leave every pair. */
  disable(): void {
    this.wanted = false;
    this.ready = true;
    this.local = null;
    this.screen = null;
    for (const id of this.pairs.keys()) this.sync(id);
  }

  /**
   * Changes the camera and microphone this page sends: a track of a kind already sent replaces
   * the old one in place (replaceTrack, nothing on the wire); a new kind is added (renegotiation
   * on the same connection).
   */
  setLocalStream(stream: MediaStream | null): void {
    this.local = stream;
    for (const id of this.pairs.keys()) this.sync(id);
  }

  /** Shares a screen (or stops, with null) with every member in the call. */
  setScreen(stream: MediaStream | null): void {
    this.screen = stream;
    for (const id of this.pairs.keys()) this.sync(id);
  }

  /** The member's link is up on `pc` (linked, or its connection replaced): media runs on it. */
  attach(id: string, pc: RTCPeerConnection): void {
    const old = this.pairs.get(id);
    if (old?.negotiation.pc === pc) return this.sync(id);
    if (old) this.drop(id);
    const negotiation = new Negotiation(pc, this.host.selfId() > id, {
      send: (frame) => this.host.send(id, frame),
      track: (e) => this.onTrack(id, e),
      flooded: () => this.host.flooded(id),
    });
    const pair: Pair = { negotiation, senders: new Map(), camera: new MediaStream(), screen: new MediaStream(), sources: new Map(), watched: new WeakSet(), screens: new Set(), ready: new Set(), heard: null };
    this.pairs.set(id, pair);
    this.adoptTransceivers(id, pair);
    this.sync(id);
  }

  /**
   * Takes over the audio and video transceivers the connection was opened with (see
   * ServerLink.connect): their senders become the microphone's and the camera's slots, and
   * what they receive is the member's camera and microphone (its tracks arrived before the
   * hello, while nothing was sent on them).
   */
  private adoptTransceivers(id: string, pair: Pair): void {
    let received = false;
    for (const t of pair.negotiation.pc.getTransceivers()) {
      const kind = t.receiver.track.kind as Slot;
      if (t.mid === null || t.currentDirection === 'stopped' || t.sender.track || (kind !== 'audio' && kind !== 'video') || pair.senders.has(kind)) continue;
      pair.senders.set(kind, t.sender);
      pair.ready.add(t.sender);
      if (t.currentDirection === 'sendrecv' || t.currentDirection === 'recvonly') {
        pair.sources.set(t.receiver.track, '');
        received = this.place(id, pair, t.receiver.track) || received;
      }
    }
    if (received) this.host.streamChanged(id);
  }

  /** The member left. */
  detach(id: string): void {
    this.shown.delete(id);
    this.drop(id);
  }

  /** The member's connection is gone (or replaced). */
  private drop(id: string): void {
    const pair = this.pairs.get(id);
    if (!pair) return;
    this.pairs.delete(id);
    pair.negotiation.close();
    if (pair.sources.size) this.host.streamChanged(id);
  }

  /** A description or candidate from a linked member. */
  receive(id: string, frame: SdpFrame | IceFrame | RenegotiateFrame): void {
    this.pairs.get(id)?.negotiation.receive(frame);
  }

  /** The member shows this page's camera `height` device pixels high (or, `paused`, not at all for now), and this page's screen (or, `screenPaused`, not for now): the camera it gets is scaled to that, or stopped, and the screen stopped. */
  viewedAt(id: string, height: number, paused = false, screenPaused = false): void {
    const was = this.shown.get(id);
    if (!this.host.member(id) || (was?.height === height && !!was.paused === paused && !!was.screenPaused === screenPaused)) return;
    const shown = { height, paused, screenPaused };
    this.shown.set(id, shown);
    const senders = this.pairs.get(id)?.senders;
    const camera = senders?.get('video');
    // Its track may still be on its way (replaceTrack): sized for the camera that goes on.
    if (camera) fitSender(camera, shown, trackOf(camera) ?? this.local?.getVideoTracks()[0]);
    const screen = senders?.get('screen');
    if (screen) fitSender(screen, shown, trackOf(screen) ?? this.screen?.getVideoTracks()[0], true);
  }

  /** Restarts ICE on the member's connection (its path broke). False when there is none. */
  restartIce(id: string): boolean {
    const pair = this.pairs.get(id);
    pair?.negotiation.restartIce();
    return !!pair;
  }

  /** Re-evaluates what this page sends to a member, and which of its tracks are its screen (its state changed). */
  update(id: string): void {
    this.sync(id);
    const pair = this.pairs.get(id);
    if (!pair) return;
    let moved = false;
    for (const track of pair.sources.keys()) moved = this.place(id, pair, track) || moved;
    if (moved) this.host.streamChanged(id);
  }

  /** Closes every pair; this page's own camera, microphone and screen are let go too, unless `keepLocal` (joining again under a fresh id). */
  closeAll(keepLocal = false): void {
    for (const id of [...this.pairs.keys()]) this.detach(id);
    this.shown.clear();
    if (!keepLocal) this.local = this.screen = null;
  }

  /**
   * Makes the pair's senders match what this page should send the member now: one sender per
   * slot (microphone, camera, screen). A new track in a slot that has a sender replaces the old
   * one in place (replaceTrack: no renegotiation); a slot filled or emptied adds or removes a
   * track (renegotiation on the same connection).
   */
  private sync(id: string): void {
    const pair = this.pairs.get(id);
    if (!pair || this.host.isOver()) return;
    const pc = pair.negotiation.pc;
    if (pc.connectionState === 'closed') return;
    const sending = this.wanted && this.ready && !!this.host.member(id)?.media;
    const wanted: Record<Slot, [MediaStreamTrack, MediaStream] | null> = {
      audio: sending && this.local?.getAudioTracks()[0] ? [this.local.getAudioTracks()[0], this.local] : null,
      video: sending && this.local?.getVideoTracks()[0] ? [this.local.getVideoTracks()[0], this.local] : null,
      screen: sending && this.screen?.getVideoTracks()[0] ? [this.screen.getVideoTracks()[0], this.screen] : null,
      screenAudio: sending && this.screen?.getAudioTracks()[0] ? [this.screen.getAudioTracks()[0], this.screen] : null,
    };
    try {
      for (const slot of SLOTS) {
        const sender = pair.senders.get(slot);
        const want = wanted[slot];
        // The camera is sized for the member before it goes on, so that it starts at that size.
        if (slot === 'video' && sender && want) fitSender(sender, this.shown.get(id), want[0]);
        if (slot === 'screen' && sender && want) fitSender(sender, this.shown.get(id), want[0], true);
        if (sender && pair.ready.has(sender)) {
          this.fill(pc, sender, want?.[0] ?? null, slot === 'screen' || slot === 'screenAudio');
        } else if (sender && want) {
          void putTrack(sender, want[0]);
        } else if (sender) {
          pair.senders.delete(slot);
          pc.removeTrack(sender);
        } else if (want) {
          const added = pc.addTrack(want[0], want[1]);
          pair.senders.set(slot, added);
          // A sender, once made, is only filled and emptied, as the first offer's are: addTrack
          // never takes up again a transceiver that has sent, so one removed at every leave or
          // every end of a shared screen would leave one more m-line behind for good.
          pair.ready.add(added);
          if (slot === 'video') fitSender(added, this.shown.get(id));
          if (slot === 'screen') fitSender(added, this.shown.get(id), want[0], true);
        }
      }
    } catch {
      // The connection closed under us; its link's end takes the pair away.
    }
  }

  /**
   * Puts a track (or none) on one of the pair's kept senders. A transceiver not open for sending
   * (the other side did not take part in the call when it was offered, or a screen that stopped)
   * is opened now, which takes a renegotiation. A screen that stops also stops sending by
   * direction (a renegotiation too), so that a receiver that waits for the track to be taken
   * off, as older versions do, lets it go.
   */
  private fill(pc: RTCPeerConnection, sender: RTCRtpSender, track: MediaStreamTrack | null, screen = false): void {
    const t = pc.getTransceivers().find((x) => x.sender === sender);
    if (track && t && t.direction !== 'sendrecv' && t.direction !== 'sendonly') t.direction = 'sendrecv';
    if (!track && screen && t && (t.direction === 'sendrecv' || t.direction === 'sendonly')) t.direction = t.direction === 'sendrecv' ? 'recvonly' : 'inactive';
    void putTrack(sender, track);
  }

  private onTrack(id: string, e: RTCTrackEvent): void {
    const pair = this.pairs.get(id);
    const track = e.track;
    if (!pair) return;
    if (!pair.sources.has(track) && pair.sources.size >= MAX_TRACKS) {
      // Not kept, so not received either (it would be decoded for nothing), unless this page sends on it.
      try {
        if (![...pair.senders.values()].includes(e.transceiver.sender)) e.transceiver.direction = 'inactive';
      } catch {
        // Stopped already.
      }
      return;
    }
    const from = e.streams[0];
    pair.sources.set(track, from?.id ?? '');
    // The sender took the track off or stopped sending it: it leaves the stream it came in. (A
    // track comes back in the same stream, a screen shared again: one listener per stream.)
    if (from && !pair.watched.has(from)) {
      pair.watched.add(from);
      from.addEventListener('removetrack', ({ track: gone }) => {
        if (!pair.sources.delete(gone)) return;
        pair.camera.removeTrack(gone);
        pair.screen.removeTrack(gone);
        this.host.streamChanged(id);
      });
    }
    this.place(id, pair, track);
    this.host.streamChanged(id);
  }

  /**
   * Puts a received track in the member's camera stream or its screen; true if it moved. A
   * stream once named as a screen stays one; its track leaves the screen when the member's
   * `state` says sharing stopped (or when an older sender removes it).
   */
  private place(id: string, pair: Pair, track: MediaStreamTrack): boolean {
    const screenId = this.host.member(id)?.screen;
    if (screenId && pair.screens.size < 4) pair.screens.add(screenId);
    const isScreen = pair.screens.has(pair.sources.get(track) ?? '');
    // A screen the member no longer shares: its sender stays, emptied, and its track shows
    // nowhere until the member shares again (on the same sender, so in the same stream).
    if (isScreen && !screenId) {
      const shown = pair.screen.getTracks().includes(track);
      pair.screen.removeTrack(track);
      return shown;
    }
    const [to, from] = isScreen ? [pair.screen, pair.camera] : [pair.camera, pair.screen];
    if (to.getTracks().includes(track)) return false;
    from.removeTrack(track);
    const grown = new MediaStream([...to.getTracks(), track]);
    if (isScreen) pair.screen = grown;
    else pair.camera = grown;
    return true;
  }
}
