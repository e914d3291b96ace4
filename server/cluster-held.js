// The ids that clients of one rtc-server instance hold (see cluster.js, `rtc:id:<h>` and
// `rtc:to:<h>`): each one's key and channel in Redis, its subscription and the messages that
// come through it, the renewal of its TTL while held, and its release or reservation when its
// client goes or the instance stops.

import { HANDED_OVER } from './id-claims.js';
import { INSTANCE, hashToken, keys, maxEntryBytes, readRelayed } from './cluster-wire.js';

/** How long a held beacon id outlives its instance; the heartbeat renews held ids at a third of it. */
export const HELD_TTL = 15_000;
/** Most keys in one refresh or release script call. */
const BATCH = 500;

/**
 * @typedef {object} LetGo an id let go here: Redis is told again when it comes back
 * @property {string} held its value in Redis while held here
 * @property {string} reservation `-:<token hash>` while it stays reserved for its token, '' when freed
 * @property {number} until when that lapses
 */

/**
 * @typedef {object} LocalId an id held by a client of this instance
 * @property {string} key
 * @property {string} channel
 * @property {string} queue
 * @property {string} value `<instance>:<token hash>`, after a `~` when the instance decided the claim
 *   alone, Redis away: such a claim yields to one Redis granted (cluster-scripts.js, rtcRefresh)
 * @property {string} tokenHash
 * @property {boolean} reserve whether it stays reserved for its token after a lost connection
 * @property {number} ttl
 * @property {number} refreshed when its TTL was last renewed
 * @property {string[] | null} early messages that came through the channel before the queue was drained
 */

export class ClusterHeld {
  #local = /** @type {Map<string, LocalId>} */ (new Map());
  #byChannel = /** @type {Map<string, string>} */ (new Map());
  /**
   * Ids let go here, by key, oldest first, until they lapse: the reservations (Redis may come
   * back from an outage empty, having lost them) and what was let go while Redis was away (it
   * would stay held there until its TTL ran out, 5 minutes by default). At most `concurrentLimit`.
   */
  #letGo = /** @type {Map<string, LetGo>} */ (new Map());
  #instance;
  #config;
  #host;
  #up;
  #warn;
  #now;
  #maxEntryBytes;
  /** @type {any} commands */
  #redis;
  /** @type {any} the subscriber connection */
  #sub;

  /**
   * @param {object} options
   * @param {string} options.instance this instance's name in Redis
   * @param {Readonly<import('./config.js').RtcServerConfig>} options.config
   * @param {import('./cluster.js').ClusterHost} options.host
   * @param {() => boolean} options.up whether Redis answers now
   * @param {(kind: string, message: string) => void} options.warn
   * @param {() => number} options.now
   */
  constructor({ instance, config, host, up, warn, now }) {
    this.#instance = instance;
    this.#config = config;
    this.#host = host;
    this.#up = up;
    this.#warn = warn;
    this.#now = now;
    this.#maxEntryBytes = maxEntryBytes(config);
  }

  /**
   * The connections to use, once they exist.
   * @param {any} redis commands, with the scripts of cluster-scripts.js defined
   * @param {any} sub the subscriber: its messages go to `received`
   */
  connect(redis, sub) {
    this.#redis = redis;
    this.#sub = sub;
  }

  /** @param {string} id */
  has(id) {
    return this.#local.has(id);
  }

  get size() {
    return this.#local.size;
  }

