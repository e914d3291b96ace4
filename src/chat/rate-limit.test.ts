import { expect } from '@open-wc/testing';
import { RateLimiter } from './rate-limit.js';

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
});
