import { expect } from '@open-wc/testing';
import { createClock } from './clock.js';

/** A clock over two hand-moved sources. */
function clockOver() {
  const t = { wall: 1_000_000, monotonic: 50 };
  return { t, clock: createClock(() => t.wall, () => t.monotonic) };
}

describe('The session clock', () => {
  it('is the wall clock while nobody sets it back', () => {
    const { t, clock } = clockOver();
    expect(clock()).to.equal(1_000_000);
    t.wall += 250;
    t.monotonic += 250;
    expect(clock()).to.equal(1_000_250);
  });

  it('counts a sleep, which the wall clock counts and the monotonic one does not', () => {
    const { t, clock } = clockOver();
    clock();
    t.wall += 600_000;
    t.monotonic += 5;
    expect(clock()).to.equal(1_600_000);
  });

  it('runs on by the monotonic clock when the wall clock is set back an hour, and from there on as the wall clock does', () => {
    const { t, clock } = clockOver();
    clock();
    t.wall -= 3_600_000;
    t.monotonic += 100;
    expect(clock()).to.equal(1_000_100);
    t.wall += 20_000;
    t.monotonic += 20_000;
    expect(clock()).to.equal(1_020_100);
  });

  it('takes the two clocks drifting a little apart for no step', () => {
    const { t, clock } = clockOver();
    clock();
    t.wall += 9_500;
    t.monotonic += 10_000;
    expect(clock()).to.equal(1_009_500);
  });
});
