import { expect } from '@open-wc/testing';
import { MAX_CLOCK_STEP, MessageStore, RELAYED_CLOCK_STEP, type ChatMessage } from './store.js';
import { MAX_CLOCK } from './wire.js';

const msg = (from: string, seq: number, text = `${from}${seq}`): ChatMessage => ({ id: `${from}:${seq}`, from, name: from, text, time: 0, mine: false, relayedBy: null });
const relayed = (from: string, seq: number, text: string): ChatMessage => ({ ...msg(from, seq, text), relayedBy: { id: 'r', name: 'R' } });

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
    expect(store.add(msg('a', 1), 1, 1), 'a copy, even live').to.equal('old');
    expect(store.add(msg('b', 1), 1, 1, { history: true }), 'history from before what is kept').to.equal('old');
    expect(store.add(msg('b', 1), 9, 1), 'a new message').to.equal('added');
    expect(store.messages.map((m) => m.id)).to.deep.equal(['a:4', 'a:5', 'b:1']);
    expect(store.add(msg('c', 1), 1, 1), 'a live message from before what is kept shows, at the end').to.equal('added');
    expect(store.messages.map((m) => m.id)).to.deep.equal(['a:5', 'b:1', 'c:1']);
  });

  it('moves its clock one step per relayed message, keeping relayed lines in their order', () => {
    const store = new MessageStore();
    store.add(msg('a', 1), 10, 1);
    const lines = [relayed('g', 1, 'one'), relayed('h', 1, 'two'), relayed('g', 2, 'three')];
    lines.forEach((m, i) => store.add(m, 1_000 + i * MAX_CLOCK_STEP, m.id.endsWith(':2') ? 2 : 1, { history: true }));
    expect(store.clock).to.equal(10 + lines.length * RELAYED_CLOCK_STEP);
    expect(store.messages.map((m) => m.text)).to.deep.equal(['a1', 'one', 'two', 'three']);
  });

  it('places a live message that sorts among history after everything, however far ahead the history\'s clocks were', () => {
    const store = new MessageStore(4);
    store.add(msg('b', 1, 'before'), 1, 1);
    for (let i = 1; i <= 4; i++) store.add(msg('x', i), i * MAX_CLOCK_STEP, i, { history: true });
    expect(store.add(msg('b', 2, 'now'), 2, 2)).to.equal('added');
    expect(store.messages.map((m) => m.text).at(-1)).to.equal('now');
    // Its author linked when this page's clock was 500: what it says later comes after that.
    const late = new MessageStore();
    late.add(msg('a', 1, 'old news'), 500, 1);
    late.add(msg('c', 1, 'hello, I am new'), 3, 1, { after: 500 });
    expect(late.messages.map((m) => m.text)).to.deep.equal(['old news', 'hello, I am new']);
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

  it('moves its clock by a bounded step per message, and never gives out an invalid clock', () => {
    const store = new MessageStore();
    store.add(msg('a', 1), 10, 1);
    // A message far ahead is placed MAX_CLOCK_STEP ahead, after everything before it.
    expect(store.add(msg('e', 1, 'far ahead'), MAX_CLOCK - 1, 1)).to.equal('added');
    expect(store.clock).to.equal(10 + MAX_CLOCK_STEP);
    const mine = store.tick();
    expect(mine).to.equal(11 + MAX_CLOCK_STEP);
    store.add(msg('b', 1, 'after'), mine + 1, 1);
    expect(store.messages.map((m) => m.text)).to.deep.equal(['a1', 'far ahead', 'after']);
    // A late joiner catches up with a long room's clock, one step per message, in order.
    const late = new MessageStore();
    for (let i = 1; i <= 20; i++) late.add(msg('a', i), 1_000_000 + i, i);
    expect(late.clock).to.equal(1_000_020);
    expect(late.messages.map((m) => m.id)).to.deep.equal(Array.from({ length: 20 }, (_, i) => `a:${i + 1}`));
    // Even at the very end of the range (2^31 steps away), the next clock is valid.
    const full = new MessageStore();
    (full as unknown as { _clock: number })._clock = MAX_CLOCK - 1;
    expect(full.tick()).to.equal(MAX_CLOCK - 1);
  });

  it('lets the author\'s copy replace a relayed one, never the other way round', () => {
    const store = new MessageStore();
    expect(store.add(relayed('b', 1, 'forged'), 3, 1)).to.equal('added');
    expect(store.add(msg('b', 1, 'real'), 2, 1)).to.equal('replaced');
    expect(store.add(relayed('b', 1, 'forged again'), 3, 1)).to.equal('duplicate');
    expect(store.messages.map((m) => [m.text, m.relayedBy])).to.deep.equal([['real', null]]);
    store.add(relayed('c', 1, 'gone'), 4, 1);
    store.add(relayed('d', 1, 'also gone'), 5, 1);
    expect(store.dropRelayed('c').map((m) => m.text)).to.deep.equal(['gone']);
    expect(store.messages.map((m) => m.text)).to.deep.equal(['real', 'also gone']);
    expect(store.add(msg('c', 1, 'c again'), 6, 1), 'a dropped id can come back').to.equal('added');
  });
});
