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

  it('writes bit rates, durations and shares of packets in the locale, in the units people read', () => {
    const en = formatFor('en');
    expect([en.bitrate(1_234_567), en.bitrate(850_400), en.bitrate(0)]).to.deep.equal(['1.2 Mb/s', '850 kb/s', '0 kb/s']);
    expect(en.milliseconds(41.6)).to.equal('42 ms');
    expect([en.percent(0.0057, 1), en.percent(0.999), en.percent(0)]).to.deep.equal(['0.5%', '99%', '0%']);
    const de = formatFor('de');
    expect(de.bitrate(1_234_567)).to.match(/^1,2\sMb(it)?\/s$/);
    expect(de.percent(0.0057, 1)).to.match(/^0,5\s%$/);
  });
});
