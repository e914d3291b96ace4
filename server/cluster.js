// Several rtc-server instances as one PeerServer, through Redis (`--redis URL`). Each instance
// keeps its own sockets; Redis holds who has which id and carries messages between instances.
//
//   rtc:id:<h>   "<instance>:<token hash>" while held ("~<instance>:…" when the instance granted
//                the claim alone, Redis away; a reservation after a lost connection is
//                "-:<token hash>"), with a TTL refreshed while held: a dead instance's ids lapse.
//   rtc:to:<h>   a channel per held id, subscribed to by the instance that holds it.
//   rtc:q:<h>    a list of messages for an id nobody holds, for `expireTimeout`; the instance
//                that next claims the id takes them, else their sender's instance answers EXPIRE.
//
// <h> is the SHA-256 of the id (base64url): keys and channels have a fixed size whatever a
// client sends. Everything read from Redis is checked (size, type, shape) before a client sees
// it. Without Redis (down, unreachable, not answering: server/redis-backlog.js) the instance
// serves its own peers alone, as one PeerServer would, and tries again with a backoff.
//
// This file holds the link to Redis and the messages passed on; the ids held here are
// server/cluster-held.js's, the messages kept for absent ids server/cluster-kept.js's.

import { randomBytes } from 'node:crypto';
import { ClusterHeld, ttl } from './cluster-held.js';
import { ClusterKept, KEPT_MARGIN } from './cluster-kept.js';
import { SCRIPTS } from './cluster-scripts.js';
import { KEPT_TYPES, RELAYED_TYPES, hashToken, idKey, keys, maxEntryBytes } from './cluster-wire.js';
import { RedisBacklog } from './redis-backlog.js';
import { openConnection } from './redis-connection.js';
import { throttledWarnings } from './warnings.js';

export { HELD_TTL } from './cluster-held.js';

const HEARTBEAT = 1_000;

/**
 * What the cluster needs from the instance's sockets.
 * @typedef {object} ClusterHost
 * @property {(id: string, text: string) => boolean} deliver sends a message to the local client
 *   holding `id`; false when there is none
 * @property {(id: string) => void} moved another instance holds `id` now (it took the id over with
 *   its token, or Redis granted it there while this instance decided alone): the local
 *   connection is let go
 */

export class Cluster {
  /** This instance's name in Redis; a new one on every start. */
  instance = randomBytes(8).toString('hex');
  #url;
  #config;
  #host;
  #logger;
  /** @type {any} commands */
  #redis;
  /** @type {any} the subscriber connection */
  #sub;
  #up = false;
  #closed = false;
  /** @type {ClusterHeld} the ids this instance's clients hold */
  #held;
  /** @type {ClusterKept} */
  #kept;
  /** @type {RedisBacklog} what awaits Redis's answer */
  #backlog;
  /** @type {NodeJS.Timeout | undefined} */
  #beat;
  /** The heartbeat's tasks still running. */
  #busy = /** @type {Set<string>} */ (new Set());
  /** @type {(kind: string, message: string) => void} */
  #warn;

  /**
   * @param {object} options
   * @param {string} options.url redis:// or rediss://
   * @param {Readonly<import('./config.js').RtcServerConfig>} options.config
   * @param {ClusterHost} options.host
   * @param {{ warn?: (message: string) => void }} [options.logger]
   * @param {() => number} [options.now]
   */
  constructor({ url, config, host, logger = {}, now = Date.now }) {
    this.#url = url;
    this.#config = config;
    this.#host = host;
    this.#logger = logger;
    this.#kept = new ClusterKept(config, now);
    // Redis going away is worth a line a minute, not more.
    this.#warn = throttledWarnings(logger, now, 60_000);
    this.#held = new ClusterHeld({ instance: this.instance, config, host, up: () => this.up, warn: this.#warn, now });
  }

  /** Whether Redis answers now; when not, the instance serves its own peers alone. */
  get up() {
    return this.#up && !this.#closed;
  }

