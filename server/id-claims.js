// Which token may claim which peer id. A PeerJS client sends `id` and `token` with its
// WebSocket; the stock PeerServer forgets the pair as soon as the socket closes, so after a lost
// connection or a server restart anyone who knows the id (the room protocol tells every member
// everyone's) can claim it first and lock its owner out. Here an id stays bound to its token for
// a grace period after the connection was lost, and, with a state file, across a restart.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';

const STATE_VERSION = 1;
/** How soon after a change the state file is written (a crash loses at most this much). */
const SAVE_DELAY = 2000;

/**
 * Ids that change hands by design: a room's beacon id (`rtc-room-` + hex, see
 * src/session/ids.ts) is taken over by another member, with another token, when its holder
 * goes. They are bound only while held, as on a stock PeerServer.
 */
export const HANDED_OVER = /^rtc-room-/;

/**
 * @typedef {object} Binding an id reserved for its token after the connection was lost
 * @property {Buffer} token hash of the token
 * @property {string | null} address where it was held from; null for one restored from the state file
 * @property {number} until when it lapses
 */

/**
 * What holds an id: the PeerServer's WebSocket, with the client `peer` gave it to.
 * @typedef {{ readonly address: string, readonly client: { getToken(): string } | undefined }} Holder
 */

export class IdClaims {
  /**
   * Held ids: the id → its holder. Never larger than the PeerServer's client list, whose ids
   * `peer` keeps as they are too; nothing is hashed while a connection opens.
   */
  #held = /** @type {Map<string, Holder>} */ (new Map());
  /** Ids whose connection was lost, oldest lapse first: the id's hash → binding. */
  #released = /** @type {Map<string, Binding>} */ (new Map());
  /** Released ids by address, oldest first, to bound what one address can reserve. */
  #releasedByAddress = /** @type {Map<string, Set<string>>} */ (new Map());
  #salt = randomBytes(16).toString('base64');
  #graceTimeout;
  #maxReleased;
  #maxReleasedPerAddress;
  #stateFile;
  #logger;
  #evicted;
  #now;
  /** @type {NodeJS.Timeout | undefined} */
  #saveTimer;
  /** @type {Promise<void>} */
  #saving = Promise.resolve();
  #closed = false;
  #lastId = '';
  #lastKey = '';

  /**
   * @param {object} options
   * @param {number} options.graceTimeout ms a lost connection's id stays bound
   * @param {number} options.maxReleased most ids bound without a connection
   * @param {number} options.maxReleasedPerAddress most of those from one address
   * @param {string} [options.stateFile]
   * @param {{ warn?: (message: string) => void }} [options.logger]
   * @param {(key: string) => void} [options.evicted] a reservation was let go before its time, there
   *   being too many: the SHA-256 of its id (base64url), as the cluster's keys name it
   * @param {() => number} [options.now]
   */
  constructor({ graceTimeout, maxReleased, maxReleasedPerAddress, stateFile, logger = {}, evicted = () => {}, now = Date.now }) {
    this.#graceTimeout = graceTimeout;
    this.#maxReleased = maxReleased;
    this.#maxReleasedPerAddress = maxReleasedPerAddress;
    this.#stateFile = stateFile;
    this.#logger = logger;
    this.#evicted = evicted;
    this.#now = now;
  }

