// Graceful shutdown of the HTTP side: no new connections or requests, the responses under way
// (the bundle to a slow reader, a chunk on a slow link) allowed to finish for a bounded time,
// then every connection cut. Without it a response larger than the socket's buffers was cut
// short the moment the server was told to stop.

/**
 * @param {import('node:http').Server} httpServer
 */
export function httpDrain(httpServer) {
  let draining = false;

  return {
    /**
     * The first middleware: once draining, a new request is refused (503), and a response that
     * was under way closes its connection when it is done, instead of keeping it alive.
     * @type {import('express').RequestHandler}
     */
    middleware(_req, res, next) {
      if (draining) {
        res.set({ Connection: 'close', 'Retry-After': '1' }).status(503).end();
        return;
      }
      res.once('finish', () => {
        if (draining) res.socket?.end();
      });
      next();
    },

    /**
     * Stops listening and closes idle connections at once; the others as their responses end,
     * or all of them once `graceMs` have passed.
     * @param {number} graceMs
     * @returns {Promise<void>} settles once every connection has closed
     */
    close(graceMs) {
      draining = true;
      // With no 'upgrade' listener, Node hands an Upgrade request to the app as an ordinary one,
      // which the middleware refuses. A listener left in place (ws's is gone by now, the one that
      // corks is not) takes the socket out of the server's hands, unanswered and out of reach of
      // closeAllConnections(): close() would never settle, and a response under way on that
      // keep-alive connection would stall.
      httpServer.removeAllListeners('upgrade');
      // Settles with ERR_SERVER_NOT_RUNNING when listen() never succeeded: closed either way.
      const closed = new Promise((resolve) => httpServer.close(() => resolve(undefined)));
      httpServer.closeIdleConnections();
      const cutOff = setTimeout(() => httpServer.closeAllConnections(), graceMs);
      return closed.then(() => clearTimeout(cutOff));
    },
  };
}
