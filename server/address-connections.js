// TCP connections per client address, of any kind: a page's requests, a file on its way, a
// WebSocket. Without a cap, one address that opened connections and sent nothing on them (each
// is dropped only after Node's headersTimeout, 60 s, checked every 30 s) held every connection
// the file descriptor limit leaves room for, and every other visitor was refused. Behind a
// reverse proxy (`proxied`) every connection comes from the proxy: the proxy must cap them.

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
 * Refuses a connection at once, with a line in the log, when its address already holds `max`.
 * @param {import('node:http').Server} httpServer
 * @param {{ max: number, warn: (kind: string, message: string) => void }} options
 * @returns {Map<string, number>} the open connections per address, for tests and diagnostics
 */
export function capConnectionsPerAddress(httpServer, { max, warn }) {
  /** @type {Map<string, number>} */
  const open = new Map();
  // One listener for every socket, and the address on the socket: a closure per connection cost
  // about 400 bytes of heap per peer (npm run bench, server).
  /** @this {import('node:net').Socket & { [ADDRESS]?: string }} */
  function closed() {
    const address = /** @type {string} */ (this[ADDRESS]);
    const left = (open.get(address) ?? 1) - 1;
    if (left > 0) open.set(address, left);
    else open.delete(address);
  }
  httpServer.on('connection', (/** @type {import('node:net').Socket & { [ADDRESS]?: string }} */ socket) => {
    const address = socketAddress(socket);
    const count = open.get(address) ?? 0;
    if (count >= max) {
      warn('address-connections', `refused a connection from ${address}: ${count} open, the most from one address`);
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket[ADDRESS] = address;
    socket.on('close', closed);
  });
  return open;
}