  /**
   * A client of this instance holds `id` with `token`.
   * @param {string} id
   * @param {string} token
   * @param {boolean} alone whether this instance granted the claim without Redis's word
   */
  hold(id, token, alone) {
    const tokenHash = hashToken(id, token);
    if (this.#local.get(id)?.tokenHash === tokenHash) return;
    const key = keys(id);
    /** @type {LocalId} */
    const local = {
      key: key.id,
      channel: key.channel,
      queue: key.queue,
      value: `${alone ? '~' : ''}${this.#instance}:${tokenHash}`,
      tokenHash,
      reserve: !HANDED_OVER.test(id),
      ttl: ttl(id, this.#config),
      refreshed: this.#now(),
      early: [],
    };
    this.#local.set(id, local);
    this.#byChannel.set(key.channel, id);
    this.#letGo.delete(key.id);
    if (this.#up()) void this.#listen(id, local);
  }

  /**
   * The client holding `id` with `token` here is gone; unless it gave the id up, the id stays
   * reserved for the token.
   * @param {string} id
   * @param {string} token
   * @param {boolean} givenUp
   */
  drop(id, token, givenUp) {
    const local = this.#local.get(id);
    if (!local || local.tokenHash !== hashToken(id, token)) return;
    this.#local.delete(id);
    this.#byChannel.delete(local.channel);
    const args = releaseArgs(local, givenUp, this.#config);
    const [, , reservation] = args;
    const up = this.#up();
    if (reservation !== '' || !up) {
      this.#letGo.delete(local.key);
      this.#letGo.set(local.key, { held: local.value, reservation, until: this.#now() + (reservation ? this.#config.idGraceTimeout : local.ttl) });
      if (this.#letGo.size > this.#config.concurrentLimit) this.#letGo.delete(/** @type {string} */ (this.#letGo.keys().next().value));
    }
    if (!up) return;
    this.#sub.unsubscribe(local.channel).catch(() => {});
    this.#redis.rtcRelease(1, ...args).catch(() => {});
  }

  /**
   * This instance let a reservation go before its time (cluster.js, unreserve).
   * @param {string} key the id's key
   */
  unreserved(key) {
    if (this.#letGo.get(key)?.reservation) this.#letGo.delete(key);
  }

  /**
   * A message through a channel we subscribed to.
   * @param {unknown} channel
   * @param {unknown} text
   */
  received(channel, text) {
    if (typeof channel !== 'string' || typeof text !== 'string') return;
    const id = this.#byChannel.get(channel);
    if (id === undefined) return;
    const local = /** @type {LocalId} */ (this.#local.get(id));
    if (text[0] === 'v') {
      const by = text.slice(1);
      if (INSTANCE.test(by) && by !== this.#instance) this.#yield(id, local);
      return;
    }
    if (text[0] !== 'm') return;
    if (local.early) {
      if (local.early.length < this.#config.maxQueuedPerId) local.early.push(text.slice(1));
      return;
    }
    const message = this.#check(text.slice(1), id);
    if (message !== undefined) this.#host.deliver(id, message);
  }

  /** Renews the TTLs of held ids that are due. */
  async renewDue() {
    const now = this.#now();
    for (const [key, { until }] of this.#letGo) if (until <= now) this.#letGo.delete(key);
    if (!this.#up()) return;
    await this.#refresh([...this.#local].filter(([, local]) => now - local.refreshed >= local.ttl / 3));
  }

  /**
   * Redis is back after an outage: listens again for the ids held here, then says which they
   * are. In that order, an instance that takes one of them over from here (a claim decided
   * here alone meanwhile) is heard.
   */
  async rejoin() {
    const locals = [...this.#local];
    await Promise.all(locals.map(([id, local]) => this.#listen(id, local)));
    await this.#refresh(locals);
    await this.#restore();
  }

  /**
   * The instance stops: every id held now is one its owner will want back. Forgets them all.
   * @param {boolean} reserve whether to reserve them in Redis (when it answers)
   */
  async releaseAll(reserve) {
    const locals = [...this.#local.values()];
    this.#local.clear();
    this.#byChannel.clear();
    this.#letGo.clear();
    if (!reserve) return;
    for (let i = 0; i < locals.length; i += BATCH) {
      const batch = locals.slice(i, i + BATCH);
      const args = batch.flatMap((local) => releaseArgs(local, false, this.#config));
      await this.#redis.rtcRelease(batch.length, ...batch.map((l) => l.key), ...args.filter((_, j) => j % 4 !== 0)).catch(() => {});
    }
  }

  /**
   * Subscribes to a local id's channel, then delivers what was kept for it, then what came
   * through the channel meanwhile, in that order.
   * @param {string} id
   * @param {LocalId} local
   */
  async #listen(id, local) {
    local.early = [];
    /** @type {unknown} */
    let kept = [];
    try {
      await this.#sub.subscribe(local.channel);
      kept = await this.#redis.rtcDrain(local.queue, this.#config.maxQueuedPerId);
    } catch (error) {
      this.#warn('command', `Redis: ${/** @type {Error} */ (error).message}`);
    }
    if (this.#local.get(id) !== local) return;
    const early = local.early ?? [];
    local.early = null;
    for (const text of [...(Array.isArray(kept) ? kept.slice(0, this.#config.maxQueuedPerId) : []), ...early]) {
      const message = this.#check(text, id);
      if (message !== undefined) this.#host.deliver(id, message);
    }
  }

  /**
   * A message from Redis as the client may see it (cluster-wire.js), or undefined, warned of.
   * @param {unknown} text
   * @param {string} dst
   */
  #check(text, dst) {
    const message = readRelayed(text, dst, this.#maxEntryBytes);
    if (message === undefined) this.#warn('rejected', 'dropped a message from Redis that is not one rtc-server writes');
    return message;
  }

  /**
   * The client holding `id` here holds it no more: another instance does.
   * @param {string} id
   * @param {LocalId} local
   */
  #yield(id, local) {
    this.#local.delete(id);
    this.#byChannel.delete(local.channel);
    this.#sub.unsubscribe(local.channel).catch(() => {});
    this.#host.moved(id);
  }

  /**
   * Tells Redis, back after an outage, what was let go here: freed or reserved where Redis still
   * has them held by this instance, and reservations written again where Redis has nothing (it
   * came back empty). The freed are then forgotten; the reservations are kept until they lapse.
   */
  async #restore() {
    const now = this.#now();
    const entries = [...this.#letGo].filter(([, { until }]) => until > now);
    for (const [key, { reservation }] of entries) if (!reservation) this.#letGo.delete(key);
    for (let i = 0; i < entries.length; i += BATCH) {
      const batch = entries.slice(i, i + BATCH);
      const args = batch.flatMap(([, { held, reservation, until }]) => [held, reservation, String(until - now)]);
      try {
        await this.#redis.rtcRestore(batch.length, ...batch.map(([key]) => key), ...args);
      } catch (error) {
        this.#warn('command', `Redis: ${/** @type {Error} */ (error).message}`);
        return;
      }
    }
  }

  /**
   * Renews ids held here in Redis. One that Redis has for another instance (both were claimed
   * while Redis was away, or a take-over went unheard) is let go here, so that nobody else gets
   * its messages.
   * @param {[string, LocalId][]} locals
   */
  async #refresh(locals) {
    const now = this.#now();
    for (let i = 0; i < locals.length; i += BATCH) {
      const batch = locals.slice(i, i + BATCH);
      for (const [, local] of batch) local.refreshed = now;
      /** @type {unknown} */
      let lost;
      try {
        lost = await this.#redis.rtcRefresh(batch.length, ...batch.map(([, l]) => l.key), ...batch.flatMap(([, l]) => [l.value, String(l.ttl)]));
      } catch (error) {
        this.#warn('command', `Redis: ${/** @type {Error} */ (error).message}`);
        return;
      }
      if (!Array.isArray(lost) || lost.length === 0) continue;
      this.#warn('split', `${lost.length} ids held here are another instance's in Redis (claimed there while Redis was away): their connections here are closed`);
      for (const place of lost) {
        const [id, local] = batch[Number(place) - 1] ?? [];
        if (id !== undefined && local !== undefined && this.#local.get(id) === local) this.#yield(id, local);
      }
    }
  }
}

/**
 * How long Redis keeps a held id without renewal: a beacon only briefly, since its holder
 * changes by design; any other id as long as it would stay reserved.
 * @param {string} id
 * @param {Readonly<import('./config.js').RtcServerConfig>} config
 */
export function ttl(id, config) {
  return HANDED_OVER.test(id) ? HELD_TTL : Math.max(HELD_TTL, config.idGraceTimeout);
}

/**
 * The release script's arguments for one id: key, our value, the reservation, its ttl.
 * @param {LocalId} local
 * @param {boolean} givenUp
 * @param {Readonly<import('./config.js').RtcServerConfig>} config
 */
function releaseArgs(local, givenUp, config) {
  const reserve = local.reserve && !givenUp;
  return [local.key, local.value, reserve ? `-:${local.tokenHash}` : '', String(config.idGraceTimeout)];
}
