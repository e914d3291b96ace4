/**
 * How much of a file may be on its way to one recipient, not yet acknowledged (docs/protocol.md,
 * "Files", flow control). The transport queues far more than the files channel's
 * `bufferedAmount` shows: a chat message sent during a transfer waits behind all of it, a
 * second and more on a slow link. So the sender keeps what the recipient has not acknowledged
 * (`file-ack`) to what the path delivers in its shortest recent round trip plus a few
 * milliseconds, and never less than two chunks: enough to keep the path busy, and a message
 * waits little. (The round trip is measured from a chunk's sending to its acknowledgement, so
 * it counts the chunk's own time on the path too.)
 */
import { CHUNK_PAYLOAD } from './wire.js';

/** Never less than this may be unacknowledged: two chunks, so one is always on the way. */
export const MIN_WINDOW = 2 * CHUNK_PAYLOAD;
/** Never more: 64 chunks. */
export const MAX_WINDOW = 64 * CHUNK_PAYLOAD;
/** The queueing allowed on the path, in ms, over its shortest round trip. */
const SLACK = 5;
/** The window is this much larger than what the path delivered, so that it finds a faster path. */
const GAIN = 1.25;
/** A round trip is the shortest of those measured in this long (ms): a path may get slower. */
const RTT_MEMORY = 10_000;
/** A delivery rate is measured over at least this long (ms)… */
const SAMPLE = 40;
/** …and the window follows the highest of this many samples (the others may be the page's pauses). */
const SAMPLES = 4;

export class SendWindow {
  /** Bytes acknowledged so far. */
  #acked = 0;
  /** Where each chunk sent and not yet acknowledged ends in the file, and when it went; one per chunk in the window. */
  #flight: { end: number; at: number }[] = [];
  #minRtt = Infinity;
  #minRttAt = 0;
  /** The start of the current rate sample. */
  #from: { bytes: number; at: number } | null = null;
  /** Recent delivery rates, bytes per ms. */
  #rates: number[] = [];
  /** The bytes recent acknowledgements moved on by: the recipient may acknowledge every few chunks. */
  #steps: number[] = [];

  /** Bytes acknowledged so far. */
  get acked(): number {
    return this.#acked;
  }

  /** How many bytes may be unacknowledged now. */
  get size(): number {
    const rate = Math.max(0, ...this.#rates);
    if (!rate || this.#minRtt === Infinity) return MIN_WINDOW;
    // Besides the path's round trip and queue, what arrives between two acknowledgements.
    const step = Math.max(0, Math.max(...this.#steps) - CHUNK_PAYLOAD);
    return Math.round(Math.min(MAX_WINDOW, Math.max(MIN_WINDOW, GAIN * rate * (this.#minRtt + SLACK) + step)));
  }

  /** Whether a chunk may go now, with `sent` bytes sent so far. */
  open(sent: number): boolean {
    return sent - this.#acked < this.size;
  }

  /** A chunk went: the file's bytes sent so far end at `end`. */
  sent(end: number, now = performance.now()): void {
    this.#flight.push({ end, at: now });
    this.#from ??= { bytes: this.#acked, at: now };
  }

  /**
   * The recipient has `bytes` of the file. False (and nothing changes) unless that is more than
   * it had and no more than was sent: a recipient cannot hurry the sender.
   */
  ack(bytes: number, now = performance.now()): boolean {
    const sent = this.#flight.at(-1)?.end ?? this.#acked;
    if (!(bytes > this.#acked && bytes <= sent)) return false;
    this.#steps.push(bytes - this.#acked);
    if (this.#steps.length > SAMPLES) this.#steps.shift();
    this.#acked = bytes;
    let last: { end: number; at: number } | undefined;
    while (this.#flight.length && this.#flight[0].end <= bytes) last = this.#flight.shift();
    if (last && (now - last.at <= this.#minRtt || now - this.#minRttAt > RTT_MEMORY)) {
      this.#minRtt = now - last.at;
      this.#minRttAt = now;
    }
    const from = this.#from;
    if (from && now - from.at >= SAMPLE) {
      this.#rates.push((bytes - from.bytes) / (now - from.at));
      if (this.#rates.length > SAMPLES) this.#rates.shift();
      this.#from = { bytes, at: now };
    }
    return true;
  }
}
