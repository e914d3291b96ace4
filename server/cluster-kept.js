// The messages one rtc-server instance kept in Redis for ids nobody held (see cluster.js,
// `rtc:q:<h>`), counted here so that they stay bounded and their senders hear EXPIRE when
// nobody takes them: per pair (sender, absent destination), as `peer` keeps them, the messages
// lapsing `expireTimeout` after the first.

/** Pairs (sender, absent destination) with messages kept in Redis, per instance. */
const MAX_PAIRS = 10_000;

/**
 * @typedef {object} KeptPair messages this instance kept in Redis from one sender for one absent id
 * @property {string} src
 * @property {string} dst
 * @property {string} queue
 * @property {string[]} entries
 * @property {number} bytes
 * @property {number} until
 */

export class ClusterKept {
  #config;
  #now;
  /** By `src\ndst`, oldest first. */
  #pairs = /** @type {Map<string, KeptPair>} */ (new Map());
  #bytes = 0;

  /**
   * @param {Readonly<import('./config.js').RtcServerConfig>} config
   * @param {() => number} now
   */
  constructor(config, now) {
    this.#config = config;
    this.#now = now;
  }

  /** Pairs with messages kept, and their bytes. */
  get size() {
    return { pairs: this.#pairs.size, bytes: this.#bytes };
  }

  /**
   * Whether one more entry of `length` characters from `src` for `dst` may be kept.
   * @param {string} src
   * @param {string} dst
   * @param {number} length
   */
  hasRoom(src, dst, length) {
    const pair = this.#pairs.get(`${src}\n${dst}`);
    return (
      this.#bytes + length <= this.#config.maxQueuedBytes &&
      (pair ? pair.entries.length < this.#config.maxQueuedPerId : this.#pairs.size < MAX_PAIRS)
    );
  }

  /**
   * An entry from `src` for `dst` was kept in the Redis list `queue`.
   * @param {string} src
   * @param {string} dst
   * @param {string} queue
   * @param {string} entry
   */
  add(src, dst, queue, entry) {
    const pairKey = `${src}\n${dst}`;
    let pair = this.#pairs.get(pairKey);
    if (!pair) {
      // As `peer` does: the messages for an absent id lapse expireTimeout after the first.
      pair = { src, dst, queue, entries: [], bytes: 0, until: this.#now() + this.#config.expireTimeout };
      this.#pairs.set(pairKey, pair);
    }
    pair.entries.push(entry);
    pair.bytes += entry.length;
    this.#bytes += entry.length;
  }

  /**
   * The pairs whose time is up, oldest first, each forgotten as it is taken (so one that gets
   * another message while the caller handles an earlier one still has it counted).
   * @returns {Generator<KeptPair>}
   */
  *takeDue() {
    const now = this.#now();
    for (const [pairKey, pair] of this.#pairs) {
      if (pair.until > now) return;
      this.#pairs.delete(pairKey);
      this.#bytes -= pair.bytes;
      yield pair;
    }
  }

  clear() {
    this.#pairs.clear();
    this.#bytes = 0;
  }
}
