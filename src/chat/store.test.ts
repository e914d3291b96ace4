import { expect } from '@open-wc/testing';
import { MessageStore, type ChatMessage } from './store.js';

const msg = (from: string, seq: number, text = `${from}${seq}`): ChatMessage => ({ id: `${from}:${seq}`, from, name: from, text, time: 0, mine: false });

describe('MessageStore', () => {
  it('orders by (clock, sender, seq) whatever the arrival order, so every page agrees', () => {
    const sent: [ChatMessage, number, number][] = [
      [msg('b', 1), 1, 1],
      [msg('a', 1), 1, 1],
      [msg('a', 2), 2, 2],
      [msg('c', 1), 2, 1],
      [msg('b', 2), 3, 2],
    ];
    const one = new MessageStore();
    const two = new MessageStore();
    for (const [m, clock, seq] of sent) one.add(m, clock, seq);
    for (const [m, clock, seq] of [...sent].reverse()) two.add(m, clock, seq);
    const ids = one.messages.map((m) => m.id);
    expect(ids).to.deep.equal(['a:1', 'b:1', 'a:2', 'c:1', 'b:2']);
    expect(two.messages.map((m) => m.id)).to.deep.equal(ids);
    expect(one.clock).to.equal(3);
    expect(one.tick()).to.equal(4);
  });

  it('keeps the first copy of a message', () => {
    const store = new MessageStore();
    expect(store.add(msg('a', 1, 'first'), 5, 1)).to.equal('added');
    expect(store.add(msg('a', 1, 'again'), 5, 1)).to.equal('duplicate');
    expect(store.messages.map((m) => m.text)).to.deep.equal(['first']);
  });

  it('puts local lines after everything seen so far, and later messages after them', () => {
    const store = new MessageStore<string>();
    store.add(msg('a', 1), 4, 1);
    store.addLocal('joined');
    store.add(msg('b', 1), 5, 1);
    store.add(msg('c', 1), 3, 1);
    expect(store.entries.map((e) => (e.kind === 'local' ? e.data : e.key))).to.deep.equal(['c:1', 'a:1', 'joined', 'b:1']);
  });

  it('keeps a bounded list and does not take back trimmed messages', () => {
    const store = new MessageStore(3);
    for (let i = 1; i <= 5; i++) store.add(msg('a', i), i, i);
    expect(store.messages.map((m) => m.id)).to.deep.equal(['a:3', 'a:4', 'a:5']);
    expect(store.add(msg('a', 1), 1, 1)).to.equal('old');
    expect(store.add(msg('b', 1), 1, 1)).to.equal('old');
    expect(store.add(msg('b', 1), 9, 1), 'a new message').to.equal('added');
    expect(store.messages.map((m) => m.id)).to.deep.equal(['a:4', 'a:5', 'b:1']);
  });

  it('gives the most recent messages as history, oldest first', () => {
    const store = new MessageStore<string>();
    for (let i = 1; i <= 4; i++) store.add(msg('a', i), i, i);
    store.addLocal('x');
    expect(store.recent(2).map((e) => e.seq)).to.deep.equal([3, 4]);
    expect(store.recent(10)).to.have.length(4);
    expect(store.recent(1)[0]).to.deep.equal({ from: 'a', name: 'a', seq: 4, clock: 4, time: 0, text: 'a4' });
    expect(store.recent(0)).to.deep.equal([]);
  });
});
