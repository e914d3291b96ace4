// The self-hostable rtc-elements server: one HTTP port that serves the
// script-tag bundle, the demo pages and a PeerServer for signalling.

import http from 'node:http';
import { createRequire } from 'node:module';
import express from 'express';
import { ExpressPeerServer } from 'peer';
import { CONNECTIONS_PER_WEBSOCKET, countConnections } from './address-connections.js';
import { buildFiles } from './build-files.js';
import { resolveConfig } from './config.js';
import { descriptorBudget } from './descriptor-limit.js';
import { httpDrain } from './http-drain.js';
import { IdClaims } from './id-claims.js';
import { pageHeaders } from './page-policy.js';
import { SocketGuard } from './socket-guard.js';
import { runTrackingTimeouts } from './timer-scope.js';
import { iceServersHandler, iceServersPathBeside } from './turn.js';
import { throttledWarnings } from './warnings.js';

export { defaultConfig, resolveConfig, ConfigError } from './config.js';

// peer@1.0.2 needs ws 8 but may sit next to a hoisted ws 7: take the copy that
// peer itself resolves.
/** @type {typeof import('ws')} */
const WebSocket = createRequire(import.meta.resolve('peer'))('ws');

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Optional sink for diagnostics; `console` fits. Nothing is logged without one.
 * @typedef {object} RtcServerLogger
 * @property {(message: string) => void} [debug]
 * @property {(message: string) => void} [warn]
 */

/**
 * @typedef {object} RtcServer
 * @property {import('express').Express} app the Express app; add routes before `listen()`
 * @property {http.Server} httpServer
 * @property {ReturnType<typeof ExpressPeerServer>} peerServer the PeerServer's Express app; it emits
 *   'connection', 'disconnect', 'message' and 'error'
 * @property {Readonly<import('./config.js').RtcServerConfig>} config
 * @property {SocketGuard} guard the limits on the PeerServer's WebSockets
 * @property {IdClaims} claims which token may claim which peer id
 * @property {import('./cluster.js').Cluster | undefined} cluster the link to other instances through
 *   Redis, with `redisUrl`, once `listen()` has started it
 * @property {() => Promise<{ url: string, port: number }>} listen restores the id bindings from
 *   `stateFile`, if set, then listens, taking no more connections than file descriptors allow
 * @property {() => Promise<void>} close closes the PeerServer and its WebSockets, refuses new
 *   requests (503), WebSocket upgrades too (it removes every 'upgrade' listener of `httpServer`),
 *   lets the responses under way finish for up to `shutdownGrace` ms, then closes every
 *   connection and the HTTP server, and writes `stateFile`, if set
 */

/**
 * Creates the server without starting it.
 * @param {Partial<import('./config.js').RtcServerConfig>} [overrides] merged over `defaultConfig`
 * @param {{ logger?: RtcServerLogger }} [options]
 * @returns {RtcServer}
 * @throws {import('./config.js').ConfigError} when a setting is invalid
 */
