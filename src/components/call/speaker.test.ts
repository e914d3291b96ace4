import { expect } from '@open-wc/testing';
import { NO_SPEAKER, nextSpeaker, type SpeakerState } from './speaker.js';

/** Runs the picker over samples of levels (one object per sample) and returns the speaker after each. */
function run(samples: Record<string, number>[], state: SpeakerState = NO_SPEAKER): (string | null)[] {
  return samples.map((levels) => (state = nextSpeaker(state, new Map(Object.entries(levels)))).speaker);
}

describe('active speaker', () => {
  it('picks the loudest above the threshold once they have been loudest three times in a row', () => {
    expect(run([{ a: 0.3, b: 0.1 }, { a: 0.3, b: 0.1 }, { a: 0.3, b: 0.1 }])).to.deep.equal([null, null, 'a']);
  });

  it('ignores everyone below the threshold', () => {
    expect(run([{ a: 0.01, b: 0.02 }, { a: 0.01, b: 0.02 }, { a: 0.01, b: 0.02 }])).to.deep.equal([null, null, null]);
  });

  it('does not move for a single loud sample from someone else (a cough)', () => {
    const speakers = run([{ a: 0.3 }, { a: 0.3 }, { a: 0.3 }, { a: 0.3, b: 0.6 }, { a: 0.3, b: 0 }]);
    expect(speakers).to.deep.equal([null, null, 'a', 'a', 'a']);
  });

  it('moves to someone louder for three samples, and keeps the speaker through a short pause', () => {
    const a = { a: 0.3 };
    const ab = { a: 0.3, b: 0.6 };
    const quiet = { a: 0, b: 0 };
    const speakers = run([a, a, a, ab, ab, ab, quiet, quiet, quiet]);
    expect(speakers).to.deep.equal([null, null, 'a', 'a', 'a', 'b', 'b', 'b', 'b']);
  });

  it('lets the highlight go after a longer silence, or when the speaker leaves', () => {
    const quiet = Array.from({ length: 10 }, () => ({ a: 0 }));
    expect(run([{ a: 0.3 }, { a: 0.3 }, { a: 0.3 }, ...quiet]).at(-1)).to.equal(null);
    expect(run([{ a: 0.3 }, { a: 0.3 }, { a: 0.3 }, { b: 0 }]).at(-1)).to.equal(null);
  });
});
