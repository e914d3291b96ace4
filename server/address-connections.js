// The server's open TCP connections, of any kind (a page's requests, a file on its way, a
// WebSocket): how many in all, for the file descriptor budget (descriptor-limit.js), and how
// many per client address, with a cap. Without the cap, one address that opened connections and
// sent nothing on them (each is dropped only after Node's headersTimeout, 60 s, checked every
// 30 s) held every connection the file descriptor limit leaves room for, and every other visitor
// was refused. Behind a reverse proxy every connection comes from the proxy: the proxy must cap
// them, and `max` is Infinity.

import { socketAddress } from './client-address.js';

/**
 * TCP connections an address may hold for each WebSocket it may hold: the pages behind one NAT
 * (an office, whose size maxConnectionsPerAddress is set for) each open a WebSocket and, while
 * they load, a few connections for the page, the bundle and its chunks (a browser opens up to
 * six per site, and closes them 5 s after their last request).
 */
export const CONNECTIONS_PER_WEBSOCKET = 4;

const ADDRESS = Symbol('client address');

/**
 * @typedef {object} OpenConnections
 * @property {() => number} total the connections open now
 * @property {Map<string, number>} perAddress the open connections per address (all under '' when
 *   uncapped), for tests and diagnostics
 */

/**
 * Counts the server's connections, and refuses one at once, with a line in the log, when its
 * address already holds `max`.
 * @param {import('node:http').Server} httpServer
 * @param {{ max: number, warn: (kind: string, message: string) => void }} options
 * @returns {OpenConnections}
 */
export function countConnections(httpServer, { max, warn }) {
  /** @type {Map<string, number>} */
  const perAddress = new Map();
  let total = 0;
  // One listener for every socket, the only one this server adds to its sockets, and the address
  // on the socket: a closure, a `once` wrapper or a third 'close' listener per connection (which
  // grows the socket's listener array to 19 slots) cost 150–400 bytes of heap per peer (npm run
  // bench, server).
  /** @this {import('node:net').Socket & { [ADDRESS]?: string }} */
  function closed() {
    total--;
    const address = /** @type {string} */ (this[ADDRESS]);
    const left = (perAddress.get(address) ?? 1) - 1;
    if (left > 0) perAddress.set(address, left);
    else perAddress.delete(address);
  }
  // Uncapped (behind a proxy), every connection counts under one key: no address is read.
  const capped = max !== Infinity;
  httpServer.on('connection', (/** @type {import('node:net').Socket & { [ADDRESS]?: string }} */ socket) => {
    const address = capped ? socketAddress(socket) : '';
    const count = perAddress.get(address) ?? 0;
    if (count >= max) {
      warn('address-connections', `refused a connection from ${address}: ${count} open, the most from one address`);
      socket.destroy();
      return;
    }
    perAddress.set(address, count + 1);
    total++;
    socket[ADDRESS] = address;
    socket.on('close', closed);
  });
  return { total: () => total, perAddress };
}
