// Running out of file descriptors: every connection holds one. Past the process's limit
// (`ulimit -n`), libuv accepts each new connection and closes it at once, and Node is never
// told: clients are cut off and nothing is logged. Instead the HTTP server takes connections
// only up to what the limit leaves room for, says so in the log when it refuses one, and keeps
// a reserve for the files it sends, the state file and the Redis link.

import { readFile, readdir } from 'node:fs/promises';

/** Descriptors left over for everything but connections. */
export const RESERVE = 32;

/**
 * Caps `httpServer.maxConnections` by the descriptor limit, where the system tells it (Linux);
 * elsewhere it leaves the server as it is. Call once the server listens.
 * @param {import('node:http').Server} httpServer
 * @param {(kind: string, message: string) => void} warn throttled: see warnings.js
 * @returns {Promise<number | undefined>} the connections allowed, if capped
 */
export async function limitConnectionsToDescriptors(httpServer, warn) {
  const [limit, inUse] = await Promise.all([descriptorLimit(), descriptorsInUse()]);
  if (limit === undefined || inUse === undefined) return undefined;
  const allowed = Math.max(1, limit - inUse - RESERVE);
  httpServer.maxConnections = allowed;
  httpServer.on('drop', () => {
    warn(
      'descriptors',
      `connection refused: ${allowed} connections are open, as many as the limit of ${limit} file ` +
        'descriptors leaves room for; raise it (ulimit -n, or LimitNOFILE= in a systemd unit)',
    );
  });
  return allowed;
}

/** The soft limit on open files, from /proc (Linux). */
async function descriptorLimit() {
  const limits = await readFile('/proc/self/limits', 'utf8').catch(() => '');
  const match = /^Max open files\s+(\d+)/m.exec(limits);
  return match ? Number(match[1]) : undefined;
}

/** Descriptors open now, not counting the one that lists them. */
async function descriptorsInUse() {
  const open = await readdir('/proc/self/fd').catch(() => undefined);
  return open && open.length - 1;
}
