/**
 * Tells whether a video element is really showing moving pictures: a remote camera that was
 * switched off, unplugged or frozen must give way to a placeholder, not a black or still frame.
 * Each check reads the element's count of frames received (`getVideoPlaybackQuality()`); a
 * video that showed fewer than MIN_FRAMES new frames in the last `stallAfter` ms counts as
 * stalled. Not "none": Firefox goes on sending a stopped camera's last picture once a second,
 * which would pass for moving pictures. Reading a counter when checking costs nothing between
 * checks, where a `requestVideoFrameCallback` per frame made the page run a rendering step for
 * every frame of every video.
 *
 * Firefox (checked in 153 ESR) leaves `totalVideoFrames` at 0 for a video that plays a
 * MediaStream. Where the count stays at 0 once a frame has shown, frames are counted with
 * `requestVideoFrameCallback` instead, for that video alone.
 */
/** Fewer new frames than this in `stallAfter` (2 a second over 1.5 s) is a still picture. */
const MIN_FRAMES = 3;

export class VideoWatch {
  /** Per video: its stream, since when, and the counts at the checks of the last `stallAfter` ms (and one before). */
  private readonly seen = new WeakMap<HTMLVideoElement, { source: unknown; since: number; counts: { at: number; frames: number }[] }>();
  /** Frames presented, counted by callback, for videos whose standard count does not move. */
  private readonly presented = new WeakMap<HTMLVideoElement, { frames: number }>();

  constructor(private readonly stallAfter: number) {}

  /** True when the video shows frames that keep coming. Call it every few hundred ms. */
  isLive(video: HTMLVideoElement, now = performance.now()): boolean {
    const source = video.srcObject;
    const frames = video.getVideoPlaybackQuality().totalVideoFrames || (video.videoWidth > 0 ? this.countFrames(video) : 0);
    let seen = this.seen.get(video);
    // A new stream starts counting afresh: it gets its own `stallAfter` to show its first frames.
    if (!seen || seen.source !== source) this.seen.set(video, (seen = { source, since: now, counts: [] }));
    const counts = seen.counts;
    counts.push({ at: now, frames });
    // The window starts at the newest check at least `stallAfter` ago.
    while (counts.length > 1 && now - counts[1].at >= this.stallAfter) counts.shift();
    const track = (source as MediaStream | null)?.getVideoTracks()[0];
    // Not `track.muted`: Chromium leaves a track that arrived by renegotiation muted while its
    // frames flow. The frame count says whether pictures come.
    if (!track || track.readyState !== 'live' || video.videoWidth === 0) return false;
    return now - seen.since < this.stallAfter || frames - counts[0].frames >= MIN_FRAMES;
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
