import { expect } from '@open-wc/testing';
import { MAX_WINDOW, MIN_WINDOW, SendWindow } from './send-window.js';
import { CHUNK_PAYLOAD } from './wire.js';

/**
 * A path that delivers `rate` bytes per ms with a round trip of `rtt` ms: the sender sends a
 * chunk whenever the window is open, and each chunk's acknowledgement comes back a round trip
 * after the path delivered it. Returns the window's size at the end, and the most bytes that
 * were ever unacknowledged.
 */
function run(w: SendWindow, rate: number, rtt: number, ms: number, from = 0): { size: number; peak: number } {
  let sent = w.acked;
  let pathFree = from;
  const acks: { at: number; bytes: number }[] = [];
  let peak = 0;
  for (let now = from; now < from + ms; now += 0.25) {
    while (acks.length && acks[0].at <= now) w.ack(acks.shift()!.bytes, now);
    while (w.open(sent)) {
      sent += CHUNK_PAYLOAD;
      w.sent(sent, now);
      pathFree = Math.max(pathFree, now) + CHUNK_PAYLOAD / rate;
      acks.push({ at: pathFree + rtt, bytes: sent });
      peak = Math.max(peak, sent - w.acked);
    }
  }
  return { size: w.size, peak };
}

describe('a file sender window', () => {
  it('starts at two chunks and takes only acknowledgements that move forward within what was sent', () => {
    const w = new SendWindow();
    expect(w.size).to.equal(MIN_WINDOW);
    expect(w.open(MIN_WINDOW - 1)).to.equal(true);
    expect(w.open(MIN_WINDOW)).to.equal(false);
    w.sent(CHUNK_PAYLOAD, 0);
    expect(w.ack(CHUNK_PAYLOAD + 1, 5), 'more than was sent').to.equal(false);
    expect(w.ack(0, 5), 'nothing new').to.equal(false);
    expect(w.ack(1000, 5)).to.equal(true);
    expect(w.ack(1000, 6), 'the same again').to.equal(false);
    expect(w.ack(999, 6), 'backwards').to.equal(false);
    expect(w.acked).to.equal(1000);
  });

  it('holds a fast path busy without letting much more than its round trip queue', () => {
    // 25 MiB/s with a 4 ms round trip: a chunk on the path and 105 KB coming back keep it busy.
    const rate = (25 * 1024 * 1024) / 1000;
    const w = new SendWindow();
    const { size } = run(w, rate, 4, 2_000);
    expect(size).to.be.at.least(rate * 4 + CHUNK_PAYLOAD);
    // Besides the round trip and the chunk on the path, at most 10 ms of queueing.
    expect(size).to.be.below(rate * (4 + 10) + CHUNK_PAYLOAD);
  });

  it('stays at two chunks on a slow path, so a chat message waits behind little', () => {
    // 4 Mbit/s with a 60 ms round trip.
    const w = new SendWindow();
    const { size, peak } = run(w, 500, 60, 5_000);
    expect(size).to.equal(MIN_WINDOW);
    expect(peak).to.be.at.most(MIN_WINDOW);
  });

  it('grows when the path gets faster, and never past its bound', () => {
    const w = new SendWindow();
    const slow = run(w, 500, 10, 2_000).size;
    const fast = run(w, 400_000, 10, 2_000, 2_000).size;
    expect(fast).to.be.above(4 * slow);
    expect(fast).to.equal(MAX_WINDOW);
  });
});
