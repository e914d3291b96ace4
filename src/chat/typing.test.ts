import { expect } from '@open-wc/testing';
import { until } from '../../test/helpers.js';
import { TYPING_EVERY, TYPING_PACE, Typing } from './typing.js';

describe('Typing', () => {
  it("tells the others of this page's writing at most every few seconds, and once that it stopped", () => {
    const typing = new Typing(() => {});
    expect(typing.own(true, 0), 'the first key').to.equal(true);
    expect(typing.own(true, TYPING_EVERY - 1), 'the next keys').to.equal(null);
    expect(typing.own(true, TYPING_EVERY), 'still writing').to.equal(true);
    expect(typing.own(false, TYPING_EVERY + 10), 'the box emptied').to.equal(false);
    expect(typing.own(false, TYPING_EVERY + 20), 'said once').to.equal(null);
    expect(typing.own(true, TYPING_EVERY + 30), 'writing again at once').to.equal(true);
    // A message that goes ends the sign by itself: the next key says so again, and an empty box says nothing.
    typing.sent();
    expect(typing.own(false, TYPING_EVERY + 40)).to.equal(null);
    expect(typing.own(true, TYPING_EVERY + 50)).to.equal(true);
  });

  it('shows a member until it stops, its message comes, or it falls silent', async () => {
    let changes = 0;
    const typing = new Typing(() => changes++, 200);
    typing.heard('a', true);
    typing.heard('b', true);
    expect(typing.ids).to.deep.equal(['a', 'b']);
    typing.done('a');
    expect(typing.ids, 'its message came').to.deep.equal(['b']);
    await until(() => typing.ids.length === 0, 'b never fell silent');
    expect(changes).to.equal(4);
    typing.heard('c', true);
    typing.clear();
    expect(typing.ids).to.deep.equal([]);
  });

  it('applies a flood of one member a few times a second, ending as it last said', async () => {
    let changes = 0;
    const typing = new Typing(() => changes++);
    for (let i = 0; i < 1_000; i++) typing.heard('a', i % 2 === 0);
    expect(typing.ids, 'the first is applied at once').to.deep.equal(['a']);
    expect(changes).to.equal(1);
    // The last said false: it is applied at the member's next turn, and nothing after it.
    await until(() => typing.ids.length === 0, 'the last frame was not applied', TYPING_PACE * 4);
    expect(changes).to.equal(2);
    typing.heard('a', true);
    expect(typing.ids, 'a frame within the pace waits').to.deep.equal([]);
    await until(() => typing.ids.length === 1, 'the waiting frame was not applied', TYPING_PACE * 4);
    typing.done('a');
  });
});
