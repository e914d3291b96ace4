import { expect } from '@open-wc/testing';
import type { Participant } from '../../controllers/room-controller.js';
import { HandOrder } from './hand-order.js';

/** Someone in the call whose hand is up since `at` (0: down). */
const person = (id: string, at: number) => ({ id, hand: at > 0, handRaisedAt: at }) as Participant;

describe('the order of raised hands', () => {
  it('numbers the hands by when they went up, this page’s own among them, only while two or more are up', () => {
    const order = new HandOrder();
    const now = Date.now();
    expect([...order.places(false, [person('ada', now - 5_000)])], 'one hand up').to.deep.equal([]);
    expect([...order.places(false, [person('ada', now - 5_000), person('bob', now - 9_000), person('cy', 0)])]).to.deep.equal([
      ['bob', 1],
      ['ada', 2],
    ]);
    // This page's hand goes up now: after theirs.
    const three = order.places(true, [person('ada', now - 5_000), person('bob', now - 9_000)]);
    expect([...three]).to.deep.equal([
      ['bob', 1],
      ['ada', 2],
      ['local', 3],
    ]);
    // A hand raised later elsewhere comes after this page's, which keeps its time.
    const later = Date.now() + 1_000;
    expect(order.places(true, [person('ada', now - 5_000), person('bob', later)]).get('local')).to.equal(2);
    // Lowered and raised again, it goes to the end.
    order.places(false, []);
    expect(order.places(true, [person('ada', now - 5_000), person('bob', now - 9_000)]).get('local')).to.equal(3);
  });
});