export function createRtcServer(overrides = {}, { logger = {} } = {}) {
  const config = resolveConfig({ overrides });

  const app = express();
  app.disable('x-powered-by');
  // One proxy in front, as clientAddress() reads it: a client's own X-Forwarded-For entries are not trusted.
  if (config.proxied) app.set('trust proxy', 1);
  const httpServer = http.createServer(app);
  // ws answers a PeerServer upgrade and `peer` sends OPEN in the same tick: corked until the
  // next one, both leave in one write instead of two.
  httpServer.prependListener('upgrade', corkForATick);

  const claims = new IdClaims({
    graceTimeout: config.idGraceTimeout,
    maxReleased: config.concurrentLimit,
    maxReleasedPerAddress: 2 * config.maxConnectionsPerAddress,
    stateFile: config.stateFile,
    logger,
    // Redis keeps what an instance reserves no longer than the instance does.
    evicted: (key) => cluster?.unreserve(key),
  });
  const guard = new SocketGuard({ config, claims, logger });

  /** @type {import('ws').Server | undefined} */
  let webSocketServer;
  const peerServer = ExpressPeerServer(httpServer, {
    path: '/',
    key: config.key,
    alive_timeout: config.aliveTimeout,
    expire_timeout: config.expireTimeout,
    concurrent_limit: config.concurrentLimit,
    allow_discovery: config.allowDiscovery,
    proxied: config.proxied,
    createWebSocketServer: (options) => (webSocketServer = guard.createWebSocketServer(WebSocket, options)),
  });
  peerServer.disable('x-powered-by');
  // The PeerServer re-emits socket errors and unparsable messages as 'error';
  // with no listener, one misbehaving client would crash the process.
  const warn = throttledWarnings(logger);
  // ws passes the HTTP server's errors on as its own: a failed listen is listen()'s to report.
  peerServer.on('error', (/** @type {NodeJS.ErrnoException} */ error) => {
    if (error.syscall !== 'listen') warn('peer', `PeerServer: ${error.message}`);
  });
  peerServer.on('connection', (client) => {
    guard.connected(client);
    logger.debug?.(`peer connected: ${client.getId()}`);
  });
  peerServer.on('disconnect', (client) => {
    guard.disconnected(client);
    logger.debug?.(`peer disconnected: ${client.getId()}`);
  });

  // An address's WebSockets, and three times as many for its pages and files (address-connections.js);
  // behind a proxy, every connection comes from the proxy.
  const connections = countConnections(httpServer, {
    max: config.proxied ? Infinity : CONNECTIONS_PER_WEBSOCKET * config.maxConnectionsPerAddress,
    warn,
  });
  const drain = httpDrain(httpServer);
  app.use(drain.middleware);
  const descriptors = descriptorBudget(httpServer, connections.total, warn);
  app.use(descriptors.middleware);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });

  // The bundle is loaded by pages on other origins as <script type="module">,
  // which is a CORS request. no-cache: embedders revalidate (ETag) after an upgrade.
  const sendBuildFile = buildFiles(config.distDir);
  app.get('/rtc-elements.js', sendBuildFile('rtc-elements.js', 'text/javascript; charset=utf-8'));
  app.get('/rtc-elements.js.map', sendBuildFile('rtc-elements.js.map', 'application/json; charset=utf-8'));
  // The chunks the bundle imports, beside it (rollup's rtc-elements-[name]-[hash].js): their
  // names change with their content, so they may be cached for good.
  app.get(/^\/(rtc-elements-[\w.-]+\.js)(\.map)?$/, (req, res, next) => {
    const [fileName, map] = [req.params[0], req.params[1]];
    const send = map
      ? sendBuildFile(`${fileName}.map`, 'application/json; charset=utf-8', IMMUTABLE)
      : sendBuildFile(fileName, 'text/javascript; charset=utf-8', IMMUTABLE);
    send(req, res, next);
  });

  // TURN credentials for the elements (an empty list without --turn-url): server/turn.js. At the
  // root, and beside the PeerServer, where an element whose `server` names it asks
  // (`/rtc/ice-servers` for `--path /rtc/peerjs`). One handler: one rate per address for both.
  const iceServersBeside = iceServersPathBeside(config.path);
  app.get(
    iceServersBeside === '/ice-servers' ? '/ice-servers' : ['/ice-servers', literalRoute(iceServersBeside)],
    iceServersHandler(config),
  );

  // Files before the PeerServer: mounted at `--path /`, its description at `/` (and its CORS
  // headers on every response) would take the demo's place. No file lies where the PeerServer
  // answers (`{path}/{key}/id`), so a miss falls through to it.
  const setHeaders = pageHeaders();
  app.use('/dist', express.static(config.distDir, { setHeaders }));
  app.use('/', express.static(config.demoDir, { setHeaders }));

  // Mounting starts the PeerServer's timers and attaches its WebSocket server.
  const stopPeerTimers = runTrackingTimeouts(() => app.use(config.path, peerServer));
  // A request no handler could read (a malformed escape in the URL, a bad Range): its status,
  // without the stack trace Express's own last handler prints for each one.
  app.use((/** @type {any} */ err, /** @type {import('express').Request} */ req, /** @type {import('express').Response} */ res, /** @type {import('express').NextFunction} */ next) => {
    if (res.headersSent) return next(err);
    const status = Number(err?.status ?? err?.statusCode);
    const client = status >= 400 && status < 500;
    if (!client) warn('http', `HTTP ${req.method} ${req.path}: ${err?.message ?? err}`);
    res.status(client ? status : 500).end();
  });

  /** @type {Promise<void> | undefined} */
  let closing;
  /** @type {import('./cluster.js').Cluster | undefined} */
  let cluster;

  return {
    app,
    httpServer,
    peerServer,
    config,
    guard,
    claims,

    get cluster() {
      return cluster;
    },

    async listen() {
      await claims.load();
      if (config.redisUrl && !cluster && !closing) {
        // Loaded only here: a server without Redis needs neither this nor the Redis client.
        const { Cluster } = await import('./cluster.js');
        cluster = new Cluster({ url: config.redisUrl, config, host: guard.clusterHost, logger });
        guard.useCluster(cluster);
        await cluster.start();
      }
      return new Promise((resolve, reject) => {
        const onError = (/** @type {Error} */ error) => {
          httpServer.off('listening', onListening);
          reject(error);
        };
        const onListening = () => {
          httpServer.off('error', onError);
          const { port } = /** @type {import('node:net').AddressInfo} */ (httpServer.address());
          const started = { url: `http://${urlHost(config.host)}:${port}`, port };
          descriptors.start().then(() => resolve(started), reject);
        };
        httpServer.once('error', onError);
        httpServer.once('listening', onListening);
        httpServer.listen(config.port, config.host);
      });
    },

    close() {
      closing ??= new Promise((resolve) => {
        stopPeerTimers();
        descriptors.stop();
        // Before the sockets go: every id held now is one its owner will want back.
        const saved = claims.close();
        const left = cluster?.close();
        // Upgraded connections are no longer the HTTP server's (closeAllConnections() does not
        // see them); the guard lists every WebSocket, refused ones too, until it has closed. An
        // upgrade ws refuses (another path, a bad handshake) it ends at once.
        guard.terminateAll();
        webSocketServer?.close();
        const closed = drain.close(config.shutdownGrace);
        resolve(Promise.all([saved, closed, left]).then(() => {}));
      });
      return closing;
    },
  };
}

/**
 * @param {import('node:http').IncomingMessage} _req
 * @param {import('node:stream').Duplex} socket
 */
function corkForATick(_req, socket) {
  socket.cork();
  process.nextTick(uncork, socket);
}

/** @param {import('node:stream').Duplex} socket */
function uncork(socket) {
  socket.uncork();
}

/**
 * A route that matches `urlPath` as it is, whatever characters `--path` gave it (a string route is
 * a pattern to Express), with Express's defaults for string routes: any case, a trailing "/" or not.
 * @param {string} urlPath
 */
function literalRoute(urlPath) {
  return new RegExp(`^${urlPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\/?$`, 'i');
}

/**
 * The host part of the URL to print: `localhost` when bound to all interfaces.
 * @param {string | undefined} host
 */
function urlHost(host) {
  if (host === undefined || host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
