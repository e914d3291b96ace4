import { expect } from '@open-wc/testing';
import { RateLimiter, messageReserve } from './rate-limit.js';

describe('RateLimiter', () => {
  it('lets a burst through, then refills at the configured rate, per key', () => {
    const limiter = new RateLimiter(3, 10_000);
    const at = (t: number, key = 'a') => limiter.allow(key, t);
    expect([at(0), at(0), at(0), at(0)]).to.deep.equal([true, true, true, false]);
    expect(at(0, 'b')).to.equal(true);
    expect(at(3_000)).to.equal(false);
    expect(at(3_400)).to.equal(true);
    expect(at(100_000) && at(100_000) && at(100_000)).to.equal(true);
    expect(at(100_000)).to.equal(false);
  });

  it('keeps tokens for other uses, and says how long until one can be taken', () => {
    const limiter = new RateLimiter(20, 10_000);
    const taken = Array.from({ length: 16 }, () => limiter.take('a', 5, 0));
    expect(taken.slice(0, 15)).to.deep.equal(Array<number>(15).fill(0));
    expect(taken[15], 'a sixth token is due in 0.5 s').to.equal(500);
    // What was kept goes to plain use.
    expect([0, 0, 0, 0, 0, 0].map(() => limiter.allow('a', 0))).to.deep.equal([true, true, true, true, true, false]);
    expect(limiter.take('a', 5, 0)).to.equal(3_000);
    expect(limiter.take('a', 5, 2_990)).to.equal(10);
    expect(limiter.take('a', 5, 3_000)).to.equal(0);
    // No more than the bucket less one can be kept.
    const one = new RateLimiter(1, 10_000);
    expect([one.take('b', 5, 0), one.take('b', 5, 0)]).to.deep.equal([0, 10_000]);
  });
});

describe('pacing of file offers', () => {
  it('leaves a quarter of the rate to messages, none at a rate of 1', () => {
    expect([1, 2, 3, 4, 5, 20, 1_000].map(messageReserve)).to.deep.equal([0, 1, 1, 1, 2, 5, 250]);
  });

  /**
   * A sender that offers many files as soon as its bucket spares a token, and writes a few
   * messages meanwhile; each arrives up to `jitter` ms late (a slow path, file data ahead).
   * Returns what the receiver's bucket refused.
   */
  function simulate(rate: number, files: number, messagesAt: number[], jitter: number, seed = 7): string[] {
    const sender = new RateLimiter(rate);
    const receiver = new RateLimiter(rate);
    let x = seed;
    const late = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * jitter;
    const sent: [number, string][] = [];
    let now = 0;
    let left = files;
    const messages = [...messagesAt];
    while (left || messages.length) {
      const wait = left ? sender.take('me', messageReserve(rate), now) : Infinity;
      if (messages.length && messages[0] <= now + (wait || 0)) {
        now = Math.max(now, messages[0]);
        messages.shift();
        // The visitor writes no faster than the rate: a message refused here is not sent.
        if (sender.allow('me', now)) sent.push([now + late(), 'message']);
      } else if (wait) now += wait;
      else {
        left--;
        sent.push([now + late(), 'offer']);
      }
    }
    sent.sort((a, b) => a[0] - b[0]);
    return sent.filter(([at]) => !receiver.allow('me', at)).map(([at, what]) => `${what} at ${Math.round(at)} ms`);
  }

  it('sends a receiver no more than its rate: a hundred files and messages meanwhile, arriving up to 1 s apart from when they left', () => {
    expect(simulate(20, 100, [], 0), 'on time').to.deep.equal([]);
    expect(simulate(20, 100, [], 1_000), 'late').to.deep.equal([]);
    expect(simulate(20, 100, [0, 100, 200, 5_000, 20_000, 20_500, 30_000], 1_000), 'with messages').to.deep.equal([]);
    expect(simulate(5, 20, [3_000, 30_000], 1_000), 'at a rate of 5').to.deep.equal([]);
  });
});
