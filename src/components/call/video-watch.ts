/**
 * Tells whether a video element is really showing moving pictures: a remote camera that was
 * switched off, unplugged or frozen must give way to a placeholder, not a black or still frame.
 * Frames are counted with requestVideoFrameCallback; a video with no new frame for `stallAfter`
 * ms counts as stalled.
 */
export class VideoWatch {
  private readonly lastFrame = new WeakMap<HTMLVideoElement, number>();
  private readonly watched = new Set<HTMLVideoElement>();

  constructor(private readonly stallAfter: number) {}

  /** Starts counting frames of a video element (again after its stream changed). */
  watch(video: HTMLVideoElement): void {
    if (this.watched.has(video)) return;
    this.watched.add(video);
    this.lastFrame.set(video, performance.now());
    const onFrame = () => {
      if (!this.watched.has(video)) return;
      this.lastFrame.set(video, performance.now());
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }

  /** Stops watching videos no longer in the page. */
  prune(keep: Iterable<HTMLVideoElement>): void {
    const alive = new Set(keep);
    for (const video of this.watched) if (!alive.has(video)) this.watched.delete(video);
  }

  /** True when the video shows frames that keep coming. */
  isLive(video: HTMLVideoElement): boolean {
    const stream = video.srcObject as MediaStream | null;
    const track = stream?.getVideoTracks()[0];
    if (!track || track.readyState !== 'live' || track.muted) return false;
    return performance.now() - (this.lastFrame.get(video) ?? 0) < this.stallAfter && video.videoWidth > 0;
  }

  clear(): void {
    this.watched.clear();
  }
}
