// Limits on the PeerServer's WebSockets, applied around the `ws` server that `peer` is given:
// connections per client address, message size, slow readers, what one client may send the
// others (RelayPace), messages kept for absent ids, and which token may claim an id (IdClaims).
// `peer` itself is not modified: a connection is checked before `peer` sees it, a message before
// and after `peer` handles it; a signal for an id connected here is passed on without it
// (server/pass-on.js). What is sent to a socket in one tick leaves in one write.

import { clientAddress } from './client-address.js';
import { RELAYED_TYPES } from './cluster-wire.js';
import { CLAIMED, COUNTED, GIVEN_UP, LEFT, SERVER_CLOSING, guardedSocketClass } from './guarded-socket.js';
import { KeptMessages } from './kept-messages.js';
import { passOn, parseMessage } from './pass-on.js';
import { MAX_ID_LENGTH, peerQuery, acceptableClaim } from './peer-query.js';
import { RelayPace, refuse } from './relay-pace.js';
import { throttledWarnings } from './warnings.js';

/**
 * Messages a client may send while the cluster checks its claim (server/cluster.js); their
 * bytes are bounded too, by a second at the relay rate (RelayPace lets no more through at once).
 */
const MAX_HELD_MESSAGES = 64;

/** Closing handshakes with clients that do not answer end after this long. */
const CLOSE_TIMEOUT = 2000;

export const TOO_MANY_CONNECTIONS = 'Too many connections from your address';

export const INVALID_ID = `Invalid id or token: an id is up to ${MAX_ID_LENGTH} letters and digits, with single "-", "_" or " " between them; a token up to ${MAX_ID_LENGTH} characters`;

/**
 * @typedef {object} Pending a claim the cluster checks or has granted
 * @property {string} id
 * @property {string} token
 * @property {any[][] | undefined} holding messages that came while the cluster checked the claim
 * @property {number} heldBytes their bytes
 * @property {boolean} alone the cluster granted it without Redis's word (Redis away)
 */

/**
 * @typedef {import('ws') & { address: string, flags: number, client: PeerClient | undefined, pending: Pending | undefined, relayedUntil: number, stalledSince: number }} GuardedSocket
 * @typedef {{ getId(): string, getToken(): string, getSocket(): any }} PeerClient
 */

export class SocketGuard {
  #config;
  #claims;
  /**
   * Every WebSocket not yet closed, refused ones too, for close(). ws's own list (clientTracking)
   * would cost a closure per socket.
   */
  #sockets = /** @type {Set<GuardedSocket>} */ (new Set());
  /** Open accepted sockets per address; an address with none has no entry. */
  #perAddress = /** @type {Map<string, number>} */ (new Map());
  /** Messages `peer` keeps for absent destinations. */
  #kept;
  /** Set by any send while `peer` handles a message: the message was delivered, not kept. */
  #sent = false;
  /** @type {(kind: string, message: string) => void} */
  #warn;
  /** @type {import('./cluster.js').Cluster | undefined} */
  #cluster;
  /** What one client may send the others, and what the others may queue for it. */
  #pace;
  /** The `emit` of the `ws` WebSocket class: passes an event on to `peer`'s listeners. */
  #emit = /** @type {(this: any, event: string, ...args: any[]) => boolean} */ (() => false);

  /**
   * @param {object} options
   * @param {Readonly<import('./config.js').RtcServerConfig>} options.config
   * @param {import('./id-claims.js').IdClaims} options.claims
   * @param {{ warn?: (message: string) => void, debug?: (message: string) => void }} [options.logger]
   * @param {() => number} [options.now]
   */
  constructor({ config, claims, logger = {}, now = Date.now }) {
    this.#config = config;
    this.#claims = claims;
    this.#warn = throttledWarnings(logger, now);
    this.#pace = new RelayPace({ config, warn: this.#warn, now });
    this.#kept = new KeptMessages(config, now);
  }

