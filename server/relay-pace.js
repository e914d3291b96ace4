// How much one client may send the others, and how much the others may queue for one client:
// the relay rate (maxRelayedBytesPerSecond) and the queue's high-water mark (half of
// maxBufferedBytes, with stalledReaderTimeout for a reader that never drains). The guard
// (server/socket-guard.js) asks before it passes on a message for another id, and answers one
// it drops with `refuse`. What is kept per socket is two fields of the socket itself
// (server/guarded-socket.js): `relayedUntil` and `stalledSince`.

/**
 * @typedef {object} PacedSocket the fields of a guarded socket that the pace reads and sets
 * @property {string} address the address it counts against
 * @property {number} bufferedAmount
 * @property {number} relayedUntil when what it sent is paid off (ms, as the pace's clock)
 * @property {number} stalledSince since when messages for it have been dropped; 0 while they are not
 * @property {() => void} terminate
 */

export class RelayPace {
  #config;
  /** @type {(kind: string, message: string) => void} */
  #warn;
  /** @type {() => number} */
  #now;
  /**
   * What others may queue for a socket: past half of maxBufferedBytes their messages are
   * dropped, so that the other half is left for what the server itself must send it.
   */
  #highWater;

  /**
   * @param {object} options
   * @param {Readonly<import('./config.js').RtcServerConfig>} options.config
   * @param {(kind: string, message: string) => void} options.warn
   * @param {() => number} options.now
   */
  constructor({ config, warn, now }) {
    this.#config = config;
    this.#warn = warn;
    this.#now = now;
    this.#highWater = Math.floor(config.maxBufferedBytes / 2);
  }

  /**
   * Whether a message from another client may be queued for `to`: not once its queue is past
   * the high-water mark, or would pass maxBufferedBytes with it. The guard used to cut off the
   * destination instead, though it is the sender that chooses how much to send: a client
   * flooding another with 64 KiB offers got a member on a slower link cut off again after every
   * reconnect. A
   * reader that does not drain below the mark for stalledReaderTimeout, while messages for it
   * keep being dropped, is cut off: it reads nothing, and nothing reaches it.
   * @param {PacedSocket} to
   * @param {number} size the message as it will be sent
   */
  mayQueue(to, size) {
    const queued = to.bufferedAmount;
    if (queued <= this.#highWater && queued + size <= this.#config.maxBufferedBytes) {
      to.stalledSince = 0;
      return true;
    }
    const now = this.#now();
    // 0 is "not stalled", whatever the clock says.
    if (!to.stalledSince) to.stalledSince = now || 1;
    else if (now - to.stalledSince >= this.#config.stalledReaderTimeout) {
      this.#warn('stalled', `cut off a WebSocket from ${to.address}: ${queued} bytes unread for ${now - to.stalledSince} ms`);
      to.terminate();
    }
    return false;
  }

  /**
   * Whether `socket` may send `size` more bytes to others: at most maxRelayedBytesPerSecond,
   * with a second's worth at once (a page's offers to a whole room when it joins). One field
   * per socket, the time at which what it sent is paid off (GCRA); refused messages cost nothing.
   * @param {PacedSocket} socket
   * @param {number} size
   */
  withinRate(socket, size) {
    const now = this.#now();
    const until = Math.max(now, socket.relayedUntil) + (size * 1000) / this.#config.maxRelayedBytesPerSecond;
    if (until - now > 1000) return false;
    socket.relayedUntil = until;
    return true;
  }
}

/**
 * Answers a message that was dropped (past the rate, for a full queue, or with no room to keep
 * it for an absent id) as `peer` answers one whose destination never took it: EXPIRE, so that
 * the sender (PeerJS: `peer-unavailable`) stops waiting at once. An EXPIRE itself gets no answer.
 * @param {import('ws')} socket the sender's
 * @param {{ getId(): string }} client the sender
 * @param {any} message
 */
export function refuse(socket, client, message) {
  if (message.type === 'EXPIRE') return;
  socket.send(JSON.stringify({ type: 'EXPIRE', src: message.dst, dst: client.getId() }));
}
