import { expect } from '@open-wc/testing';
import { formatFor } from './format.js';

describe('formatFor', () => {
  it('writes a time of today as the time of day, and one of another day with its day', () => {
    const f = formatFor('en-GB');
    const today = new Date();
    today.setHours(9, 5, 0, 0);
    const before = new Date(today);
    before.setDate(today.getDate() - 1);
    expect(f.time(today.getTime())).to.equal('09:05');
    // History from a room left open overnight.
    const day = before.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });
    expect(f.time(before.getTime())).to.contain(day).and.contain('09:05');
  });
});
