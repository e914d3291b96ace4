// Limits on the PeerServer's WebSockets, applied around the `ws` server that `peer` is given:
// connections per client address, message size, slow readers, messages kept for absent ids,
// and which token may claim an id (IdClaims). `peer` itself is not modified: a connection is
// checked before `peer` sees it, a message before and after `peer` handles it.

import { clientAddress } from './client-address.js';

/** Messages a client may send while the cluster checks its claim (server/cluster.js). */
const MAX_HELD_MESSAGES = 64;

/** Message types that `peer` keeps for a destination that is not connected. */
const KEPT_TYPES = new Set(['OFFER', 'ANSWER', 'CANDIDATE']);
/** `peer` sweeps kept messages once a second; a count outlives its messages by this much. */
const KEPT_SLACK = 2000;
/** Closing handshakes with clients that do not answer end after this long. */
const CLOSE_TIMEOUT = 2000;
const WARN_INTERVAL = 10_000;

export const TOO_MANY_CONNECTIONS = 'Too many connections from your address';

/**
 * @typedef {object} SocketState
 * @property {string} address
 * @property {string | undefined} id the peer id asked for in the URL
 * @property {boolean} serverClosing whether the server began to close it
 * @property {boolean} givenUp whether the client closed it with a close frame of its own
 * @property {string | undefined} token
 * @property {any[][] | undefined} holding messages that came while the cluster checked the claim
 * @property {boolean} claimed whether the cluster granted the claim
 * @property {boolean} registered whether `peer` gave the id to this socket
 */

/**
 * @typedef {object} Kept messages kept by `peer` for one absent destination, as counted here
 * @property {number} count
 * @property {number} bytes
 * @property {number} until when `peer` has surely dropped them
 */

