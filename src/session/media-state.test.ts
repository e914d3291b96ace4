import { expect } from '@open-wc/testing';
import { MediaState } from './media-state.js';
import type { StateFrame } from './frames.js';

/** What the browser does when the system or another program pauses a device, or resumes it. */
function pause(track: MediaStreamTrack, muted: boolean): void {
  Object.defineProperty(track, 'muted', { configurable: true, get: () => muted });
}

describe('media state', () => {
  it('says a camera or microphone is on only while it is live, switched on and not paused by the system', () => {
    const sent: StateFrame[] = [];
    const state = new MediaState({ wantsMedia: () => true, sharedScreen: () => null, broadcast: (frame) => sent.push(frame) }, 'Ada');
    const canvas = document.createElement('canvas');
    canvas.getContext('2d');
    const [camera] = canvas.captureStream().getVideoTracks();
    const audio = new AudioContext();
    const [mic] = audio.createMediaStreamDestination().stream.getAudioTracks();
    const said = () => ({ mic: sent.at(-1)!.mic, cam: sent.at(-1)!.cam });
    try {
      state.adopt(new MediaStream([camera, mic]));
      expect(said(), 'both on').to.deep.equal({ mic: true, cam: true });
      pause(camera, true);
      state.adopt(new MediaStream([camera, mic]));
      expect(said(), 'the camera paused').to.deep.equal({ mic: true, cam: false });
      pause(camera, false);
      mic.enabled = false;
      state.adopt(new MediaStream([camera, mic]));
      expect(said(), 'the microphone switched off').to.deep.equal({ mic: false, cam: true });
      expect(state.hello(false, [], undefined), 'the hello says the same, and that it takes reactions').to.include({ mic: false, cam: true, react: true });
      camera.stop();
      state.adopt(new MediaStream([camera, mic]));
      expect(said(), 'the camera ended').to.deep.equal({ mic: false, cam: false });
      // A raised hand goes out at once, is in the hello, and is what a member linked meanwhile missed.
      const hello = state.hello(false, [], undefined);
      state.set({ hand: true });
      expect(sent.at(-1)!.hand, 'the state raises it').to.equal(true);
      expect(state.hello(false, [], undefined).hand, 'the hello raises it').to.equal(true);
      expect(state.since(hello)?.hand, 'missed by a member that got the hello before').to.equal(true);
      expect(state.since(state.hello(false, [], undefined)), 'nothing missed since').to.equal(null);
      state.set({ hand: false });
      expect(sent.at(-1)!.hand, 'lowered, it is left out').to.equal(undefined);
      state.set({ hand: true });
      state.off();
      expect(sent.at(-1)!.hand, 'out of the call, lowered').to.equal(undefined);
    } finally {
      camera.stop();
      mic.stop();
      void audio.close();
    }
  });

  it('says how long the hand has been up, from when it went up: raised again, afresh', async () => {
    const sent: StateFrame[] = [];
    const state = new MediaState({ wantsMedia: () => true, sharedScreen: () => null, broadcast: (frame) => sent.push(frame) }, 'Ada');
    state.set({ hand: true });
    expect(sent.at(-1)!.handFor).to.be.within(0, 20);
    const raised = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 60)); // time for the hand to be up a while
    const waited = Date.now() - raised;
    expect(state.hello(false, [], undefined).handFor).to.be.at.least(waited);
    state.set({ mic: true });
    expect(sent.at(-1)!.handFor, 'up still').to.be.at.least(waited);
    state.set({ hand: true });
    expect(sent.at(-1)!.handFor, 'raised while up: as it was').to.be.at.least(waited);
    state.set({ hand: false });
    expect(sent.at(-1)!.handFor).to.equal(undefined);
    state.set({ hand: true });
    expect(sent.at(-1)!.handFor, 'up again').to.be.within(0, 20);
  });
});