  /**
   * Builds the WebSocket server `peer` asks for (its `createWebSocketServer` option).
   * @param {typeof import('ws')} WebSocket the `ws` that `peer` resolves (its WebSocket class,
   *   with `WebSocketServer` on it)
   * @param {import('ws').ServerOptions} options
   */
  createWebSocketServer(WebSocket, options) {
    this.#emit = WebSocket.prototype.emit;
    const GuardedWebSocket = guardedSocketClass(WebSocket, {
      sending: () => {
        this.#sent = true;
      },
      checkBacklog: (socket) => this.#checkBacklog(socket),
      message: (socket, data, isBinary) => this.#message(socket, data, isBinary),
      closed: (socket, code) => this.#closed(socket, code),
    });
    const admit = (/** @type {any} */ socket, /** @type {any} */ req) => this.#admit(socket, req);
    const Server = /** @type {typeof import('ws').Server} */ (/** @type {any} */ (WebSocket).WebSocketServer);
    class GuardedWebSocketServer extends Server {
      /** @type {import('node:events').EventEmitter['emit']} */
      emit(event, ...args) {
        if (event !== 'connection') return super.emit(event, ...args);
        const verdict = admit(args[0], args[1]);
        if (verdict === true) return super.emit(event, ...args);
        // The cluster is asked first: `peer` sees the socket once the claim is granted, then the
        // messages the socket sent meanwhile.
        if (verdict !== false) {
          void verdict.then((held) => {
            if (!held) return;
            super.emit(event, ...args);
            for (const message of held) args[0].emit('message', ...message);
          });
        }
        return true;
      }
    }
    // closeTimeout is ws 8's (the types here may be ws 7's).
    return new GuardedWebSocketServer(/** @type {import('ws').ServerOptions} */ ({
      ...options,
      WebSocket: GuardedWebSocket,
      clientTracking: false,
      maxPayload: this.#config.maxMessageBytes,
      perMessageDeflate: false,
      closeTimeout: CLOSE_TIMEOUT,
    }));
  }