export class SocketGuard {
  #config;
  #claims;
  #logger;
  #now;
  /** Open accepted sockets per address; an address with none has no entry. */
  #perAddress = /** @type {Map<string, number>} */ (new Map());
  #states = /** @type {WeakMap<object, SocketState>} */ (new WeakMap());
  /** Ids that `peer` holds a client for: id → client. */
  #present = /** @type {Map<string, { getSocket(): unknown }>} */ (new Map());
  /** Messages kept for absent destinations, by destination, least recently added first. */
  #kept = /** @type {Map<string, Kept>} */ (new Map());
  /** Destinations whose next message might not fit. */
  #nearlyFull = /** @type {Set<string>} */ (new Set());
  #keptBytes = 0;
  #keptBytesPerId;
  /** Set by any send while `peer` handles a message: the message was delivered, not kept. */
  #sent = false;
  /** @type {Record<string, number>} */
  #lastWarning = {};
  /** @type {import('./cluster.js').Cluster | undefined} */
  #cluster;

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
    this.#logger = logger;
    this.#now = now;
    // Kept messages are flushed to their destination at once when it connects: half the
    // slow-reader limit leaves room for everything else it is sent meanwhile.
    this.#keptBytesPerId = Math.max(config.maxMessageBytes, Math.floor(config.maxBufferedBytes / 2));
  }

  /**
   * Builds the WebSocket server `peer` asks for (its `createWebSocketServer` option).
   * @param {typeof import('ws').Server} WebSocketServer the `ws` that `peer` resolves
   * @param {import('ws').ServerOptions} options
   */
  createWebSocketServer(WebSocketServer, options) {
    const admit = (/** @type {any} */ socket, /** @type {any} */ req) => this.#admit(socket, req);
    class GuardedWebSocketServer extends WebSocketServer {
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
      maxPayload: this.#config.maxMessageBytes,
      perMessageDeflate: false,
      closeTimeout: CLOSE_TIMEOUT,
    }));
  }

  /**
   * `peer` gave an id to a client (its 'connection' event): whatever was kept for it is delivered.
   * @param {{ getId(): string, getToken(): string, getSocket(): any }} client
   */
  connected(client) {
    const id = client.getId();
    this.#present.set(id, client);
    this.#forget(id);
    const state = this.#states.get(client.getSocket());
    if (state) state.registered = true;
    this.#claims.held(id, client.getToken(), client, state?.address ?? '');
    this.#cluster?.held(id, client.getToken());
  }

  /**
   * `peer` dropped a client (its 'disconnect' event).
   * @param {{ getId(): string, getSocket(): any }} client
   */
  disconnected(client) {
    const id = client.getId();
    if (this.#present.get(id) === client) this.#present.delete(id);
    // No socket: `peer` dropped it for missing heartbeats.
    const state = this.#states.get(client.getSocket());
    this.#claims.dropped(id, client, state?.givenUp ?? false);
    if (this.#present.get(id) === undefined) this.#cluster?.dropped(id, client.getToken(), state?.givenUp ?? false);
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
        const socket = /** @type {import('ws') | null | undefined} */ (this.#present.get(id)?.getSocket());
        if (!socket) return false;
        socket.send(text);
        return true;
      },
      moved: (id) => {
        const socket = /** @type {import('ws') | null | undefined} */ (this.#present.get(id)?.getSocket());
        socket?.close(1000, 'taken over on another server');
      },
    };
  }

  /** Accepted sockets per address: for tests and diagnostics. */
  get connectionsByAddress() {
    return new Map(this.#perAddress);
  }

  /** Messages kept for absent ids, as counted here: for tests and diagnostics. */
  get kept() {
    this.#sweep();
    let count = 0;
    for (const kept of this.#kept.values()) count += kept.count;
    return { ids: this.#kept.size, count, bytes: this.#keptBytes };
  }

  /**
   * Checks a new WebSocket before `peer` sees it: true to pass it on, false when it has been
   * refused, or, while the cluster checks the claim, a promise of the messages to replay once
   * `peer` has it (false: refused).
   * @param {import('ws')} socket
   * @param {import('node:http').IncomingMessage} req
   * @returns {boolean | Promise<any[][] | false>}
   */
  #admit(socket, req) {
    // `peer` adds its own listener only for sockets it sees; an error must never go unheard.
    socket.on('error', () => {});
    const address = clientAddress(req, this.#config.proxied);
    const open = this.#perAddress.get(address) ?? 0;
    if (open >= this.#config.maxConnectionsPerAddress) {
      this.#warn('address', `refused WebSockets from ${address}: ${open} open, the most from one address`);
      socket.send(JSON.stringify({ type: 'ERROR', payload: { msg: TOO_MANY_CONNECTIONS } }));
      socket.close(1008, 'too many connections');
      return false;
    }
    // The query as `peer` reads it (the last of repeated parameters wins), so both see the same id.
    /** @type {Record<string, string>} */
    let query = {};
    try {
      query = Object.fromEntries(new URL(req.url ?? '', 'https://peerjs').searchParams.entries());
    } catch {
      // `peer` answers for a URL without parameters
    }
    const { id, token, key } = query;
    if (id && token && key === this.#config.key && !this.#claims.mayClaim(id, token)) {
      // As `peer` answers a claim of an id held with another token: PeerJS reports `unavailable-id`.
      socket.send(JSON.stringify({ type: 'ID-TAKEN', payload: { msg: 'ID is taken' } }));
      socket.close();
      return false;
    }

    this.#perAddress.set(address, open + 1);
    /** @type {SocketState} */
    const state = { address, id, token, serverClosing: false, givenUp: false, holding: undefined, claimed: false, registered: false };
    this.#states.set(socket, state);
    socket.once('close', (/** @type {number} */ code) => {
      state.givenUp = !state.serverClosing && code !== 1006;
      // Granted by the cluster, then never taken up: `peer` refused it (its concurrent limit).
      if (state.claimed && !state.registered) this.#cluster?.unclaim(/** @type {string} */ (id), /** @type {string} */ (token));
      const left = (this.#perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.#perAddress.set(address, left);
      else this.#perAddress.delete(address);
    });

    const close = socket.close;
    const terminate = socket.terminate;
    socket.close = (/** @type {[number?, string?]} */ ...args) => {
      // ws answers a client's close frame with close(): that one the client began.
      if (!(/** @type {any} */ (socket)._closeFrameReceived)) state.serverClosing = true;
      close.apply(socket, args);
    };
    socket.terminate = () => {
      state.serverClosing = true;
      terminate.call(socket);
    };

    const send = socket.send;
    /** @type {(data: any, ...rest: any[]) => void} */
    socket.send = (data, ...rest) => {
      this.#sent = true;
      // Dropped: the socket is on its way out.
      if (socket.readyState !== socket.OPEN) return;
      send.call(socket, data, .../** @type {[any]} */ (rest));
      this.#checkBacklog(socket, address);
    };
    // ws answers pings itself; its answers queue like any other data.
    socket.on('ping', () => this.#checkBacklog(socket, address));

    const emit = socket.emit;
    /** @type {import('node:events').EventEmitter['emit']} */
    socket.emit = (event, ...args) => {
      if (event !== 'message') return emit.call(socket, event, ...args);
      if (state.holding) {
        if (state.holding.length >= MAX_HELD_MESSAGES) socket.terminate();
        else state.holding.push(args);
        return true;
      }
      return this.#relay(socket, state, /** @type {Buffer} */ (args[0]), () => emit.call(socket, event, ...args));
    };

    const cluster = this.#cluster;
    if (!cluster?.up || !id || !token || key !== this.#config.key) return true;
    state.holding = [];
    return cluster.claim(id, token).then((free) => {
      const held = state.holding ?? [];
      state.holding = undefined;
      if (socket.readyState !== socket.OPEN) {
        if (free) cluster.unclaim(id, token);
        return false;
      }
      if (!free) {
        socket.send(JSON.stringify({ type: 'ID-TAKEN', payload: { msg: 'ID is taken' } }));
        socket.close();
        return false;
      }
      state.claimed = true;
      return held;
    });
  }

  /**
   * Cuts off a client that does not read what it is sent, before the server holds more of it.
   * @param {import('ws')} socket
   * @param {string} address
   */
  #checkBacklog(socket, address) {
    if (socket.bufferedAmount <= this.#config.maxBufferedBytes) return;
    this.#warn('backlog', `cut off a WebSocket from ${address}: ${socket.bufferedAmount} bytes unread`);
    socket.terminate();
  }

  /**
   * Lets `peer` handle one message unless it would be kept for an absent id with no room left;
   * afterwards counts it if `peer` kept it.
   * @param {import('ws')} socket
   * @param {SocketState} state
   * @param {Buffer} data
   * @param {() => boolean} handle
   */
  #relay(socket, state, data, handle) {
    const size = data.length;
    /** @type {any} */
    let message;
    const cluster = this.#cluster;
    if (cluster?.up && state.id !== undefined) {
      message = parse(data);
      // For an id not held here, from a client `peer` has registered: through Redis.
      if (
        message !== null &&
        typeof message === 'object' &&
        typeof message.dst === 'string' &&
        !this.#present.has(message.dst) &&
        this.#present.get(state.id)?.getSocket() === socket &&
        cluster.relay(state.id, message)
      ) {
        return true;
      }
    }
    this.#sweep();
    if (this.#nearlyFull.size > 0 || this.#keptBytes + size > this.#config.maxQueuedBytes) {
      message = parse(data);
      const to = this.#keptFor(message);
      if (to !== undefined && !(typeof message.dst === 'string' && this.#present.has(message.dst)) && !this.#fits(to, size)) {
        this.#warn('kept', `dropped a message for absent id: no room left to keep it`);
        // What `peer` says when a kept message lapses, so that the sender stops waiting at once.
        if (typeof message.dst === 'string' && state.id !== undefined) {
          socket.send(JSON.stringify({ type: 'EXPIRE', src: message.dst, dst: state.id }));
        }
        return true;
      }
    }
    this.#sent = false;
    const result = handle();
    if (this.#sent) return result;
    message ??= parse(data);
    const to = this.#keptFor(message);
    if (to !== undefined) this.#keep(to, size);
    // `peer` drops the sender of a LEAVE without destination from its list, socket or not.
    else if (message && message.type === 'LEAVE' && !message.dst && state.id !== undefined) {
      const client = this.#present.get(state.id);
      if (client?.getSocket() === socket) this.#present.delete(state.id);
    }
    return result;
  }

  /**
   * The destination under which `peer` keeps `message` if it is absent; undefined for a message
   * `peer` never keeps. Any destination that is not a string can never connect: one entry for all.
   * @param {any} message
   * @returns {string | undefined}
   */
  #keptFor(message) {
    if (message === null || typeof message !== 'object' || !KEPT_TYPES.has(message.type) || !message.dst) return undefined;
    return typeof message.dst === 'string' ? message.dst : '\u0000not-an-id';
  }

  /**
   * @param {string} to
   * @param {number} size
   */
  #fits(to, size) {
    const kept = this.#kept.get(to);
    if (this.#keptBytes + size > this.#config.maxQueuedBytes) return false;
    return !kept || (kept.count < this.#config.maxQueuedPerId && kept.bytes + size <= this.#keptBytesPerId);
  }

  /**
   * @param {string} to
   * @param {number} size
   */
  #keep(to, size) {
    const kept = this.#kept.get(to) ?? { count: 0, bytes: 0, until: 0 };
    this.#kept.delete(to);
    kept.count += 1;
    kept.bytes += size;
    kept.until = this.#now() + this.#config.expireTimeout + KEPT_SLACK;
    this.#kept.set(to, kept);
    this.#keptBytes += size;
    if (kept.count >= this.#config.maxQueuedPerId || kept.bytes + this.#config.maxMessageBytes > this.#keptBytesPerId) {
      this.#nearlyFull.add(to);
    }
  }

  /** @param {string} to */
  #forget(to) {
    const kept = this.#kept.get(to);
    if (!kept) return;
    this.#kept.delete(to);
    this.#nearlyFull.delete(to);
    this.#keptBytes -= kept.bytes;
  }

  /** Forgets counts whose messages `peer` has dropped; they lapse in the order they were last added to. */
  #sweep() {
    const now = this.#now();
    for (const [to, kept] of this.#kept) {
      if (kept.until > now) break;
      this.#forget(to);
    }
  }

  /**
   * A warning per kind at most every few seconds: a client must not be able to flood the log.
   * @param {string} kind
   * @param {string} message
   */
  #warn(kind, message) {
    const now = this.#now();
    if (now - (this.#lastWarning[kind] ?? -Infinity) < WARN_INTERVAL) return;
    this.#lastWarning[kind] = now;
    this.#logger.warn?.(message);
  }
}

/**
 * A message as `peer` parses it; undefined when `peer` cannot.
 * @param {Buffer} data
 */
function parse(data) {
  try {
    return JSON.parse(data.toString());
  } catch {
    return undefined;
  }
}
