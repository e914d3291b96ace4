import { expect } from '@open-wc/testing';
import { nextOwnSeq, ownLines, recordOwnLine } from './own-lines.js';
import type { ChatMessage } from './store.js';
import type { ChatTransport } from './types.js';
import { MAX_HISTORY } from './wire.js';

/** Only its identity counts: the record is kept per transport object. */
const transport = () => ({}) as ChatTransport;

/** Numbers, builds and records a message on `t`, as a chat sends one. */
function send(t: ChatTransport, text: string): number {
  const seq = nextOwnSeq(t);
  const message: ChatMessage = { id: `rtc-a:${seq}`, from: 'rtc-a', name: 'Ada', text, time: 0, mine: true, relayedBy: null };
  recordOwnLine(t, { message, clock: seq, seq });
  return seq;
}

describe('own lines', () => {
  it('numbers the messages on a transport from 1, whichever chat sends them, and each transport on its own', () => {
    const [a, b] = [transport(), transport()];
    expect(ownLines(a), 'nothing sent yet').to.deep.equal([]);
    expect([send(a, 'one'), send(a, 'two')]).to.deep.equal([1, 2]);
    expect(send(b, 'elsewhere'), 'another session counts on its own').to.equal(1);
    // The page's next chat on the same transport goes on counting.
    expect(send(a, 'three')).to.equal(3);
    expect(ownLines(a).map((l) => [l.seq, l.message.text])).to.deep.equal([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
    ]);
    expect(ownLines(b).map((l) => l.message.text)).to.deep.equal(['elsewhere']);
  });

  it('keeps the last lines a history holds, and goes on counting past them', () => {
    const t = transport();
    for (let i = 1; i <= MAX_HISTORY + 2; i++) send(t, `line ${i}`);
    const lines = ownLines(t);
    expect(lines).to.have.length(MAX_HISTORY);
    expect([lines[0].seq, lines[lines.length - 1].seq]).to.deep.equal([3, MAX_HISTORY + 2]);
    expect(send(t, 'next')).to.equal(MAX_HISTORY + 3);
  });
});
