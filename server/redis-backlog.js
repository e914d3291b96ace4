// What one rtc-server instance is waiting for Redis to answer (server/cluster.js). A Redis that
// stops answering while its connections stay open (paused, a long fork, a network that drops
// packets without a reset) closes nothing, so the client notices nothing: commands time out,
// and meanwhile every message passed on would wait in memory for an answer. So the bytes of
// messages awaiting an answer are bounded, and each connection is pinged once a beat: one that
// leaves a command unanswered past the command timeout counts as stalled until it answers again.
// Each sender (a client address) has a share of the bound: on a link to Redis that one client's
// flood fills, the others' messages wait behind that share only, not behind the whole bound.

import { COMMAND_TIMEOUT } from './redis-connection.js';

/** Most bytes of messages written to Redis and not yet answered. */
export const MAX_BACKLOG_BYTES = 16 * 1024 * 1024;

/**
 * @typedef {object} BacklogEvents
 * @property {(reason: string) => void} stalled a connection left a command unanswered
 * @property {() => void} answered every connection that had stalled answers again
 */

/** @param {unknown} error */
const timedOut = (error) => error instanceof Error && error.message === 'Command timed out';

export class RedisBacklog {
  #connections;
  #on;
  #max;
  #maxPerSender;
  #bytes = 0;
  /** Bytes awaiting an answer per sender; a sender with none has no entry. */
  #bySender = /** @type {Map<string, number>} */ (new Map());
  /** Per connection, the stream (the TCP connection) on which it stalled. */
  #stalledOn = /** @type {Map<any, unknown>} */ (new Map());
  /** Connections with a ping awaiting its answer: at most one each. */
  #pinging = /** @type {Set<any>} */ (new Set());

  /**
   * @param {object} options
   * @param {any[]} options.connections the ioredis connections to watch
   * @param {BacklogEvents} options.on
   * @param {number} [options.maxBytes]
   * @param {number} [options.maxBytesPerSender]
   */
  constructor({ connections, on, maxBytes = MAX_BACKLOG_BYTES, maxBytesPerSender = maxBytes }) {
    this.#connections = connections;
    this.#on = on;
    this.#max = maxBytes;
    this.#maxPerSender = maxBytesPerSender;
  }

  /** Bytes of messages written to Redis and not yet answered. */
  get bytes() {
    return this.#bytes;
  }

  /** Whether a connection is stalled. A new connection (after a reconnect) starts afresh. */
  get stalled() {
    return this.#connections.some((connection) => this.#stalledOn.has(connection) && this.#stalledOn.get(connection) === connection.stream);
  }

  /**
   * Sends a message of `bytes` through `command`, on `connection`, if it fits under the bound
   * and its sender's share; undefined at once, nothing sent, if not. A command left unanswered
   * marks the connection stalled before its bytes stop counting: nothing more is sent while
   * ioredis still holds it.
   * @template T
   * @param {any} connection
   * @param {number} bytes
   * @param {() => Promise<T>} command
   * @param {string} [sender] whose share it counts against; none for the instance's own
   * @returns {Promise<T | undefined>}
   */
  async send(connection, bytes, command, sender) {
    const sent = sender === undefined ? 0 : (this.#bySender.get(sender) ?? 0);
    if (this.#bytes + bytes > this.#max || sent + bytes > this.#maxPerSender) return undefined;
    this.#bytes += bytes;
    if (sender !== undefined) this.#bySender.set(sender, sent + bytes);
    const stream = connection.stream;
    try {
      return await command();
    } catch (error) {
      if (timedOut(error)) this.#stall(connection, stream);
      throw error;
    } finally {
      this.#bytes -= bytes;
      if (sender !== undefined) {
        const left = /** @type {number} */ (this.#bySender.get(sender)) - bytes;
        if (left > 0) this.#bySender.set(sender, left);
        else this.#bySender.delete(sender);
      }
    }
  }

  /**
   * Pings every ready connection that has no ping awaiting its answer; one that stalled is not
   * pinged (ioredis keeps what it sends until Redis answers), but watched until every command
   * it was sent is answered. Called once a beat.
   */
  beat() {
    for (const connection of this.#connections) {
      if (connection.status !== 'ready') continue;
      if (this.#stalledOn.get(connection) === connection.stream) {
        // Redis answers in order, and nothing else is sent meanwhile: all answered, it is back.
        if (connection.commandQueue.length === 0) this.#answered(connection);
        continue;
      }
      if (this.#pinging.has(connection)) continue;
      this.#pinging.add(connection);
      const stream = connection.stream;
      connection
        .ping()
        .catch((/** @type {unknown} */ error) => timedOut(error) && this.#stall(connection, stream))
        .finally(() => this.#pinging.delete(connection));
    }
  }

  /**
   * @param {any} connection
   * @param {unknown} stream
   */
  #stall(connection, stream) {
    // A command from before a reconnect says nothing of the new connection.
    if (connection.stream !== stream || this.#stalledOn.get(connection) === stream) return;
    this.#stalledOn.set(connection, stream);
    this.#on.stalled(`no answer in ${COMMAND_TIMEOUT / 1000} s`);
  }

  /** @param {any} connection */
  #answered(connection) {
    this.#stalledOn.delete(connection);
    if (!this.stalled) this.#on.answered();
  }
}
