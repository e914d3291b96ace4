import { expect } from '@open-wc/testing';
import { until } from '../../test/helpers.js';
import { Paced } from './paced.js';

/** A Paced that records what it applies, and when. */
function paced(every: number) {
  const applied: { key: string; value: number; at: number }[] = [];
  const pace = new Paced<number>(every, (key, value) => applied.push({ key, value, at: performance.now() }));
  return { pace, applied, values: (key: string) => applied.filter((a) => a.key === key).map((a) => a.value) };
}

describe('Paced', () => {
  it('applies the first value at once and, of those that come sooner than its turn, only the latest at the next turn', async () => {
    const { pace, applied, values } = paced(40);
    for (let i = 1; i <= 1_000; i++) pace.offer('mallory', i);
    pace.offer('bob', 1);
    expect(values('mallory'), 'at once').to.deep.equal([1]);
    expect(values('bob'), 'another key is not held up').to.deep.equal([1]);
    await until(() => values('mallory').length === 2, 'the latest value is not applied');
    expect(values('mallory')).to.deep.equal([1, 1_000]);
    expect(applied[2].at - applied[0].at, 'ms between the two').to.be.at.least(35);
    // Its turn passes with nothing waiting: nothing is held for it, and the next value goes at once.
    await until(() => pace.size === 0, () => `${pace.size} keys held`);
    pace.offer('mallory', 1_001);
    expect(values('mallory')).to.deep.equal([1, 1_000, 1_001]);
    pace.clear();
  });

  it('however fast the values come, applies at most one per turn', async () => {
    const { pace, values } = paced(20);
    const start = performance.now();
    let i = 0;
    while (performance.now() - start < 300) {
      pace.offer('mallory', ++i);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const elapsed = performance.now() - start;
    await until(() => values('mallory').at(-1) === i, 'the last value is not applied');
    expect(values('mallory').length, `${i} offered in ${elapsed | 0} ms`).to.be.at.most(Math.ceil(elapsed / 20) + 2);
    pace.clear();
  });

  it('drops what waits for a key that is forgotten, or for every key when cleared', async () => {
    const { pace, values } = paced(20);
    pace.offer('gone', 1);
    pace.offer('gone', 2);
    pace.offer('other', 1);
    pace.offer('other', 2);
    pace.forget('gone');
    expect(pace.size).to.equal(1);
    pace.clear();
    expect(pace.size).to.equal(0);
    // A turn set after theirs has come: theirs would have come before it.
    pace.offer('later', 1);
    pace.offer('later', 2);
    await until(() => values('later').length === 2, 'the later key is not applied');
    expect(values('gone')).to.deep.equal([1]);
    expect(values('other')).to.deep.equal([1]);
    pace.clear();
  });
});
