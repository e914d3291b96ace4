// The WebSocket class the guarded server hands its connections to (server/socket-guard.js):
// every socket the server accepts is one of these. The guard's checks are its methods, shared by
// all sockets, and what the guard keeps per socket is six fields of the socket itself (the
// flags below among them): no per-socket closure, wrapper or side table, so that a socket costs
// about what it costs `peer`.

/** Counted against its address. */
export const COUNTED = 1;
/** The server began to close it. */
export const SERVER_CLOSING = 2;
/** The client closed it with a close frame of its own. */
export const GIVEN_UP = 4;
/** The cluster granted its claim. */
export const CLAIMED = 8;
/** `peer` dropped its client from its list on a LEAVE without destination; the socket stays open. */
export const LEFT = 16;
/** What is sent to it is held until the end of this tick (see GuardedWebSocket.send). */
export const CORKED = 32;

/**
 * The guard's side of the sockets' methods (one set for the server, not per socket).
 * @typedef {object} SocketHooks
 * @property {() => void} sending something is being sent (while `peer` handles a message: it was delivered)
 * @property {(socket: any) => void} checkBacklog cuts the socket off when it reads too slowly
 * @property {(socket: any, data: Buffer, isBinary: boolean) => boolean} message a message from the client
 * @property {(socket: any, code: number) => void} closed the socket closed
 */

/**
 * A subclass of ws's WebSocket whose sends, closes and events go through the guard's hooks.
 * @param {typeof import('ws')} WebSocket
 * @param {SocketHooks} hooks
 */
export function guardedSocketClass(WebSocket, { sending, checkBacklog, message, closed }) {
  const emit = WebSocket.prototype.emit;
  const OPEN = WebSocket.OPEN;
  const flush = (/** @type {any} */ socket) => {
    socket.flags &= ~CORKED;
    socket._socket?.uncork();
    checkBacklog(socket);
  };
  class GuardedWebSocket extends WebSocket {
    /** @param {any[]} args as ws passes them */
    constructor(...args) {
      super(.../** @type {[any, any, any]} */ (args));
      /** The address it counts against. */
      this.address = '';
      this.flags = 0;
      /** @type {import('./socket-guard.js').PeerClient | undefined} the client `peer` gave it to */
      this.client = undefined;
      /** @type {import('./socket-guard.js').Pending | undefined} */
      this.pending = undefined;
      /** When what it relays is paid off at the relay rate (ms, as the guard's clock): RelayPace. */
      this.relayedUntil = 0;
      /** Since when messages for it have been dropped, its queue full; 0 while they are not. */
      this.stalledSince = 0;
    }

    /**
     * @param {any} data
     * @param {any} [options]
     * @param {any} [callback]
     */
    send(data, options, callback) {
      sending();
      // Dropped: the socket is on its way out.
      if (this.readyState !== OPEN) return;
      // What is sent to one socket in one tick leaves in one write, at the end of the tick,
      // and its backlog is checked then, once the system has taken what it takes.
      const raw = /** @type {any} */ (this)._socket;
      if (!raw) {
        /** @type {(...args: any[]) => void} */ (super.send).call(this, data, options, callback);
        return checkBacklog(this);
      }
      if (!(this.flags & CORKED)) {
        this.flags |= CORKED;
        raw.cork();
        process.nextTick(flush, this);
      }
      /** @type {(...args: any[]) => void} */ (super.send).call(this, data, options, callback);
    }

    /** @type {import('ws')['close']} */
    close(code, reason) {
      // ws answers a client's close frame with close(): that one the client began.
      if (!(/** @type {any} */ (this)._closeFrameReceived)) this.flags |= SERVER_CLOSING;
      super.close(code, reason);
    }

    terminate() {
      this.flags |= SERVER_CLOSING;
      super.terminate();
    }

    /**
     * ws emits every event with at most two arguments (a listener of a one-argument event gets
     * an `undefined` second one).
     * @param {string | symbol} event
     * @param {any} [a]
     * @param {any} [b]
     */
    emit(event, a, b) {
      switch (event) {
        case 'message':
          return message(this, a, b);
        case 'close':
          closed(this, a);
          break;
        case 'ping': {
          // ws answers pings itself; its answers queue like any other data.
          const result = emit.call(this, event, a);
          if (!(this.flags & CORKED)) checkBacklog(this);
          return result;
        }
        case 'error':
          // `peer` listens only on sockets it sees; an error must never go unheard.
          if (this.listenerCount('error') === 0) return false;
          break;
      }
      return emit.call(this, event, a, b);
    }
  }
  return GuardedWebSocket;
}
