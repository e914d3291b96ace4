import { expect } from '@open-wc/testing';
import { LoadError, lazy, type After } from './lazy.js';

/** Timers moved by hand: `run(i)` runs the i-th timer set, unless it was cancelled. */
function handTimers() {
  const timers: { fire: () => void; cancelled: boolean }[] = [];
  const after: After = (_ms, fire) => {
    const timer = { fire, cancelled: false };
    timers.push(timer);
    return () => (timer.cancelled = true);
  };
  const run = (i: number) => !timers[i].cancelled && timers[i].fire();
  return { after, run, timers };
}

/** A load the test ends by hand, counting how often it was started. */
function handLoad() {
  const calls: { resolve: (v: string) => void; reject: (e: unknown) => void }[] = [];
  const load = () => new Promise<string>((resolve, reject) => calls.push({ resolve, reject }));
  return { load, calls };
}

describe('lazy chunks', () => {
  it('gives each ask its own time: asked again while an earlier ask waits, it does not fail when the earlier one runs out', async () => {
    const { after, run } = handTimers();
    const { load, calls } = handLoad();
    const chunk = lazy(load, after);
    const first = chunk().catch((e: unknown) => e);
    // Try again, a moment before the first ask's time runs out (another chunk of the element ran out first).
    const again = chunk();
    run(0);
    expect(await first).to.be.instanceOf(LoadError);
    calls[0].resolve('the chunk');
    expect(await again).to.equal('the chunk');
    expect(calls, 'one load shared by both asks').to.have.length(1);
  });

  it('shares a load that ran out of time with the next ask, and forgets one that failed', async () => {
    const { after, run } = handTimers();
    const { load, calls } = handLoad();
    const chunk = lazy(load, after);
    const first = chunk().catch((e: unknown) => e);
    run(0);
    const timedOut = await first;
    expect(timedOut).to.be.instanceOf(LoadError);
    expect((timedOut as LoadError).retryAfter).to.equal(5_000);
    // The fetch went on: the next ask waits for it, and gets it when it comes.
    const second = chunk();
    calls[0].reject(new TypeError('Failed to fetch'));
    const failed = await second.catch((e: unknown) => e);
    expect(failed, 'a load that failed is an error').to.be.instanceOf(LoadError);
    expect((failed as LoadError).retryAfter, 'the second failure in a row waits twice as long').to.equal(10_000);
    // Failed, it is asked for anew.
    const third = chunk();
    expect(calls, 'a failed load is started again').to.have.length(2);
    calls[1].resolve('the chunk');
    expect(await third).to.equal('the chunk');
    expect(await chunk(), 'kept once loaded').to.equal('the chunk');
    expect(calls).to.have.length(2);
  });
});
