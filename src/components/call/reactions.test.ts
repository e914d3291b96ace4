import { expect } from '@open-wc/testing';
import { until } from '../../../test/helpers.js';
import { REACTIONS } from '../../session/protocol.js';
import { OFFERED, PER_TILE, Reactions } from './reactions.js';

describe('Reactions', () => {
  it('offers the reactions the room protocol takes, in its order', () => {
    expect(OFFERED).to.deep.equal(REACTIONS);
  });

  it('shows at most a few reactions per tile, the newest, each for a while', async () => {
    let updates = 0;
    const reactions = new Reactions({ requestUpdate: () => updates++ } as never, 200);
    for (const emoji of ['👍', '👏', '😂', '😮', '❤️']) reactions.add('a', emoji);
    reactions.add('local', '🎉');
    expect(reactions.of('a').map((r) => r.emoji)).to.deep.equal(['😂', '😮', '❤️'].slice(-PER_TILE));
    expect(new Set(reactions.of('a').map((r) => r.key)).size, 'each its own key').to.equal(PER_TILE);
    expect(reactions.of('local').map((r) => r.emoji)).to.deep.equal(['🎉']);
    expect(reactions.of('b')).to.deep.equal([]);
    expect(updates).to.equal(6);
    await until(() => reactions.of('a').length === 0 && reactions.of('local').length === 0, 'the reactions did not go');
    reactions.add('a', '👍');
    reactions.toggle(true);
    expect(reactions.open).to.equal(true);
    reactions.clear();
    expect([reactions.open, reactions.of('a').length]).to.deep.equal([false, 0]);
  });
});
