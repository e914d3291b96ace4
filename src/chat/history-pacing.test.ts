import { expect } from '@open-wc/testing';
import type { ExtensionFrame } from '../session/frames.js';
import { HISTORY_INTERVAL, HistoryPacing } from './history-pacing.js';
import type { HistoryEntry } from './wire.js';

const line = (from: string, seq: number): HistoryEntry => ({ from, name: 'X', seq, clock: seq, time: 0, text: `${from} ${seq}` });

/** Lines 1 to `count` from Bob, as this page's recent messages. */
const recent = (count: number) => Array.from({ length: count }, (_, i) => line('rtc-b', i + 1));

/** What the frames carry, in order: history entries by text, live messages as `live: seq`. */
const carried = (frames: ExtensionFrame[]) =>
  frames.flatMap((f) => (f.t === 'chat-history' ? (f.msgs as HistoryEntry[]).map((e) => e.text) : [`live: ${f.seq}`]));

/** Answers a request from a member that linked at clock 0, this page being Ada. */
const answer = (pacing: HistoryPacing, entries: HistoryEntry[], now: number) => carried(pacing.answer(entries, 'rtc-a', 0, now));

describe('HistoryPacing', () => {
  it('sends a member each recent message once per interval: the whole history first, then only what is new', () => {
    const pacing = new HistoryPacing();
    expect(answer(pacing, recent(3), 1_000), 'the first request gets the whole history').to.deep.equal(['rtc-b 1', 'rtc-b 2', 'rtc-b 3']);
    expect(answer(pacing, recent(3), 2_000), 'asked again, nothing new').to.deep.equal([]);
    expect(answer(pacing, recent(4), 3_000), 'only the new message').to.deep.equal(['rtc-b 4']);
    expect(answer(pacing, recent(4), 1_000 + HISTORY_INTERVAL - 1), 'still within the interval').to.deep.equal([]);
    expect(answer(pacing, recent(4), 1_000 + HISTORY_INTERVAL), 'the interval is over').to.deep.equal(['rtc-b 1', 'rtc-b 2', 'rtc-b 3', 'rtc-b 4']);
  });

  it('sends the whole history again at once after the connection was replaced', () => {
    const pacing = new HistoryPacing();
    answer(pacing, recent(3), 1_000);
    pacing.replaced();
    expect(answer(pacing, recent(3), 2_000)).to.deep.equal(['rtc-b 1', 'rtc-b 2', 'rtc-b 3']);
    expect(answer(pacing, recent(3), 3_000), 'and then paces it again').to.deep.equal([]);
  });

  it("sends this page's own messages written since the member linked as live messages, after the history, and once a request", () => {
    const pacing = new HistoryPacing();
    const entries = [line('rtc-a', 1), line('rtc-b', 2), line('rtc-a', 3), line('rtc-c', 4)];
    // Ada's first line came before the member linked (clock 1): history to it. Her second did not.
    expect(carried(pacing.answer(entries, 'rtc-a', 2, 1_000))).to.deep.equal(['rtc-a 1', 'rtc-b 2', 'rtc-c 4', 'live: 3']);
    const next = [...entries, line('rtc-a', 5)];
    expect(carried(pacing.answer(next, 'rtc-a', 2, 2_000)), 'what she wrote since goes with the next request').to.deep.equal(['live: 5']);
  });
});
