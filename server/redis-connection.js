// One connection of an rtc-server instance to Redis (server/cluster.js): the client's options, the
// backoff between attempts, and which errors are refusals (a wrong user or password, a database
// Redis does not have) rather than an outage.

/**
 * @typedef {object} ConnectionEvents
 * @property {() => void} ready the connection answers, in the database asked for
 * @property {(reason: string, refused: boolean) => void} down it failed; `refused` when Redis
 *   refused the user, the password or the database, which another attempt will not mend
 */

/** After this long without an answer, a command fails ("Command timed out"). */
export const COMMAND_TIMEOUT = 2000;

const OPTIONS = {
  lazyConnect: true,
  // Fail at once while Redis is away, rather than queue commands for later.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: COMMAND_TIMEOUT,
  connectTimeout: 3000,
  autoResubscribe: false,
};

/**
 * 100 ms doubling to 10 s, with jitter, for as long as it takes.
 * @param {number} attempt from 1
 */
function backoff(attempt) {
  return Math.min(10_000, 100 * 2 ** Math.min(attempt, 7)) * (0.75 + Math.random() / 2);
}

/**
 * Whether `error` is Redis refusing who we are or the database we asked for.
 * @param {any} error
 */
export function isRefusal(error) {
  if (error?.name !== 'ReplyError') return false;
  return /^(WRONGPASS|NOAUTH)\b/.test(String(error.message)) || ['auth', 'hello', 'select'].includes(error.command?.name);
}

/**
 * Creates a connection (not yet connected: call its `connect()`) that reports to `on`. A
 * connection whose database was refused is not reported ready (the client would go on in
 * database 0): it is closed and tried again, with the backoff.
 * @param {typeof import('ioredis').Redis} Redis
 * @param {string} url
 * @param {ConnectionEvents} on
 */
export function openConnection(Redis, url, on) {
  // The client counts attempts from its last 'ready', which a refused database still reaches.
  let attempts = 0;
  let refused = false;
  const connection = new Redis(url, { ...OPTIONS, retryStrategy: () => backoff(++attempts) });
  connection.on('connect', () => {
    refused = false;
  });
  connection.on('error', (/** @type {Error} */ error) => {
    const refusal = isRefusal(error);
    if (refusal) refused = true;
    on.down(error.message, refusal);
  });
  connection.on('close', () => on.down('connection closed', false));
  connection.on('ready', () => {
    if (refused) {
      connection.disconnect(true);
      return;
    }
    attempts = 0;
    on.ready();
  });
  return connection;
}
