import { expect } from '@open-wc/testing';
import { until } from '../../../test/helpers.js';
import { REACTIONS } from '../../session/frames.js';
import { BarPanel } from './bar-panel.js';
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
    reactions.clear();
    expect(reactions.of('a').length).to.equal(0);
  });
});

describe('BarPanel', () => {
  it('keeps one panel open above the bar: opening one closes the other', () => {
    let updates = 0;
    const panel = new BarPanel({ requestUpdate: () => updates++ } as never);
    panel.toggle('reactions');
    expect(panel.open).to.equal('reactions');
    panel.toggle('settings');
    expect(panel.open, 'Devices closes the reactions').to.equal('settings');
    panel.toggle('reactions', false);
    expect(panel.open, 'closing one that is not open leaves the other').to.equal('settings');
    panel.toggle('settings');
    expect(panel.open).to.equal(null);
    expect(updates).to.equal(3);
    panel.toggle('reactions', true);
    panel.close();
    expect(panel.open).to.equal(null);
  });

  it('keeps the chat beside the stage open beside the panel above the bar', () => {
    const panel = new BarPanel({ requestUpdate: () => {} } as never);
    panel.toggle('chat');
    panel.toggle('people');
    expect([panel.isOpen('chat'), panel.open], 'People beside the chat').to.deep.equal([true, 'people']);
    panel.toggle('reactions');
    expect([panel.isOpen('chat'), panel.isOpen('people'), panel.open]).to.deep.equal([true, false, 'reactions']);
    panel.toggle('chat');
    expect([panel.isOpen('chat'), panel.open], 'closing the chat leaves the reactions').to.deep.equal([false, 'reactions']);
    panel.toggle('chat', true);
    panel.close();
    expect([panel.isOpen('chat'), panel.open]).to.deep.equal([false, null]);
  });
});
