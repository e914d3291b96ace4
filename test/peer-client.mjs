// A raw PeerServer client for the server's Node tests, as PeerJS speaks to it: the hostile-client
// tests and the cluster tests both drive rtc-server through it.
import WebSocket from 'ws';

/**
 * Resolves once `condition()` is truthy; rejects after `ms`.
 * @template T
 * @param {() => T | Promise<T>} condition
 * @param {string} what
 * @param {number} [ms]
 * @returns {Promise<T>}
 */
export async function until(condition, what, ms = 5000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A raw PeerServer client, as PeerJS connects, with the messages it receives queued.
 * @param {import('node:test').TestContext} t
 * @param {number} port
 * @param {{ id: string, token?: string, from?: string }} options
 */
export function connectPeer(t, port, { id, token = `token-${id}`, from = '127.0.0.1' }) {
  const query = new URLSearchParams({ key: 'peerjs', id, token });
  const socket = new WebSocket(`ws://127.0.0.1:${port}/peerjs/peerjs?${query}`, { localAddress: from });
  t.after(() => socket.terminate());
  socket.on('error', () => {});
  /** @type {any[]} */
  const received = [];
  socket.on('message', (data) => received.push(JSON.parse(String(data))));
  /** @type {Promise<{ code: number }>} */
  const closed = new Promise((resolve) => socket.once('close', (code) => resolve({ code })));
  let next = 0;
  return {
    socket,
    closed,
    received,
    /** @returns {Promise<any>} the next message from the server */
    async next(ms = 5000) {
      await until(() => received.length > next, `a message for ${id}`, ms);
      return received[next++];
    },
    /** @param {unknown} message */
    send(message) {
      socket.send(JSON.stringify(message));
    },
  };
}