  /** Ids held here, message pairs kept in Redis, bytes Redis has not answered: for tests and diagnostics. */
  get size() {
    const kept = this.#kept.size;
    return { held: this.#held.size, pending: kept.pairs, pendingBytes: kept.bytes, unanswered: this.#backlog?.bytes ?? 0 };
  }

  /**
   * Connects to Redis (the client is loaded only now). Resolves once it answers or after
   * `wait` ms; the instance starts either way and joins the others when Redis comes. Rejects
   * when Redis refuses the user, the password or the database meanwhile.
   * @param {number} [wait]
   */
  async start(wait = 3000) {
    const { Redis } = await import('ioredis');
    /** @type {((reason: string) => void) | undefined} */
    let refusedAtStart;
    const refused = new Promise((resolve) => (refusedAtStart = resolve));
    /** @type {import('./redis-connection.js').ConnectionEvents} */
    const on = {
      ready: () => void this.#ready(),
      down: (reason, refusal) => (refusal && refusedAtStart ? refusedAtStart(reason) : this.#down(reason)),
    };
    this.#redis = openConnection(Redis, this.#url, on);
    this.#sub = openConnection(Redis, this.#url, on);
    this.#backlog = new RedisBacklog({
      connections: [this.#redis, this.#sub],
      // A second's worth of one client at the relay rate, published and kept.
      maxBytesPerSender: 2 * this.#config.maxRelayedBytesPerSecond,
      on: { stalled: (reason) => this.#down(reason), answered: () => void this.#ready() },
    });
    for (const [name, { lua, numberOfKeys }] of Object.entries(SCRIPTS)) this.#redis.defineCommand(name, { lua, numberOfKeys });
    this.#held.connect(this.#redis, this.#sub);
    this.#sub.on('message', (/** @type {unknown} */ channel, /** @type {unknown} */ text) => this.#held.received(channel, text));
    this.#beat = setInterval(() => void this.#heartbeat(), HEARTBEAT);
    this.#beat.unref();
    const connected = Promise.all([this.#redis.connect(), this.#sub.connect()]);
    let timer;
    const refusal = await Promise.race([connected.catch(() => {}), refused, new Promise((resolve) => (timer = setTimeout(resolve, wait)))]);
    clearTimeout(timer);
    refusedAtStart = undefined;
    if (typeof refusal !== 'string') return;
    // Another attempt would be refused too: a wrong user, password or database in the URL.
    await this.close();
    throw new Error(`Redis refused this server (${refusal}): check the user, the password and the database in the Redis URL`);
  }

  /**
   * Whether `token` may claim `id` across the cluster; claims it if so. Answers 'alone' while
   * Redis is away: the instance decides alone then.
   * @param {string} id
   * @param {string} token
   * @returns {Promise<boolean | 'alone'>}
   */
  async claim(id, token) {
    if (!this.up) return 'alone';
    const key = keys(id);
    const tokenHash = hashToken(id, token);
    try {
      const result = await this.#redis.rtcClaim(key.id, this.instance, tokenHash, ttl(id, this.#config));
      if (result === 0) return false;
      if (result === 2) await this.#redis.publish(key.channel, `v${this.instance}`);
      return true;
    } catch (error) {
      this.#warn('command', `Redis: ${/** @type {Error} */ (error).message}; the claim of an id was decided here alone`);
      return 'alone';
    }
  }

  /**
   * A claim that `claim` granted was never used (the socket went, `peer` refused it): free it.
   * @param {string} id
   * @param {string} token
   */
  unclaim(id, token) {
    if (!this.up || this.#held.has(id)) return;
    const key = keys(id);
    this.#redis.rtcRelease(1, key.id, `${this.instance}:${hashToken(id, token)}`, '', '0').catch(() => {});
  }

  /**
   * This instance let a reservation go before its time (IdClaims: too many from one address, or
   * in all): it goes in Redis too, unless the id is held again meanwhile. So one address
   * reserves no more across the cluster than on one instance.
   * @param {string} hash the SHA-256 of the id, base64url
   */
  unreserve(hash) {
    const key = idKey(hash);
    this.#held.unreserved(key);
    if (this.up) this.#redis.rtcUnreserve(key).catch(() => {});
  }

  /**
   * A client of this instance holds `id`: messages for it come here, and what was kept for it
   * is delivered.
   * @param {string} id
   * @param {string} token
   * @param {boolean} alone whether this instance granted the claim without Redis's word
   */
  held(id, token, alone) {
    if (!this.#closed) this.#held.hold(id, token, alone);
  }

  /**
   * The client holding `id` here is gone. Unless it gave the id up, the id stays reserved for its
   * token for `idGraceTimeout`, on every instance.
   * @param {string} id
   * @param {string} token
   * @param {boolean} givenUp
   */
  dropped(id, token, givenUp) {
    this.#held.drop(id, token, givenUp);
  }

  /**
   * Passes on a message from the local client `src` for an id not held here. False when Redis
   * is away: then `peer` handles it as one PeerServer would.
   * @param {string} src
   * @param {string} address the client address of `src`, whose share of kept messages it counts to
   * @param {{ type: string, dst: string, payload?: unknown }} message
   * @returns {boolean}
   */
  relay(src, address, message) {
    if (!this.up || !RELAYED_TYPES.has(message.type) || typeof message.dst !== 'string' || message.dst === '') return false;
    const { type, dst, payload } = message;
    void this.#send({ type, src, dst, payload }, address, KEPT_TYPES.has(type));
    return true;
  }

  /** Frees or reserves every id held here, and leaves Redis. */
  async close() {
    if (this.#closed) return;
    clearInterval(this.#beat);
    const wasUp = this.up;
    this.#closed = true;
    await this.#held.releaseAll(wasUp);
    this.#kept.clear();
    await Promise.all(
      [this.#redis, this.#sub].map((connection) =>
        connection?.status === 'ready' ? connection.quit().catch(() => connection.disconnect()) : connection?.disconnect(),
      ),
    );
  }

  /**
   * @param {{ type: string, src: string, dst: string, payload?: unknown }} message
   * @param {string} [from] the sender's client address, whose share of the backlog it counts
   *   against; none for the instance's own EXPIREs
   * @param {boolean} [keep] to keep it for an absent id, as `peer` keeps these types
   */
  async #send(message, from, keep = false) {
    const key = keys(message.dst);
    const entry = JSON.stringify(message);
    const bytes = Buffer.byteLength(entry);
    // Written again, a client's message can be four times what it sent (`1e20` is 21 digits):
    // the instance it is for would drop it, so it is not sent there.
    if (bytes > maxEntryBytes(this.#config)) {
      this.#warn('grown', `dropped a message for another instance: ${bytes} bytes once written again, past ${maxEntryBytes(this.#config)}`);
      if (keep) this.#expire(message.src, message.dst);
      return;
    }
    const room = keep && from !== undefined && this.#kept.hasRoom(message.src, from, message.dst, entry.length);
    // Counted before Redis answers, so that a burst meets the caps; taken back if not kept.
    if (room) this.#kept.add(message.src, from, message.dst, key.queue, entry);
    const args = [key.channel, key.queue, entry, room ? '1' : '0', this.#config.maxQueuedPerId, this.#config.expireTimeout + KEPT_MARGIN];
    // Sent to Redis once, and counted twice: Redis may hold it published and kept.
    let result = await this.#backlog.send(this.#redis, 2 * bytes, () => this.#redis.rtcSend(...args), from).catch((error) => {
      this.#warn('command', `Redis: ${/** @type {Error} */ (error).message}; a message was not passed on`);
      return -1;
    });
    if (result === undefined) {
      this.#warn('backlog', `Redis: ${this.#backlog.bytes} bytes passed on and not answered yet; a message past that bound, or past its sender's share of it, was refused`);
      result = -1;
    }
    if (room && result !== 0) this.#kept.remove(message.src, /** @type {string} */ (from), message.dst, entry);
    if (typeof result !== 'number' || result > 0 || !keep || (result === 0 && room)) return;
    // Not passed on, or no room to keep it: the sender hears at once what it would have heard later.
    this.#expire(message.src, message.dst);
  }

  /**
   * A message from `src` for the local client `dst` was dropped here (its queue is full):
   * `src` hears EXPIRE, wherever it is.
   * @param {string} src
   * @param {string} dst
   */
  expire(src, dst) {
    this.#expire(src, dst);
  }

  /**
   * Tells `src` that `dst` did not take its messages: EXPIRE, from `dst`, wherever `src` is.
   * @param {string} src
   * @param {string} dst
   */
  #expire(src, dst) {
    const text = JSON.stringify({ type: 'EXPIRE', src: dst, dst: src });
    if (this.#host.deliver(src, text)) return;
    if (this.up) void this.#send({ type: 'EXPIRE', src: dst, dst: src });
  }

  /**
   * Renews the TTLs of held ids, and answers EXPIRE for kept messages nobody took: each on its
   * own, so that many of the latter never hold up the former.
   */
  #heartbeat() {
    this.#backlog.beat();
    void this.#alone('renew', () => this.#held.renewDue());
    void this.#alone('expire', () => this.#kept.expireDue(() => (this.up ? this.#redis : undefined), (src, dst) => this.#expire(src, dst)));
  }

  /**
   * Runs `task` unless the last one of its kind is still running.
   * @param {'renew' | 'expire'} kind
   * @param {() => Promise<void>} task
   */
  async #alone(kind, task) {
    if (this.#busy.has(kind)) return;
    this.#busy.add(kind);
    try {
      await task();
    } finally {
      this.#busy.delete(kind);
    }
  }

  async #ready() {
    if (this.#closed || this.#up || this.#redis.status !== 'ready' || this.#sub.status !== 'ready' || this.#backlog.stalled) return;
    this.#up = true;
    this.#logger.warn?.(`Redis: connected as instance ${this.instance}`);
    await this.#held.rejoin();
  }

  /** @param {string} reason */
  #down(reason) {
    if (!this.#up || this.#closed) {
      if (!this.#closed) this.#warn('unreachable', `Redis unreachable (${reason}): serving this instance's peers alone, retrying`);
      return;
    }
    this.#up = false;
    // Logged once per outage.
    this.#logger.warn?.(`Redis lost (${reason}): serving this instance's peers alone until it is back, retrying`);
  }
}
