/**
 * How loud audio tracks are, from a Web Audio AnalyserNode each, read when asked: the lobby's
 * microphone meter and, in the call, this page's own microphone (the others' levels come with
 * their packets, see RoomSession.audioLevel) sample a few times a second, which costs nothing
 * between samples (no audio callback on the main thread, no animation loop).
 */

/** At most this many tracks are measured at once: one analyser each, whatever a room holds. */
export const MAX_TRACKS = 16;

/**
 * The audio context's rate. Speech is below 4 kHz, so its loudness measures the same at 8 kHz,
 * and the context runs a sixth as often as at the usual 48 kHz: with three in a call, the whole
 * browser used 110–126 % of a core instead of 135–141 % (Chromium 156, 2 cores, docs/benchmarks.md).
 */
const SAMPLE_RATE = 8_000;
/** Whether this page's browser measures at its own rate instead (see AudioLevels.sourceOf). */
let ownRate = false;

interface Probe {
  track: MediaStreamTrack;
  source: MediaStreamAudioSourceNode;
  analyser: AnalyserNode;
  buffer: Float32Array<ArrayBuffer>;
}

export class AudioLevels {
  private context: AudioContext | null = null;
  private readonly probes = new Map<string, Probe>();

  /** Measures `track` under `id` (null stops measuring it). A track already measured is kept. */
  set(id: string, track: MediaStreamTrack | null | undefined): void {
    const probe = this.probes.get(id);
    if (probe?.track === track) return;
    if (probe) this.remove(id);
    if (!track || track.readyState !== 'live' || this.probes.size >= MAX_TRACKS) return;
    const AC = globalThis.AudioContext;
    if (!AC) return;
    try {
      const source = this.sourceOf(AC, track);
      const analyser = source.context.createAnalyser();
      analyser.fftSize = 512;
      source.connect(analyser);
      this.probes.set(id, { track, source, analyser, buffer: new Float32Array(analyser.fftSize) });
    } catch {
      // A browser without Web Audio for media streams: no level, nothing else lost.
    }
  }

  /**
   * A source node for `track` in this object's context, made at 8 kHz. Firefox refuses to
   * connect a track to a context of another rate than the track's (NotSupportedError); there,
   * and from then on on this page, the context takes the browser's own rate.
   */
  private sourceOf(AC: typeof AudioContext, track: MediaStreamTrack): MediaStreamAudioSourceNode {
    const context = (this.context ??= new AC(ownRate ? {} : { sampleRate: SAMPLE_RATE }));
    // Created without a click (autojoin), a context starts suspended; a later click resumes it.
    if (context.state === 'suspended') void context.resume().catch(() => {});
    try {
      return context.createMediaStreamSource(new MediaStream([track]));
    } catch (error) {
      if (ownRate || this.probes.size) throw error;
      ownRate = true;
      void context.close().catch(() => {});
      this.context = null;
      return this.sourceOf(AC, track);
    }
  }

  /** Stops measuring `id`. */
  remove(id: string): void {
    const probe = this.probes.get(id);
    if (!probe) return;
    probe.source.disconnect();
    this.probes.delete(id);
  }

  /**
   * The loudness of `id` now, from 0 (silence) to 1: the RMS of the last 512 samples, scaled so
   * that ordinary speech reaches about the middle.
   */
  level(id: string): number {
    const probe = this.probes.get(id);
    if (!probe || probe.track.readyState !== 'live') return 0;
    probe.analyser.getFloatTimeDomainData(probe.buffer);
    let sum = 0;
    for (const v of probe.buffer) sum += v * v;
    return Math.min(1, Math.sqrt(sum / probe.buffer.length) * 4);
  }

  /** Stops measuring everything and closes the audio context. */
  close(): void {
    for (const id of [...this.probes.keys()]) this.remove(id);
    void this.context?.close().catch(() => {});
    this.context = null;
  }
}
