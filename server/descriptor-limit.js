// Running out of file descriptors: every connection holds one, and so does every file being
// sent. Past the process's limit (`ulimit -n`), libuv accepts each new connection and closes it
// at once, and Node is never told: clients are cut off and nothing is logged; a file that cannot
// be opened is answered 500. Instead the HTTP server takes connections only up to what the limit
// leaves room for, less the files being sent (a slow reader holds its file as long as its
// connection), says so in the log when it refuses one, and keeps a reserve for the state file,
// the Redis link and the files that connections already open ask for.

import { ReadStream } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';

/** Descriptors left over for everything but connections. */
export const RESERVE = 32;

/**
 * How often the limit is read again (ms): `prlimit --nofile` changes it under a running process,
 * which would otherwise cut connections off unlogged past a lowered limit, or go on refusing
 * them under a raised one.
 */
export const LIMIT_RECHECK = 5000;

/**
 * How far files may take connections and files together past the budget, out of `RESERVE`:
 * a connection already open still gets its page when new ones are refused.
 */
const FILE_OVERDRAFT = RESERVE / 2;

/**
 * Requests one connection may have in flight at once. Browsers send one at a time (none
 * pipelines); without a cap, 1,000 requests written at once on one connection that read nothing
 * opened 1,000 files and held 123 MB of them.
 */
export const MAX_IN_FLIGHT = 4;

const IN_FLIGHT = Symbol('requests in flight');

/**
 * Keeps connections and the files sent on them within the descriptor limit, where the system
 * tells it (Linux); elsewhere it leaves the server as it is.
 * @param {import('node:http').Server} httpServer
 * @param {() => number} openConnections the server's connections open now (address-connections.js)
 * @param {(kind: string, message: string) => void} warn throttled: see warnings.js
 */
export function descriptorBudget(httpServer, openConnections, warn) {
  /** Descriptors for connections and files, once known. @type {number | undefined} */
  let budget;
  /** @type {number | undefined} */
  let limit;
  let files = 0;
  /** @type {NodeJS.Timeout | undefined} */
  let recheck;
  let stopped = false;

  const update = () => {
    if (budget !== undefined) httpServer.maxConnections = Math.max(1, budget - files);
  };
  /** @param {string} refused */
  const full = (refused) =>
    warn(
      `descriptors: ${refused}`,
      `${refused} refused: ${openConnections()} connections are open${files ? ` and ${files} file${files === 1 ? ' is' : 's are'} being sent` : ''}, ` +
        `as many as the limit of ${limit} file descriptors leaves room for; raise it (ulimit -n, or LimitNOFILE= in a systemd unit)`,
    );
  return {
    /**
     * Counts the files that responses stream from disk (express.static, res.sendFile), and
     * refuses a request (503) once connections and files would leave no reserve, or once its
     * connection has MAX_IN_FLIGHT requests before it unanswered (503, and the connection closes).
     * @type {import('express').RequestHandler}
     */
    middleware(req, res, next) {
      const socket = /** @type {import('node:net').Socket & { [IN_FLIGHT]?: number }} */ (req.socket);
      const inFlight = (socket[IN_FLIGHT] ?? 0) + 1;
      if (inFlight > MAX_IN_FLIGHT) {
        res.set({ Connection: 'close', 'Retry-After': '1' }).status(503).end();
        return;
      }
      socket[IN_FLIGHT] = inFlight;
      res.once('close', () => {
        socket[IN_FLIGHT] = (socket[IN_FLIGHT] ?? 1) - 1;
      });
      if (budget !== undefined && openConnections() + files >= budget + FILE_OVERDRAFT) {
        full('request');
        res.set('Retry-After', '1').status(503).end();
        return;
      }
      res.on('pipe', (source) => {
        if (!(source instanceof ReadStream)) return;
        files++;
        update();
        source.once('close', () => {
          files--;
          update();
        });
        // A response queued behind another on its connection (pipelined requests) gets the
        // connection only when those before it are sent, and `send` closes its file only once it
        // has it: when the connection closes first, the file stayed open for good.
        req.once('close', () => {
          if (req.socket.destroyed) source.destroy();
        });
      });
      next();
    },

    /**
     * Reads the limit and what the process holds; call once the server listens.
     * @returns {Promise<number | undefined>} the connections allowed, if capped
     */
    async start() {
      const [found, inUse] = await Promise.all([descriptorLimit(), descriptorsInUse()]);
      if (found === undefined || inUse === undefined || stopped) return undefined;
      const apply = (/** @type {number} */ newLimit) => {
        limit = newLimit;
        budget = Math.max(1, limit - inUse - RESERVE);
        update();
      };
      apply(found);
      httpServer.on('drop', () => full('connection'));
      recheck = setInterval(async () => {
        const now = await descriptorLimit();
        if (now === undefined || now === limit || stopped) return;
        warn('descriptors: limit', `the file descriptor limit is now ${now} (was ${limit})`);
        apply(now);
      }, LIMIT_RECHECK);
      recheck.unref();
      return budget;
    },

    /** Stops reading the limit again. */
    stop() {
      stopped = true;
      clearInterval(recheck);
    },
  };
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
