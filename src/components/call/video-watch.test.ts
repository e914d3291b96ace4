import { expect } from '@open-wc/testing';
import { VideoWatch } from './video-watch.js';

/** A video element as VideoWatch reads it: a live stream, a size, and a count of frames shown. */
function fakeVideo() {
  const canvas = document.createElement('canvas');
  canvas.getContext('2d');
  const stream = canvas.captureStream();
  const video = { srcObject: stream, videoWidth: 640, frames: 0, getVideoPlaybackQuality: () => ({ totalVideoFrames: video.frames }), requestVideoFrameCallback: () => 0 };
  return { video, asElement: video as unknown as HTMLVideoElement, stop: () => stream.getTracks().forEach((t) => t.stop()) };
}

describe('VideoWatch', () => {
  /** Checks every 250 ms for `seconds`, `fps` frames a second arriving; whether it was live at the end. */
  function watch(fps: number, seconds: number): boolean {
    const watcher = new VideoWatch(1_500);
    const { video, asElement, stop } = fakeVideo();
    let live = false;
    for (let at = 0; at <= seconds * 1000; at += 250) {
      video.frames = Math.floor((at / 1000) * fps);
      live = watcher.isLive(asElement, at);
    }
    stop();
    return live;
  }

  it('takes a camera sending pictures for live', () => {
    expect(watch(30, 5)).to.equal(true);
    expect(watch(5, 5), 'a slow camera').to.equal(true);
  });

  it('takes a picture that stopped for stalled, and one sent again once a second (a stopped camera in Firefox) too', () => {
    expect(watch(0, 5)).to.equal(false);
    expect(watch(1, 5)).to.equal(false);
  });

  it('gives a new stream time to show its first frames', () => {
    expect(watch(0, 1)).to.equal(true);
  });
});
