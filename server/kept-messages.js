// What `peer` keeps for peer ids that are not connected (OFFER, ANSWER and CANDIDATE, until
// expireTimeout), as counted by the guard around it (server/socket-guard.js): `peer` keeps without
// limit, so the guard refuses a message that would not fit and needs to know what is kept. Each
// sender, by peer id and by client address, has a share of the total: one client filling it
// would otherwise have every other message for a free id refused (a newcomer's intro to a room's
// beacon id among them).

/** Message types that `peer` keeps for a destination that is not connected. */
const KEPT_TYPES = new Set(['OFFER', 'ANSWER', 'CANDIDATE']);
/** `peer` sweeps kept messages once a second; a count outlives its messages by this much. */
const KEPT_SLACK = 2000;

/**
 * @typedef {object} Sender who sent a message
 * @property {string} id its peer id
 * @property {string} address its client address, as server/client-address.js makes it
 */

/**
 * @typedef {object} Kept messages kept by `peer` for one absent destination, as counted here
 * @property {number} count
 * @property {number} bytes
 * @property {number} until when `peer` has surely dropped them
 * @property {Map<string, number>} byId their bytes by sender id (at most `count` entries)
 * @property {Map<string, number>} byAddress their bytes by sender address
 */

export class KeptMessages {
  #config;
  #now;
  /** By destination, least recently added first. */
  #kept = /** @type {Map<string, Kept>} */ (new Map());
  /** Destinations whose next message might not fit. */
  #nearlyFull = /** @type {Set<string>} */ (new Set());
  #bytes = 0;
  #bytesPerId;
  /** Bytes kept from each sender id and each sender address; one with none has no entry. */
  #byId = /** @type {Map<string, number>} */ (new Map());
  #byAddress = /** @type {Map<string, number>} */ (new Map());

  /**
   * @param {Readonly<import('./config.js').RtcServerConfig>} config
   * @param {() => number} now
   */
  constructor(config, now) {
    this.#config = config;
    this.#now = now;
    // Kept messages are flushed to their destination at once when it connects: half the
    // slow-reader limit leaves room for everything else it is sent meanwhile.
    this.#bytesPerId = Math.max(config.maxMessageBytes, Math.floor(config.maxBufferedBytes / 2));
  }

  /**
   * Whether a message of `size` bytes (as `peer` will send it) from `from` might not fit,
   * whatever its destination: only then does the guard need to look into it before `peer` does.
   * One larger than a client may send (`peer`'s JSON of it is longer) always needs a look.
   * @param {number} size
   * @param {Sender} from
   */
  mayNotFit(size, from) {
    if (this.#kept.size > 0) this.#sweep();
    return (
      this.#nearlyFull.size > 0 ||
      size > this.#config.maxMessageBytes ||
      this.#bytes + size > this.#config.maxQueuedBytes ||
      !this.withinShare(from, size)
    );
  }

  /**
   * Whether one more message of `size` bytes from `from` stays within its share.
   * @param {Sender} from
   * @param {number} size
   */
  withinShare(from, size) {
    const share = this.#config.maxQueuedBytesPerSender;
    return (this.#byId.get(from.id) ?? 0) + size <= share && (this.#byAddress.get(from.address) ?? 0) + size <= share;
  }

  /**
   * The destination under which `peer` keeps `message` if it is absent; undefined for a message
   * `peer` never keeps. Any destination that is not a string can never connect: one entry for all.
   * @param {any} message
   * @returns {string | undefined}
   */
  destination(message) {
    if (message === null || typeof message !== 'object' || !KEPT_TYPES.has(message.type) || !message.dst) return undefined;
    return typeof message.dst === 'string' ? message.dst : '\u0000not-an-id';
  }

  /**
   * Whether one more message of `size` bytes for `to` fits.
   * @param {string} to
   * @param {number} size
   */
  fits(to, size) {
    const kept = this.#kept.get(to);
    if (this.#bytes + size > this.#config.maxQueuedBytes) return false;
    return !kept || (kept.count < this.#config.maxQueuedPerId && kept.bytes + size <= this.#bytesPerId);
  }

  /**
   * `peer` kept a message of `size` bytes from `from` for `to`.
   * @param {string} to
   * @param {Sender} from
   * @param {number} size
   */
  add(to, from, size) {
    const kept = this.#kept.get(to) ?? { count: 0, bytes: 0, until: 0, byId: new Map(), byAddress: new Map() };
    this.#kept.delete(to);
    kept.count += 1;
    kept.bytes += size;
    kept.byId.set(from.id, (kept.byId.get(from.id) ?? 0) + size);
    kept.byAddress.set(from.address, (kept.byAddress.get(from.address) ?? 0) + size);
    this.#byId.set(from.id, (this.#byId.get(from.id) ?? 0) + size);
    this.#byAddress.set(from.address, (this.#byAddress.get(from.address) ?? 0) + size);
    kept.until = this.#now() + this.#config.expireTimeout + KEPT_SLACK;
    this.#kept.set(to, kept);
    this.#bytes += size;
    if (kept.count >= this.#config.maxQueuedPerId || kept.bytes + this.#config.maxMessageBytes > this.#bytesPerId) {
      this.#nearlyFull.add(to);
    }
  }

  /**
   * `to` connected: `peer` delivered whatever it kept for it.
   * @param {string} to
   */
  forget(to) {
    const kept = this.#kept.get(to);
    if (!kept) return;
    this.#kept.delete(to);
    this.#nearlyFull.delete(to);
    this.#bytes -= kept.bytes;
    for (const [id, bytes] of kept.byId) uncount(this.#byId, id, bytes);
    for (const [address, bytes] of kept.byAddress) uncount(this.#byAddress, address, bytes);
  }

  /** Kept messages now, and how many senders (ids, addresses) they came from: for tests and diagnostics. */
  get stats() {
    this.#sweep();
    let count = 0;
    for (const kept of this.#kept.values()) count += kept.count;
    return { ids: this.#kept.size, count, bytes: this.#bytes, senders: this.#byId.size, addresses: this.#byAddress.size };
  }

  /** Forgets counts whose messages `peer` has dropped; they lapse in the order they were last added to. */
  #sweep() {
    const now = this.#now();
    for (const [to, kept] of this.#kept) {
      if (kept.until > now) break;
      this.forget(to);
    }
  }
}

/**
 * Takes `bytes` off `key`'s count, and its entry once none are left.
 * @param {Map<string, number>} counts
 * @param {string} key
 * @param {number} bytes
 */
function uncount(counts, key, bytes) {
  const left = (counts.get(key) ?? 0) - bytes;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}
