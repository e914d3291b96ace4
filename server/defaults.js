// The settings of rtc-server: what each one is, its default, and the error an invalid one
// gives. They are read from the environment, the command line (server/flags.js) and a program's
// overrides, and checked, in server/config.js.

import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Root of the package: the folder that holds `server/`, `dist/` and `demo/`. */
export const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * @typedef {object} RtcServerConfig
 * @property {number} port TCP port; 0 picks a free one.
 * @property {string | undefined} host Interface to bind; undefined means all interfaces.
 * @property {string} path Where the PeerServer is mounted (a PeerJS client's `path`).
 * @property {string} key PeerServer API key (a PeerJS client's `key`): 1 to 64 letters, digits,
 *   "-" or "_", as the elements accept.
 * @property {number} aliveTimeout Ms without a heartbeat before a peer is dropped.
 * @property {number} expireTimeout Ms a message for an absent peer is kept before EXPIRE.
 * @property {number} concurrentLimit Most peers connected at once.
 * @property {number} maxConnectionsPerAddress Most PeerServer WebSockets open at once from one
 *   client address (an IPv6 client's /64); with `proxied`, the address the proxy reports. Without
 *   `proxied`, an address also holds at most four times as many TCP connections of any kind.
 * @property {number} maxMessageBytes Largest WebSocket message accepted; a larger one closes the
 *   connection before it is read.
 * @property {number} maxBufferedBytes Bytes waiting to be sent to one client after which it is cut
 *   off as a slow reader. Messages from other clients stop at half of it: past that they are
 *   dropped, and their senders get EXPIRE.
 * @property {number} stalledReaderTimeout Ms a client's queue may stay past half of
 *   maxBufferedBytes, messages for it being dropped, before it is cut off as a reader that reads
 *   nothing.
 * @property {number} maxRelayedBytesPerSecond Bytes of messages for other peer ids one WebSocket
 *   may send per second, a second's worth at once; past it they are dropped, and the sender gets
 *   EXPIRE. At least maxMessageBytes.
 * @property {number} maxQueuedPerId Most messages kept for one absent peer id until expireTimeout.
 * @property {number} maxQueuedBytes Most bytes of messages kept for absent peer ids, all together.
 * @property {number} maxQueuedBytesPerSender Most bytes of messages kept for absent peer ids from
 *   one sender: from one peer id, and from all peer ids of one client address (as counted for
 *   maxConnectionsPerAddress), so that one client cannot take all of maxQueuedBytes.
 * @property {number} idGraceTimeout Ms a peer id stays bound to the token that held it after its
 *   connection was lost (not closed by the client), or after a restart with `stateFile`.
 * @property {string | undefined} stateFile Where the id bindings are kept across restarts;
 *   undefined keeps them in memory only.
 * @property {string[]} turnUrls TURN (and STUN) server URLs handed out at `GET /ice-servers`, and
 *   at `ice-servers` beside `path` (`/rtc/ice-servers` for `/rtc/peerjs`); empty hands out none.
 * @property {string | undefined} turnSecret coturn's `static-auth-secret`, which signs the credentials.
 * @property {number} turnTtl Seconds the credentials from `GET /ice-servers` stay valid: 60 to
 *   172800 (2 days) from `--turn-ttl`, 1 to 172800 here.
 * @property {string[]} turnOrigins Origins of the pages that `GET /ice-servers` answers
 *   (`https://app.example.com`); empty answers any page.
 * @property {number} iceServersPerMinute Most `GET /ice-servers` requests per minute from one address.
 * @property {string | undefined} redisUrl Redis shared with other instances (server/cluster.js):
 *   `redis://[user:password@]host:port[/db]` or `rediss://…`; undefined runs alone.
 * @property {number} shutdownGrace Ms that responses under way may take to finish once the server
 *   is told to stop (SIGTERM, SIGINT, `close()`); then their connections are cut.
 * @property {boolean} allowDiscovery Whether `GET {path}/{key}/peers` lists peer ids.
 * @property {boolean} proxied Whether the server runs behind a reverse proxy (trust X-Forwarded-*).
 * @property {string} distDir Folder holding the build (`rtc-elements.js`).
 * @property {string} demoDir Folder served at `/`.
 */

/** The shortest and longest `--turn-ttl` (seconds). */
export const MIN_TURN_TTL = 60;
export const MAX_TURN_TTL = 2 * 24 * 60 * 60;

/** @type {Readonly<RtcServerConfig>} */
export const defaultConfig = Object.freeze({
  port: 9000,
  // All interfaces, like the stock PeerServer.
  host: undefined,
  path: '/peerjs',
  key: 'peerjs',
  aliveTimeout: 60000,
  expireTimeout: 5000,
  concurrentLimit: 5000,
  // A household or an office behind one NAT, with a tab or two each; one address cannot take more.
  maxConnectionsPerAddress: 50,
  // An SDP offer with many candidates is a few KiB; the elements' own signals are smaller.
  maxMessageBytes: 64 * 1024,
  maxBufferedBytes: 1024 * 1024,
  // A client on any working link reads a message in that time; one that does not, reads nothing.
  stalledReaderTimeout: 30_000,
  // A page joining a room sends each member an offer (a few KiB) and some candidates: a few
  // hundred KiB at once is a big room. One flooding socket takes about 4 Mbit/s of a downlink.
  maxRelayedBytesPerSecond: 512 * 1024,
  // One PeerJS connection attempt is an OFFER and a few CANDIDATEs.
  maxQueuedPerId: 64,
  maxQueuedBytes: 4 * 1024 * 1024,
  // An eighth of the above: a client filling its share leaves room for everyone else's offers.
  maxQueuedBytesPerSender: 512 * 1024,
  // Covers a restart or a network change plus the elements' reconnect backoff (30 s at most).
  idGraceTimeout: 5 * 60 * 1000,
  stateFile: undefined,
  turnUrls: Object.freeze([]),
  turnSecret: undefined,
  turnOrigins: Object.freeze([]),
  // Long enough that a page refreshes rarely (at half of it), short enough that a leaked
  // credential soon expires.
  turnTtl: 6 * 60 * 60,
  // A page asks once per join and per half TTL; an office behind one NAT joins in bursts.
  iceServersPerMinute: 60,
  redisUrl: undefined,
  // The bundle to a visitor on a slow link; short enough for a supervisor's stop timeout.
  shutdownGrace: 10_000,
  allowDiscovery: false,
  proxied: false,
  distDir: path.join(packageRoot, 'dist'),
  demoDir: path.join(packageRoot, 'demo'),
});

/** An invalid setting; its message is meant for the person who gave it. */
export class ConfigError extends Error {
  name = 'ConfigError';
}
