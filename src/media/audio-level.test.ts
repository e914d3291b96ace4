import { expect } from '@open-wc/testing';
import { until } from '../../test/helpers.js';
import { AudioLevels } from './audio-level.js';

describe('microphone levels', () => {
  it('are measured in a browser that refuses to connect a track to a context of another rate', async () => {
    const Real = globalThis.AudioContext;
    // A tone as the microphone: a track at the browser's own rate.
    const tone = new Real();
    const rate = tone.sampleRate;
    const oscillator = tone.createOscillator();
    const destination = tone.createMediaStreamDestination();
    oscillator.connect(destination);
    oscillator.start();
    const made: number[] = [];
    // As Firefox does: NotSupportedError for a context whose rate is not the track's.
    class Picky extends Real {
      constructor(options?: AudioContextOptions) {
        super(options);
        made.push(this.sampleRate);
      }
      override createMediaStreamSource(stream: MediaStream): MediaStreamAudioSourceNode {
        if (this.sampleRate !== rate) throw new DOMException('Connecting AudioNodes from AudioContexts with different sample-rate is currently not supported.', 'NotSupportedError');
        return super.createMediaStreamSource(stream);
      }
    }
    globalThis.AudioContext = Picky;
    const levels = new AudioLevels();
    try {
      levels.set('mic', destination.stream.getAudioTracks()[0]);
      await until(() => levels.level('mic') > 0.1, 'the tone is not heard', 5_000);
      expect(made).to.deep.equal([8_000, rate]);
    } finally {
      globalThis.AudioContext = Real;
      levels.close();
      oscillator.stop();
      void tone.close();
    }
  });
});