  /** Whether `token` may claim `id`: nobody holds or reserves it, or its holder had that token. */
  mayClaim(/** @type {string} */ id, /** @type {string} */ token) {
    const holder = this.#held.get(id);
    if (holder) return !holder.client || this.#sameToken(holder.client.getToken(), token);
    // Most connections meet no reservation at all: no hashing then.
    if (this.#released.size === 0) return true;
    this.#sweep();
    const key = this.#keyOf(id);
    const binding = this.#released.get(key);
    if (!binding) return true;
    if (binding.until <= this.#now()) {
      this.#unrelease(key);
      return true;
    }
    return timingSafeEqual(binding.token, this.#hashToken(token));
  }

  /**
   * The PeerServer gave `id` to a client, on the WebSocket `holder`.
   * @param {string} id
   * @param {Holder} holder
   */
  held(id, holder) {
    if (this.#released.size > 0) this.#unrelease(this.#keyOf(id));
    this.#held.set(id, holder);
    this.#changed();
  }

  /**
   * The WebSocket that holds `id`, if any.
   * @param {string} id
   * @returns {Holder | undefined}
   */
  holder(id) {
    return this.#held.get(id);
  }

  /**
   * The PeerServer dropped a client. A client that closed its WebSocket itself gave its id up
   * (PeerJS `destroy()`, a closed tab): it is free at once. Any other end (the network broke,
   * heartbeats stopped, the server cut it off or shut down) leaves the id reserved for the
   * token for the grace period.
   * @param {string} id
   * @param {Holder} holder
   * @param {boolean} givenUp
   */
  dropped(id, holder, givenUp) {
    if (this.#held.get(id) !== holder) return;
    this.#held.delete(id);
    const token = holder.client?.getToken();
    if (!givenUp && token !== undefined && !HANDED_OVER.test(id)) {
      this.#release(this.#keyOf(id), this.#hashToken(token), holder.address, this.#now() + this.#graceTimeout);
    }
    this.#changed();
  }

  /** Bindings now held and reserved: for tests and diagnostics. */
  get size() {
    this.#sweep();
    return { held: this.#held.size, reserved: this.#released.size };
  }

  /** Reads the state file, if there is one; the time spent down does not count against the grace. */
  async load() {
    if (!this.#stateFile) return;
    let text;
    try {
      text = await readFile(this.#stateFile, 'utf8');
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT') return;
      this.#logger.warn?.(`id bindings not restored: ${/** @type {Error} */ (error).message}`);
      return;
    }
    let state;
    try {
      state = JSON.parse(text);
    } catch {
      state = undefined;
    }
    if (
      !state ||
      state.version !== STATE_VERSION ||
      typeof state.salt !== 'string' ||
      !/^[A-Za-z0-9+/]{22}==$/.test(state.salt) ||
      !Array.isArray(state.ids)
    ) {
      this.#logger.warn?.(`id bindings not restored: ${this.#stateFile} is not an rtc-server state file`);
      return;
    }
    this.#salt = state.salt;
    const now = this.#now();
    /** @type {[string, string, number][]} */
    const entries = [];
    for (const entry of state.ids.slice(0, this.#maxReleased)) {
      if (!Array.isArray(entry)) continue;
      const [key, token, remaining] = entry;
      if (typeof key !== 'string' || !/^[\w-]{43}$/.test(key)) continue;
      if (typeof token !== 'string' || !/^[\w-]{43}$/.test(token)) continue;
      if (typeof remaining !== 'number' || !(remaining > 0)) continue;
      entries.push([key, token, Math.min(remaining, this.#graceTimeout)]);
    }
    // In lapse order, as #sweep expects.
    entries.sort((a, b) => a[2] - b[2]);
    for (const [key, token, remaining] of entries) {
      this.#release(key, Buffer.from(token, 'base64url'), null, now + remaining);
    }
  }

  /**
   * Writes the state file now (held ids count as lost now) and stops writing it.
   * @returns {Promise<void>}
   */
  close() {
    if (this.#closed) return this.#saving;
    this.#closed = true;
    clearTimeout(this.#saveTimer);
    return this.#save();
  }

  #changed() {
    if (!this.#stateFile || this.#closed || this.#saveTimer) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = undefined;
      void this.#save();
    }, SAVE_DELAY);
    this.#saveTimer.unref();
  }

  /** Writes through a temporary file and a rename, so that a crash leaves the old file or the new one. */
  #save() {
    const file = this.#stateFile;
    if (!file) return this.#saving;
    this.#saving = this.#saving.then(async () => {
      this.#sweep();
      const now = this.#now();
      /** @type {[string, string, number][]} */
      const ids = [];
      for (const [id, holder] of this.#held) {
        const token = holder.client?.getToken();
        if (token !== undefined && !HANDED_OVER.test(id)) ids.push([hashId(id), this.#hashToken(token).toString('base64url'), this.#graceTimeout]);
      }
      for (const [key, binding] of this.#released) ids.push([key, binding.token.toString('base64url'), binding.until - now]);
      // A name nobody can guess, created afresh ('wx'): a link planted there is never followed.
      const temporary = `${file}.${randomBytes(9).toString('base64url')}.tmp`;
      try {
        await writeFile(temporary, JSON.stringify({ version: STATE_VERSION, salt: this.#salt, ids }), { mode: 0o600, flag: 'wx' });
        await rename(temporary, file);
      } catch (error) {
        this.#logger.warn?.(`id bindings not saved: ${/** @type {Error} */ (error).message}`);
        await rm(temporary, { force: true }).catch(() => {});
      }
    });
    return this.#saving;
  }

  /**
   * @param {string} key
   * @param {Buffer} token
   * @param {string | null} address
   * @param {number} until
   */
  #release(key, token, address, until) {
    this.#unrelease(key);
    this.#released.set(key, { token, address, until });
    if (address !== null) {
      let keys = this.#releasedByAddress.get(address);
      if (!keys) this.#releasedByAddress.set(address, (keys = new Set()));
      keys.add(key);
      // One address churning through connections evicts its own reservations, no one else's.
      if (keys.size > this.#maxReleasedPerAddress) this.#evict(/** @type {string} */ (keys.values().next().value));
    }
    if (this.#released.size > this.#maxReleased) this.#evict(this.#evictable());
  }

  /**
   * Lets a reservation go before its time, here and wherever else it is kept (Redis).
   * @param {string} key
   */
  #evict(key) {
    this.#unrelease(key);
    this.#evicted(key);
  }

  /**
   * The reservation to let go when there are too many: the oldest of the address that holds the
   * most, so that churn from many addresses evicts its own before anyone else's (the oldest of
   * all when none has an address, as after a restart from an older state file).
   * @returns {string}
   */
  #evictable() {
    /** @type {Set<string> | undefined} */
    let most;
    for (const keys of this.#releasedByAddress.values()) if (!most || keys.size > most.size) most = keys;
    return /** @type {string} */ ((most && most.size > 1 ? most : this.#released).keys().next().value);
  }

  /** @param {string} key */
  #unrelease(key) {
    const binding = this.#released.get(key);
    if (!binding) return;
    this.#released.delete(key);
    if (binding.address === null) return;
    const keys = this.#releasedByAddress.get(binding.address);
    keys?.delete(key);
    if (keys?.size === 0) this.#releasedByAddress.delete(binding.address);
  }

  /** Drops lapsed reservations. Every one has the same grace, so they lapse in insertion order. */
  #sweep() {
    const now = this.#now();
    for (const [key, binding] of this.#released) {
      if (binding.until > now) break;
      this.#unrelease(key);
    }
  }

  /**
   * The key of `id` among reservations; the last one is remembered, since a connection asks for
   * it twice (claimed, then held).
   * @param {string} id
   */
  #keyOf(id) {
    if (id !== this.#lastId) {
      this.#lastId = id;
      this.#lastKey = hashId(id);
    }
    return this.#lastKey;
  }

  /**
   * Compares two tokens in a time that does not tell how much of them matched.
   * @param {string} a
   * @param {string} b
   */
  #sameToken(a, b) {
    return timingSafeEqual(this.#hashToken(a), this.#hashToken(b));
  }

  /** @param {string} token */
  #hashToken(token) {
    return createHash('sha256').update(`${this.#salt}\n${token}`).digest();
  }
}

/**
 * Ids are kept hashed: a fixed size whatever a client sends, and the state file lists no ids.
 * @param {string} id
 */
function hashId(id) {
  return createHash('sha256').update(id).digest('base64url');
}
