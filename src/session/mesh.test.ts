import { expect } from '@open-wc/testing';
import { DialBudget, admits, backoff, shouldDial, takeoverDelay } from './mesh.js';
import { newMemberId } from './ids.js';

describe('mesh decisions', () => {
  it('lets exactly one member of every pair dial', () => {
    const ids = Array.from({ length: 20 }, (_, i) => newMemberId(1_700_000_000_000 + (i % 5)));
    for (const a of ids) {
      for (const b of ids) {
        if (a === b) continue;
        expect(shouldDial(a, b) !== shouldDial(b, a), `${a} / ${b}`).to.equal(true);
      }
    }
  });

  it('has the newcomer dial the members already there (ids sort by join time)', () => {
    const early = newMemberId(1_700_000_000_000);
    const late = newMemberId(1_700_000_000_001);
    expect(shouldDial(late, early)).to.equal(true);
    expect(shouldDial(early, late)).to.equal(false);
  });

  it('counts admitted newcomers towards the limit, so two knocking at once cannot both take the last place', () => {
    // max 3: the holder plus one linked member leave one place.
    expect(admits(1, 0, 3)).to.equal(true);
    expect(admits(1, 1, 3)).to.equal(false);
    expect(admits(2, 0, 3)).to.equal(false);
    expect(admits(100, 100, 0), '0 means no limit').to.equal(true);
  });

  it('orders beacon takeover attempts by id', () => {
    const remaining = ['m2', 'm7', 'm4'];
    expect(takeoverDelay('m2', remaining, 250)).to.equal(0);
    expect(takeoverDelay('m4', remaining, 250)).to.equal(250);
    expect(takeoverDelay('m7', remaining, 250)).to.equal(500);
  });

  it('backs off exponentially with jitter, up to a cap', () => {
    expect(backoff(0, 100, 1000, () => 0)).to.equal(50);
    expect(backoff(0, 100, 1000, () => 1)).to.equal(100);
    expect(backoff(3, 100, 1000, () => 1)).to.equal(800);
    expect(backoff(10, 100, 1000, () => 1)).to.equal(1000);
    expect(backoff(50, 100, 1000, () => 0.5)).to.equal(750);
  });

  it('dials gossip at a bounded rate: a burst at once, then a few a second', () => {
    let now = 0;
    const budget = new DialBudget(16, 4, () => now);
    const burst = Array.from({ length: 256 }, () => budget.take()).filter(Boolean).length;
    expect(burst, 'a room of 16 is dialled at once; 256 invented ids are not').to.equal(16);
    now += 1000;
    expect(Array.from({ length: 10 }, () => budget.take()).filter(Boolean).length).to.equal(4);
    now += 60_000;
    expect(Array.from({ length: 100 }, () => budget.take()).filter(Boolean).length, 'never more than the bucket').to.equal(16);
  });
});
