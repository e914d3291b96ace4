import { expect } from '@open-wc/testing';
import { HeldLines, MAX_HELD, MAX_HELD_PER_RELAYER } from './held-lines.js';
import type { HistoryEntry } from './wire.js';

const line = (from: string, seq: number): HistoryEntry => ({ from, name: 'X', seq, clock: seq, time: 0, text: `${from} ${seq}` });

/** Holds `count` lines in `author`'s name from `relayer`, numbered from `first`. */
function holdMany(held: HeldLines, relayer: string, author: string, count: number, first = 1): void {
  for (let i = 0; i < count; i++) held.hold(relayer, line(author, first + i));
}

/** What `author` leaving gives each relayer, as texts (every relayer is here). */
const release = (held: HeldLines, author: string) =>
  Object.fromEntries([...held.release(author, () => true)].map(([relayer, entries]) => [relayer, entries.map((e) => e.text)]));

describe('HeldLines', () => {
  it('gives the lines in the name of an author that leaves to the relayers still here, and forgets them', () => {
    const held = new HeldLines();
    held.hold('rtc-e', line('rtc-a', 1));
    held.hold('rtc-c', line('rtc-a', 2));
    held.hold('rtc-e', line('rtc-a', 3));
    held.hold('rtc-e', line('rtc-b', 1));
    held.hold('rtc-c', line('rtc-a', 1));
    expect(held.size, 'a line held already is held once').to.equal(4);
    const taken = held.release('rtc-a', (relayer) => relayer !== 'rtc-c');
    expect([...taken].map(([relayer, entries]) => [relayer, entries.map((e) => e.text)])).to.deep.equal([['rtc-e', ['rtc-a 1', 'rtc-a 3']]]);
    expect(held.size, "Bob's line stays").to.equal(1);
    expect(release(held, 'rtc-a'), 'given once').to.deep.equal({});
    expect(release(held, 'rtc-b')).to.deep.equal({ 'rtc-e': ['rtc-b 1'] });
    expect([held.size, held.relayers]).to.deep.equal([0, 0]);
  });

  it('drops the lines a relayer that leaves relayed, so that it may hold its share again if it comes back', () => {
    const held = new HeldLines();
    holdMany(held, 'rtc-e', 'rtc-a', MAX_HELD_PER_RELAYER);
    held.hold('rtc-c', line('rtc-a', 1_000));
    expect(release(held, 'rtc-e'), 'Eve relayed nothing in her own name').to.deep.equal({});
    expect([held.size, held.relayers]).to.deep.equal([1, 1]);
    holdMany(held, 'rtc-e', 'rtc-b', MAX_HELD_PER_RELAYER);
    expect(release(held, 'rtc-b')['rtc-e']).to.have.length(MAX_HELD_PER_RELAYER);
    expect(release(held, 'rtc-a')).to.deep.equal({ 'rtc-c': ['rtc-a 1000'] });
  });

  it('holds at most a fifth of its lines from one relayer, whatever the author', () => {
    const held = new HeldLines();
    holdMany(held, 'rtc-e', 'rtc-a', MAX_HELD_PER_RELAYER + 1);
    holdMany(held, 'rtc-e', 'rtc-b', 1);
    holdMany(held, 'rtc-c', 'rtc-a', 1, 500);
    expect(MAX_HELD_PER_RELAYER).to.equal(MAX_HELD / 5);
    expect(held.size).to.equal(MAX_HELD_PER_RELAYER + 1);
    const taken = release(held, 'rtc-a');
    expect(taken['rtc-e'], 'the first ones').to.deep.equal(Array.from({ length: MAX_HELD_PER_RELAYER }, (_, i) => `rtc-a ${i + 1}`));
    expect(taken['rtc-c'], 'another relayer still has its share').to.deep.equal(['rtc-a 500']);
    expect(release(held, 'rtc-b'), 'Eve was at her share').to.deep.equal({});
  });

  it('forgets the oldest line past its cap, and the relayer whose line went may hold one more', () => {
    const held = new HeldLines();
    ['rtc-1', 'rtc-2', 'rtc-3', 'rtc-4', 'rtc-5'].forEach((r, i) => holdMany(held, r, 'rtc-a', MAX_HELD_PER_RELAYER, i * 1_000));
    expect(held.size).to.equal(MAX_HELD);
    // A sixth relayer's line pushes out the oldest, rtc-1's first; then the sixth leaves.
    held.hold('rtc-6', line('rtc-a', 9_000));
    expect(held.size).to.equal(MAX_HELD);
    expect(release(held, 'rtc-6')).to.deep.equal({});
    expect(held.size).to.equal(MAX_HELD - 1);
    // rtc-1 is under its share again: one more line is held, not two.
    held.hold('rtc-1', line('rtc-a', 998));
    held.hold('rtc-1', line('rtc-a', 999));
    expect(held.size).to.equal(MAX_HELD);
    const taken = release(held, 'rtc-a');
    expect(taken['rtc-1']).to.deep.equal([...Array.from({ length: MAX_HELD_PER_RELAYER - 1 }, (_, i) => `rtc-a ${i + 1}`), 'rtc-a 998']);
    expect(taken['rtc-2']).to.have.length(MAX_HELD_PER_RELAYER);
    expect([held.size, held.relayers]).to.deep.equal([0, 0]);
  });

  it('counts a relayer whose every line the cap pushed out as having none', () => {
    const held = new HeldLines();
    holdMany(held, 'rtc-e', 'rtc-a', 1);
    for (let r = 0; r < 5; r++) holdMany(held, `rtc-${r}`, 'rtc-b', MAX_HELD_PER_RELAYER, r * 1_000);
    expect(held.relayers, "Eve's only line went").to.equal(5);
    holdMany(held, 'rtc-e', 'rtc-a', MAX_HELD_PER_RELAYER, 100);
    expect(release(held, 'rtc-a')['rtc-e']).to.have.length(MAX_HELD_PER_RELAYER);
  });

  it('forgets everything when cleared, and each relayer may hold its share again', () => {
    const held = new HeldLines();
    holdMany(held, 'rtc-e', 'rtc-a', MAX_HELD_PER_RELAYER);
    held.clear();
    expect([held.size, held.relayers]).to.deep.equal([0, 0]);
    expect(release(held, 'rtc-a')).to.deep.equal({});
    holdMany(held, 'rtc-e', 'rtc-a', MAX_HELD_PER_RELAYER, 1_000);
    expect(release(held, 'rtc-a')['rtc-e']).to.have.length(MAX_HELD_PER_RELAYER);
  });
});
