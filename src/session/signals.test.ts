// Incoming signals of a private room, with the sealing replaced by openings the test settles by
// hand, so that it decides how long each takes.
import { expect } from '@open-wc/testing';
import { until } from '../../test/helpers.js';
import { MAX_OPENING, type Sealing, Signals } from './signals.js';

describe('Signals', () => {
  it('opens sealed signals one after another, in the order they came, and keeps only so many waiting', async () => {
    const openings: { what: unknown; open: (plain: object | null) => void }[] = [];
    const sealing: Sealing = {
      sealSignal: async (what) => what,
      openSignal: (what) => new Promise((open) => openings.push({ what, open })),
    };
    const taken: unknown[] = [];
    const signals = new Signals({
      selfId: () => 'rtc-self',
      beaconId: () => 'rtc-room-beacon',
      isOver: () => false,
      sealing: () => sealing,
      send: () => {},
      sendOnLink: () => false,
      dial: () => {},
      otherVersion: () => expect.fail('no other version'),
      isLinked: () => false,
      negotiation: () => {},
      toBeacon: (_from, what) => taken.push((what as { n: number }).n),
      toMember: () => {},
      holderCalling: () => {},
      welcomed: () => {},
    });
    // Far more questions at once than a page gets; each is opened only once the one before is.
    for (let n = 0; n < 1_000; n++) signals.receive('beacon', `rtc-asker${n}`, { proto: 'rtc-room/2', kind: 'intro', sealed: `${n}` });
    let opened = 0;
    await until(() => {
      expect(openings.length, 'opened at once').to.be.at.most(1);
      const next = openings.shift();
      if (next) next.open({ n: Number((next.what as { sealed: string }).sealed) });
      if (next) opened++;
      return opened === MAX_OPENING;
    }, () => `${opened} opened`);
    await until(() => taken.length === MAX_OPENING, () => `${taken.length} taken`);
    expect(taken, 'in the order they came').to.deep.equal([...Array(MAX_OPENING).keys()]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(openings, 'opened later').to.have.length(0);
  });
});