  /**
   * `peer` gave an id to a client (its 'connection' event): whatever was kept for it is delivered.
   * @param {PeerClient} client
   */
  connected(client) {
    const id = client.getId();
    this.#kept.forget(id);
    const socket = /** @type {GuardedSocket} */ (client.getSocket());
    // The same id and token on a new socket (a reconnect while the old one was still open):
    // \`peer\` forgets the old socket, which would stay open with nobody timing it out.
    const previous = /** @type {GuardedSocket | undefined} */ (this.#claims.holder(id));
    if (previous && previous !== socket && previous.client === client) previous.close(1000, 'taken over by a new connection');
    socket.client = client;
    this.#claims.held(id, socket);
    // Admitted without the cluster (Redis away), or granted by it alone.
    this.#cluster?.held(id, client.getToken(), !socket.pending || socket.pending.alone);
  }

  /**
   * `peer` dropped a client (its 'disconnect' event).
   * @param {PeerClient} client
   */
  disconnected(client) {
    const id = client.getId();
    // The socket `peer` last gave the client to (it has none left when it dropped the client for
    // missing heartbeats).
    const socket = /** @type {GuardedSocket | undefined} */ (this.#claims.holder(id));
    if (socket?.client !== client) return;
    const givenUp = (socket.flags & GIVEN_UP) !== 0;
    this.#claims.dropped(id, socket, givenUp);
    this.#cluster?.dropped(id, client.getToken(), givenUp);
  }

  /**
   * Joins this instance to others through Redis (server/cluster.js): claims are checked
   * cluster-wide, and messages for ids not held here go through it.
   * @param {import('./cluster.js').Cluster} cluster
   */
  useCluster(cluster) {
    this.#cluster = cluster;
  }

  /**
   * What the cluster needs from these sockets.
   * @returns {import('./cluster.js').ClusterHost}
   */
  get clusterHost() {
    return {
      deliver: (id, text) => {
        const socket = this.#present(id)?.getSocket();
        if (!socket) return false;
        if (this.#pace.mayQueue(socket, Buffer.byteLength(text))) {
          socket.send(text);
          return true;
        }
        // From a client on another instance, or an EXPIRE for one here; parsed only when dropped:
        // its sender, wherever it is, hears EXPIRE, as from here (an EXPIRE gets no answer).
        const message = parseMessage(text);
        if (message?.type !== 'EXPIRE' && typeof message?.src === 'string') this.#cluster?.expire(message.src, id);
        return true;
      },
      moved: (id) => {
        const socket = /** @type {GuardedSocket | undefined} */ (this.#present(id)?.getSocket());
        if (!socket) return;
        // The id is another instance's now: nothing stays reserved here for this socket's token.
        socket.flags |= GIVEN_UP;
        socket.close(1000, 'taken over on another server');
      },
    };
  }

  /** Ends every WebSocket at once (the server is closing). */
  terminateAll() {
    for (const socket of this.#sockets) socket.terminate();
  }

  /** Accepted sockets per address: for tests and diagnostics. */
  get connectionsByAddress() {
    return new Map(this.#perAddress);
  }

  /** Messages kept for absent ids, as counted here: for tests and diagnostics. */
  get kept() {
    return this.#kept.stats;
  }

  /**
   * The client `peer` holds for `id`, as its own list has it.
   * @param {string} id
   * @returns {PeerClient | undefined}
   */
  #present(id) {
    const socket = /** @type {GuardedSocket | undefined} */ (this.#claims.holder(id));
    return socket && !(socket.flags & LEFT) ? socket.client : undefined;
  }

  /**
   * Checks a new WebSocket before `peer` sees it: true to pass it on, false when it has been
   * refused, or, while the cluster checks the claim, a promise of the messages to replay once
   * `peer` has it (false: refused).
   * @param {GuardedSocket} socket
   * @param {import('node:http').IncomingMessage} req
   * @returns {boolean | Promise<any[][] | false>}
   */
  #admit(socket, req) {
    this.#sockets.add(socket);
    const address = clientAddress(req, this.#config.proxied);
    const open = this.#perAddress.get(address) ?? 0;
    if (open >= this.#config.maxConnectionsPerAddress) {
      this.#warn('address', `refused WebSockets from ${address}: ${open} open, the most from one address`);
      socket.send(JSON.stringify({ type: 'ERROR', payload: { msg: TOO_MANY_CONNECTIONS } }));
      socket.close(1008, 'too many connections');
      return false;
    }
    const { id, token, key } = peerQuery(req.url ?? '');
    if (!acceptableClaim(id, token)) {
      socket.send(JSON.stringify({ type: 'ERROR', payload: { msg: INVALID_ID } }));
      socket.close(1008, 'invalid id');
      return false;
    }
    if (id && token && key === this.#config.key && !this.#claims.mayClaim(id, token)) {
      // As `peer` answers a claim of an id held with another token: PeerJS reports `unavailable-id`.
      socket.send(JSON.stringify({ type: 'ID-TAKEN', payload: { msg: 'ID is taken' } }));
      socket.close();
      return false;
    }
    this.#perAddress.set(address, open + 1);
    socket.address = address;
    socket.flags |= COUNTED;

    const cluster = this.#cluster;
    if (!cluster?.up || !id || !token || key !== this.#config.key) return true;
    const pending = (socket.pending = { id, token, holding: /** @type {any[][] | undefined} */ ([]), heldBytes: 0, alone: false });
    return cluster.claim(id, token).then((free) => {
      const held = pending.holding ?? [];
      pending.holding = undefined;
      if (socket.readyState !== socket.OPEN) {
        if (free) cluster.unclaim(id, token);
        return false;
      }
      if (!free) {
        socket.send(JSON.stringify({ type: 'ID-TAKEN', payload: { msg: 'ID is taken' } }));
        socket.close();
        return false;
      }
      socket.flags |= CLAIMED;
      pending.alone = free === 'alone';
      return held;
    });
  }

  /**
   * A socket closed (its 'close' event, before `peer` hears it).
   * @param {GuardedSocket} socket
   * @param {number} code
   */
  #closed(socket, code) {
    this.#sockets.delete(socket);
    if (!(socket.flags & SERVER_CLOSING) && code !== 1006) socket.flags |= GIVEN_UP;
    if (!(socket.flags & COUNTED)) return;
    socket.flags &= ~COUNTED;
    // Granted by the cluster, then never taken up: `peer` refused it (its concurrent limit).
    const pending = socket.pending;
    if (pending && socket.flags & CLAIMED && !socket.client) this.#cluster?.unclaim(pending.id, pending.token);
    const address = socket.address;
    const left = (this.#perAddress.get(address) ?? 1) - 1;
    if (left > 0) this.#perAddress.set(address, left);
    else this.#perAddress.delete(address);
  }

  /**
   * Cuts off a client that does not read what it is sent, before the server holds more of it.
   * Messages from other clients stop at half of the limit (RelayPace), so only what the server
   * itself sends a client (kept messages, EXPIREs, pongs) takes it past: a flood from another
   * client never cuts off its destination.
   * @param {import('ws')} socket
   */
  #checkBacklog(socket) {
    if (socket.bufferedAmount <= this.#config.maxBufferedBytes) return;
    this.#warn('backlog', `cut off a WebSocket from ${/** @type {GuardedSocket} */ (socket).address}: ${socket.bufferedAmount} bytes unread`);
    socket.terminate();
  }

  /**
   * A message from a client: held while the cluster checks its claim, else passed to `peer`
   * unless it would be kept for an absent id with no room left, or past its sender's share;
   * afterwards counted if `peer` kept it.
   * @param {GuardedSocket} socket
   * @param {Buffer} data
   * @param {boolean} isBinary
   */
  #message(socket, data, isBinary) {
    const pending = socket.pending;
    if (pending?.holding) {
      pending.heldBytes += data.length;
      if (pending.holding.length < MAX_HELD_MESSAGES && pending.heldBytes <= this.#config.maxRelayedBytesPerSecond) {
        pending.holding.push([data, isBinary]);
      } else {
        pending.holding.length = 0;
        socket.terminate();
      }
      return true;
    }
    const client = socket.client;
    // Not (yet) `peer`'s: nobody listens, nothing is kept.
    if (!client) return this.#emit.call(socket, 'message', data, isBinary);
    const text = data.toString();
    /** @type {any} */
    let message = parseMessage(text);
    // `peer` keeps a message for an absent `dst` and later makes a string of that `dst` in a
    // timer: an object there (`{"toString":0}`) threw uncaught and took the process down.
    if (message !== null && typeof message === 'object' && message.dst !== undefined && typeof message.dst !== 'string') return true;
    if (typeof message?.dst === 'string' && !this.#pace.withinRate(socket, data.length)) {
      this.#warn('relay-rate', `dropped a message from ${socket.address}: its sender is past ${this.#config.maxRelayedBytesPerSecond} bytes per second`);
      refuse(socket, client, message);
      return true;
    }
    if (this.#relay(socket, client, text, message)) return true;
    const cluster = this.#cluster;
    if (cluster?.up) {
      // For an id not held here, from a client `peer` has registered: through Redis.
      if (
        message !== null &&
        typeof message === 'object' &&
        typeof message.dst === 'string' &&
        !this.#present(message.dst) &&
        this.#present(client.getId())?.getSocket() === socket &&
        cluster.relay(client.getId(), socket.address, message)
      ) {
        return true;
      }
    }
    const to = this.#kept.destination(message);
    // What `peer` keeps and later sends is its own JSON of the message, which can be five times
    // the client's (`1e20` is sent as 21 digits): counted as it will be sent. Only for a
    // message `peer` may keep: not one for an id that is here.
    const keptSize = () => Buffer.byteLength(JSON.stringify(message));
    const absent = to !== undefined && !(typeof message.dst === 'string' && this.#present(message.dst));
    const size = absent ? keptSize() : 0;
    const from = { id: client.getId(), address: socket.address };
    if (absent && this.#kept.mayNotFit(size, from)) {
      // A sender past its share is refused its own message; other senders' are still kept.
      const fits = this.#kept.fits(to, size);
      if (!fits || !this.#kept.withinShare(from, size)) {
        if (fits) this.#warn('kept-share', `dropped a message for absent id from ${from.address}: its sender has its share kept already`);
        else this.#warn('kept', `dropped a message for absent id: no room left to keep it`);
        if (typeof message.dst === 'string') refuse(socket, client, message);
        return true;
      }
    }
    this.#sent = false;
    const result = this.#emit.call(socket, 'message', data, isBinary);
    if (this.#sent) return result;
    if (to !== undefined) this.#kept.add(to, from, size || keptSize());
    // `peer` drops the sender of a LEAVE without destination from its list, socket or not: the
    // socket, which nobody would time out any more, is closed, and the id let go.
    else if (message && message.type === 'LEAVE' && !message.dst) {
      const holder = /** @type {GuardedSocket | undefined} */ (this.#claims.holder(client.getId()));
      if (holder) holder.flags |= LEFT;
      socket.close(1000, 'left');
    }
    return result;
  }

  /**
   * Passes a signal for an id connected here straight to its socket (server/pass-on.js), or
   * drops it when that socket's queue is full (RelayPace); false when it is neither, and `peer`
   * is to handle it. A socket its client has moved on from goes the long way, through `peer`,
   * which relays to the same socket: its queue is checked all the same.
   * @param {GuardedSocket} socket the sender's
   * @param {PeerClient} client the sender
   * @param {string} text the message
   * @param {any} message the message parsed
   */
  #relay(socket, client, text, message) {
    const to = typeof message?.dst === 'string' ? /** @type {GuardedSocket | undefined} */ (this.#present(message.dst)?.getSocket()) : undefined;
    if (!to || !RELAYED_TYPES.has(message.type)) return false;
    const src = client.getId();
    const out = this.#present(src)?.getSocket() === client.getSocket() ? passOn(text, message, src) : null;
    // `peer` sends its own JSON of the message, which can be five times the client's (`1e20`).
    const size = out !== null ? Buffer.byteLength(out) : Buffer.byteLength(JSON.stringify({ ...message, src }));
    // A client writing to itself fills only its own queue, as before.
    if (to !== socket && !this.#pace.mayQueue(to, size)) {
      this.#warn('relay-backlog', `dropped a message from ${socket.address} for a WebSocket from ${to.address}: ${to.bufferedAmount} bytes unread`);
      refuse(socket, client, message);
      return true;
    }
    if (out === null) return false;
    to.send(out);
    return true;
  }
}
