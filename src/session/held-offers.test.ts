import { expect } from '@open-wc/testing';
import { HOLD_FOR, HeldOffers, MAX_HELD } from './held-offers.js';

/** Held offers whose senders are admitted as `verdicts` says, recording what is let through. */
function held(verdicts: Map<string, boolean | 'later'>) {
  const delivered: unknown[][] = [];
  const offers = new HeldOffers({ admits: (src) => verdicts.get(src) ?? 'later', deliver: (messages) => delivered.push(...messages) });
  return { offers, delivered };
}

describe('HeldOffers', () => {
  it('lets an offer and the candidates that followed it through, in order, once its sender is known', () => {
    const verdicts = new Map<string, boolean | 'later'>();
    const { offers, delivered } = held(verdicts);
    offers.offer('c', 'dc_1', ['message', 'offer'], 3_000, 0);
    expect(offers.follow('c', 'dc_1', ['message', 'candidate 1'], () => 200)).to.equal(true);
    expect(offers.follow('c', 'dc_2', ['message', 'another connection'], () => 200), 'not the held one').to.equal(false);
    offers.follow('c', 'dc_1', ['message', 'candidate 2'], () => 200);
    offers.retry(100);
    expect(delivered, 'not known yet').to.deep.equal([]);
    verdicts.set('c', true);
    offers.retry(200);
    expect(delivered).to.deep.equal([['message', 'offer'], ['message', 'candidate 1'], ['message', 'candidate 2']]);
    expect(offers.size).to.equal(0);
    offers.clear();
  });

  it('drops an offer whose sender is refused, or still unknown after a few seconds', () => {
    const verdicts = new Map<string, boolean | 'later'>([['refused', false]]);
    const { offers, delivered } = held(verdicts);
    offers.offer('refused', 'dc_1', ['message', 'offer'], 100, 0);
    offers.offer('stranger', 'dc_2', ['message', 'offer'], 100, 0);
    offers.retry(1);
    expect(offers.size).to.equal(1);
    offers.retry(HOLD_FOR + 1);
    expect(offers.size).to.equal(0);
    verdicts.set('stranger', true);
    offers.retry(HOLD_FOR + 2);
    expect(delivered).to.deep.equal([]);
    offers.clear();
  });

  it('holds a few offers of limited size, each with a limited number of messages', () => {
    const { offers } = held(new Map());
    for (let i = 0; i < 100; i++) offers.offer(`stranger ${i}`, `dc_${i}`, ['message', i], 100, 0);
    expect(offers.size).to.equal(MAX_HELD);
    offers.clear();
    offers.offer('big', 'dc_1', ['message', 'x'], 1024 * 1024, 0);
    expect(offers.size, 'too large').to.equal(0);
    offers.offer('c', 'dc_1', ['message', 'offer'], 100, 0);
    let sized = 0;
    for (let i = 0; i < 1_000; i++) offers.follow('c', 'dc_1', ['message', i], () => ++sized && 100);
    offers.follow('c', 'dc_1', ['message', 'huge'], () => 1024 * 1024);
    const delivered: unknown[][] = [];
    const known = new HeldOffers({ admits: () => true, deliver: (m) => delivered.push(...m) });
    known.offer('c', 'dc_1', ['message', 'offer'], 100, 0);
    for (let i = 0; i < 1_000; i++) known.follow('c', 'dc_1', ['message', i], () => 100);
    known.follow('c', 'dc_1', ['message', 'huge'], () => 1024 * 1024);
    known.retry(1);
    expect(delivered.length, 'the offer and 31 more').to.equal(32);
    expect(sized, 'sizes are read only for messages that are kept').to.be.at.most(32);
    offers.clear();
    known.clear();
  });
});
