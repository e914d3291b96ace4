/**
 * Tells whether a video element is really showing moving pictures: a remote camera that was
 * switched off, unplugged or frozen must give way to a placeholder, not a black or still frame.
 * Each check reads the element's count of frames received (`getVideoPlaybackQuality()`); a
 * video whose count has not moved for `stallAfter` ms counts as stalled. Reading a counter when
 * checking costs nothing between checks, where a `requestVideoFrameCallback` per frame made the
 * page run a rendering step for every frame of every video.
 *
 * Firefox (checked in 153 ESR) leaves `totalVideoFrames` at 0 for a video that plays a
 * MediaStream. Where the count stays at 0 once a frame has shown, frames are counted with
 * `requestVideoFrameCallback` instead, for that video alone.
 */
export class VideoWatch {
  private readonly seen = new WeakMap<HTMLVideoElement, { source: unknown; frames: number; at: number }>();
  /** Frames presented, counted by callback, for videos whose standard count does not move. */
  private readonly presented = new WeakMap<HTMLVideoElement, { frames: number }>();

  constructor(private readonly stallAfter: number) {}

  /** True when the video shows frames that keep coming. Call it every few hundred ms. */
  isLive(video: HTMLVideoElement, now = performance.now()): boolean {
    const source = video.srcObject;
    const frames = video.getVideoPlaybackQuality().totalVideoFrames || (video.videoWidth > 0 ? this.countFrames(video) : 0);
    const last = this.seen.get(video);
    // A new stream starts counting afresh: it gets its own `stallAfter` to show a first frame.
    if (!last || last.source !== source || last.frames !== frames) this.seen.set(video, { source, frames, at: now });
    const track = (source as MediaStream | null)?.getVideoTracks()[0];
    // Not `track.muted`: Chromium leaves a track that arrived by renegotiation muted while its
    // frames flow. The frame count says whether pictures come.
    if (!track || track.readyState !== 'live') return false;
    return now - this.seen.get(video)!.at < this.stallAfter && video.videoWidth > 0;
  }

  private countFrames(video: HTMLVideoElement): number {
    let count = this.presented.get(video);
    if (!count) {
      const counter = (count = { frames: 0 });
      this.presented.set(video, counter);
      const onFrame = () => {
        counter.frames++;
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    }
    return count.frames;
  }
}

/** Whether a stream has a video track that still runs (not ended, not unplugged). */
export function hasLiveVideo(stream: MediaStream | null): boolean {
  return !!stream?.getVideoTracks().some((t) => t.readyState === 'live');
}
