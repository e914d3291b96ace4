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

  it('strangers re-sending their offers quickly keep no newcomer out: its offer is held until it is named', () => {
    const verdicts = new Map<string, boolean | 'later'>();
    const { offers, delivered } = held(verdicts);
    const strangers = Array.from({ length: MAX_HELD + 2 }, (_, i) => `stranger ${i}`);
    let sent = 0;
    // Every stranger offers every 10 ms, each time for a new connection.
    const round = (now: number) => {
      for (const s of strangers) offers.offer(s, `dc_${sent++}`, ['message', s], 100, now);
      offers.retry(now);
    };
    for (let now = 0; now < 1_000; now += 10) round(now);
    expect(offers.size, 'the places are taken').to.equal(MAX_HELD);
    offers.offer('newcomer', 'dc_newcomer', ['message', 'offer'], 3_000, 1_000);
    expect(offers.follow('newcomer', 'dc_newcomer', ['message', 'candidate'], () => 200), 'held').to.equal(true);
    for (let now = 1_010; now < 2_000; now += 10) round(now);
    verdicts.set('newcomer', true);
    offers.retry(2_000);
    expect(delivered).to.deep.equal([
      ['message', 'offer'],
      ['message', 'candidate'],
    ]);
    offers.clear();
  });

  it('an offer sent again keeps its place and its deadline; among equals, a new sender takes the place held longest', () => {
    const verdicts = new Map<string, boolean | 'later'>();
    const { offers, delivered } = held(verdicts);
    offers.offer('stranger 0', 'dc_0', ['message', 0], 100, 0);
    for (let i = 1; i < MAX_HELD; i++) offers.offer(`stranger ${i}`, `dc_${i}`, ['message', i], 100, 1_000);
    // Sent again, the newest offer is kept in place of the first, with the first one's deadline.
    offers.offer('stranger 0', 'dc_again', ['message', 'again'], 100, 4_000);
    expect(offers.follow('stranger 0', 'dc_0', ['message', 'old candidate'], () => 200), 'the first offer is let go').to.equal(false);
    expect(offers.follow('stranger 0', 'dc_again', ['message', 'candidate'], () => 200)).to.equal(true);
    offers.retry(HOLD_FOR + 1);
    expect(offers.size, 'dropped 5 s after it was first held').to.equal(MAX_HELD - 1);
    // Two new senders, each with one offer: the second takes the place of the one held longest.
    offers.offer('newcomer', 'dc_n', ['message', 'newcomer'], 100, HOLD_FOR + 2);
    offers.offer('another', 'dc_a', ['message', 'another'], 100, HOLD_FOR + 3);
    for (let i = 0; i < MAX_HELD; i++) verdicts.set(`stranger ${i}`, true);
    for (const src of ['newcomer', 'another']) verdicts.set(src, true);
    offers.retry(HOLD_FOR + 4);
    expect(delivered.map((m) => m[1])).to.deep.equal([...Array.from({ length: MAX_HELD - 2 }, (_, i) => i + 2), 'newcomer', 'another']);
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
