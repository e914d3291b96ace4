import { expect } from '@open-wc/testing';
import { DIAL_ATTEMPTS, DialAttempts, GIVE_UP_HOLD } from './dial-attempts.js';

describe('DialAttempts', () => {
  it('waits longer after each failed dial, then gives up and leaves the member alone for a while', () => {
    const attempts = new DialAttempts(1_000);
    const waits: (number | null)[] = [];
    for (let i = 0; i < DIAL_ATTEMPTS; i++) waits.push(attempts.failed('x', 0));
    expect(waits.slice(0, -1).every((w) => w !== null && w >= 500)).to.equal(true);
    expect(waits[1]! > 1_000 && waits[2]! > 2_000, `waits ${waits}`).to.equal(true);
    expect(waits.at(-1)).to.equal(null);
    expect(attempts.allows('x', GIVE_UP_HOLD - 1)).to.equal(false);
    expect(attempts.allows('y', 0)).to.equal(true);
    expect(attempts.allows('x', GIVE_UP_HOLD)).to.equal(true);
    // Given up on and allowed again: it has all its tries again.
    expect(attempts.failed('x', GIVE_UP_HOLD)).to.not.equal(null);
  });

  it('starts the count again for a member that linked', () => {
    const attempts = new DialAttempts(1_000);
    for (let i = 0; i < DIAL_ATTEMPTS - 1; i++) attempts.failed('x', 0);
    attempts.reset('x');
    expect(attempts.failed('x', 0)).to.not.equal(null);
  });

  it('tracks a bounded number of members, forgetting the oldest', () => {
    const attempts = new DialAttempts(1_000);
    for (let i = 0; i < 1_000; i++) for (let k = 0; k < DIAL_ATTEMPTS; k++) attempts.failed(`m${i}`, 0);
    expect(attempts.allows('m999', 1)).to.equal(false);
    expect(attempts.allows('m0', 1), 'the oldest is forgotten').to.equal(true);
  });
});
