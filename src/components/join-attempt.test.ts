import { expect } from '@open-wc/testing';
import { JoinAttempt } from './join-attempt.js';

describe('JoinAttempt', () => {
  it('gives a second join the one under way, but starts anew in a new generation, even while the old one waits', async () => {
    const joins = new JoinAttempt();
    let started = 0;
    let finish!: () => void;
    const start = () => (started++, new Promise<void>((resolve) => (finish = resolve)));
    const first = joins.of(1, start);
    expect(joins.of(1, start)).to.equal(first);
    expect(started).to.equal(1);
    // A leave overtook it: a join now is a new one.
    const second = joins.of(2, start);
    expect(second).to.not.equal(first);
    expect(started).to.equal(2);
    finish();
    await second;
    // Once over, the next join starts afresh.
    void joins.of(2, start);
    expect(started).to.equal(3);
  });
});
