import { expect } from '@open-wc/testing';
import { putTrack, trackOf } from './sender-track.js';

/** A live video track of its own. */
function videoTrack(): MediaStreamTrack {
  const canvas = document.createElement('canvas');
  canvas.getContext('2d');
  return canvas.captureStream().getVideoTracks()[0];
}

describe("a sender's track", () => {
  it('goes back to the one put last, even when put back before the switch away is done', async () => {
    const pc = new RTCPeerConnection();
    const [first, second] = [videoTrack(), videoTrack()];
    try {
      const sender = pc.addTrack(first, new MediaStream([first]));
      // Switched away and back at once: the sender's own track is still the first meanwhile.
      const away = putTrack(sender, second);
      expect(sender.track, 'before replaceTrack is done').to.equal(first);
      const back = putTrack(sender, first);
      expect(trackOf(sender)).to.equal(first);
      await Promise.all([away, back]);
      expect(sender.track).to.equal(first);
      // Nothing to do for the track it sends; none takes it off.
      await putTrack(sender, first);
      await putTrack(sender, null);
      expect([sender.track, trackOf(sender)]).to.deep.equal([null, null]);
    } finally {
      pc.close();
      first.stop();
      second.stop();
    }
  });
});
