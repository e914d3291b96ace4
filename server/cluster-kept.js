// The messages one rtc-server instance kept in Redis for ids nobody held (see cluster.js,
// `rtc:q:<h>`), counted here so that they stay bounded and their senders hear EXPIRE when
// nobody takes them: per pair (sender, absent destination), as `peer` keeps them, the messages
// lapsing `expireTimeout` after the first. Each sender, by peer id and by client address, has a
// share of what this instance keeps, as on one instance (server/kept-messages.js).

/** Pairs (sender, absent destination) with messages kept in Redis, per instance. */
const MAX_PAIRS = 10_000;
/** Most pairs whose EXPIRE one heartbeat (a second) works out: more than MAX_PAIRS in 5 s. */
const DUE_PER_BEAT = 2500;
/** Pairs taken out of Redis in one script call. */
const BATCH = 500;
/**
 * How long Redis keeps a list past `expireTimeout`: until the beats have reached every pair of
 * a full table, and 2 s more. A list that lapsed first would pass for one a claim had taken,
 * and its senders would never hear EXPIRE.
 */
export const KEPT_MARGIN = 2000 + Math.ceil(MAX_PAIRS / DUE_PER_BEAT) * 1000;

/**
 * @typedef {object} KeptPair messages this instance kept in Redis from one sender for one absent id
 * @property {string} src
 * @property {string} address the sender's client address (server/client-address.js)
 * @property {string} dst
 * @property {string} queue
 * @property {string[]} entries
 * @property {number} bytes
 * @property {number} until
 */

export class ClusterKept {
  #config;
  #now;
  /** By `src\naddress\ndst` (an id that moved to another address has a pair from each), oldest first. */
  #pairs = /** @type {Map<string, KeptPair>} */ (new Map());
  #bytes = 0;
  /** Bytes kept per destination, from every sender: what it is sent at once when it connects. */
  #byDst = /** @type {Map<string, number>} */ (new Map());
  /** Bytes kept per sender id and per sender address, for their shares. */
  #bySrc = /** @type {Map<string, number>} */ (new Map());
  #byAddress = /** @type {Map<string, number>} */ (new Map());
  /** The most kept for one destination: half the slow-reader limit, as on one instance. */
  #bytesPerDst;

  /**
   * @param {Readonly<import('./config.js').RtcServerConfig>} config
   * @param {() => number} now
   */
  constructor(config, now) {
    this.#config = config;
    this.#now = now;
    this.#bytesPerDst = Math.max(config.maxMessageBytes, Math.floor(config.maxBufferedBytes / 2));
  }

  /** Pairs with messages kept, their bytes, and the senders (ids, addresses) they came from. */
  get size() {
    return { pairs: this.#pairs.size, bytes: this.#bytes, senders: this.#bySrc.size, addresses: this.#byAddress.size };
  }

  /**
   * Whether one more entry of `length` characters from `src` at `address` for `dst` may be kept.
   * @param {string} src
   * @param {string} address
   * @param {string} dst
   * @param {number} length
   */
  hasRoom(src, address, dst, length) {
    const pair = this.#pairs.get(`${src}\n${address}\n${dst}`);
    const share = this.#config.maxQueuedBytesPerSender;
    return (
      this.#bytes + length <= this.#config.maxQueuedBytes &&
      (this.#byDst.get(dst) ?? 0) + length <= this.#bytesPerDst &&
      (this.#bySrc.get(src) ?? 0) + length <= share &&
      (this.#byAddress.get(address) ?? 0) + length <= share &&
      (pair ? pair.entries.length < this.#config.maxQueuedPerId : this.#pairs.size < MAX_PAIRS)
    );
  }

  /**
   * An entry from `src` at `address` for `dst` was kept in the Redis list `queue`.
   * @param {string} src
   * @param {string} address
   * @param {string} dst
   * @param {string} queue
   * @param {string} entry
   */
  add(src, address, dst, queue, entry) {
    const pairKey = `${src}\n${address}\n${dst}`;
    let pair = this.#pairs.get(pairKey);
    if (!pair) {
      // As `peer` does: the messages for an absent id lapse expireTimeout after the first.
      pair = { src, address, dst, queue, entries: [], bytes: 0, until: this.#now() + this.#config.expireTimeout };
      this.#pairs.set(pairKey, pair);
    }
    pair.entries.push(entry);
    this.#count(pair, entry.length);
  }

  /**
   * An entry counted by `add` before Redis answered was not kept after all: taken back.
   * @param {string} src
   * @param {string} address
   * @param {string} dst
   * @param {string} entry
   */
  remove(src, address, dst, entry) {
    const pairKey = `${src}\n${address}\n${dst}`;
    const pair = this.#pairs.get(pairKey);
    const at = pair?.entries.lastIndexOf(entry) ?? -1;
    if (!pair || at < 0) return;
    pair.entries.splice(at, 1);
    this.#count(pair, -entry.length);
    if (pair.entries.length === 0) this.#pairs.delete(pairKey);
  }

  /**
   * @param {KeptPair} pair
   * @param {number} bytes
   */
  #count(pair, bytes) {
    pair.bytes += bytes;
    this.#bytes += bytes;
    add(this.#byDst, pair.dst, bytes);
    add(this.#bySrc, pair.src, bytes);
    add(this.#byAddress, pair.address, bytes);
  }

  /**
   * Answers EXPIRE for the pairs whose time is up and whose messages nobody took, oldest first,
   * at most DUE_PER_BEAT a call. Their messages are taken out of Redis in script calls of BATCH
   * pairs; a pair Redis did not answer for counts as not taken.
   * @param {() => any} commands the Redis connection for commands, or undefined while Redis is away
   * @param {(src: string, dst: string) => void} expire
   */
  async expireDue(commands, expire) {
    const due = this.#takeDue(DUE_PER_BEAT);
    for (let i = 0; i < due.length; i += BATCH) {
      const batch = due.slice(i, i + BATCH);
      /** @type {unknown} */
      let left;
      const redis = commands();
      if (redis) {
        const args = batch.flatMap((pair) => [String(pair.entries.length), ...pair.entries]);
        left = await redis.rtcUnkeep(batch.length, ...batch.map((pair) => pair.queue), ...args).catch(() => undefined);
      }
      batch.forEach((pair, j) => {
        if (!Array.isArray(left) || Number(left[j]) > 0) expire(pair.src, pair.dst);
      });
    }
  }

  /**
   * Up to `most` pairs whose time is up, oldest first, each forgotten as it is taken (so one
   * that gets another message while the caller handles an earlier one still has it counted).
   * @param {number} most
   */
  #takeDue(most) {
    const now = this.#now();
    /** @type {KeptPair[]} */
    const due = [];
    for (const [pairKey, pair] of this.#pairs) {
      if (pair.until > now || due.length >= most) break;
      this.#pairs.delete(pairKey);
      this.#count(pair, -pair.bytes);
      due.push(pair);
    }
    return due;
  }

  clear() {
    this.#pairs.clear();
    this.#byDst.clear();
    this.#bySrc.clear();
    this.#byAddress.clear();
    this.#bytes = 0;
  }
}

/**
 * Adds `bytes` (or takes them off, when negative) to `key`'s count; a key with none left goes.
 * @param {Map<string, number>} counts
 * @param {string} key
 * @param {number} bytes
 */
function add(counts, key, bytes) {
  const left = (counts.get(key) ?? 0) + bytes;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}
