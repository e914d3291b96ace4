// The command line of rtc-server: its flags, the setting each one sets, and the --help text.
// The values are checked with the other sources, in resolveConfig (server/config.js).

import { parseArgs } from 'node:util';
import { ConfigError, MAX_TURN_TTL, MIN_TURN_TTL, defaultConfig } from './defaults.js';

/**
 * The flags that set a setting, by flag name.
 * @type {Readonly<Record<string, keyof import('./defaults.js').RtcServerConfig>>}
 */
const SETTING_FLAGS = Object.freeze({
  port: 'port',
  host: 'host',
  path: 'path',
  key: 'key',
  proxied: 'proxied',
  'state-file': 'stateFile',
  'concurrent-limit': 'concurrentLimit',
  'max-connections-per-address': 'maxConnectionsPerAddress',
  'max-message-bytes': 'maxMessageBytes',
  'max-buffered-bytes': 'maxBufferedBytes',
  'stalled-reader-timeout': 'stalledReaderTimeout',
  'max-relayed-bytes-per-second': 'maxRelayedBytesPerSecond',
  'max-queued-per-id': 'maxQueuedPerId',
  'max-queued-bytes': 'maxQueuedBytes',
  'max-queued-bytes-per-sender': 'maxQueuedBytesPerSender',
  'id-grace-timeout': 'idGraceTimeout',
  'shutdown-grace': 'shutdownGrace',
  'turn-url': 'turnUrls',
  'turn-secret': 'turnSecret',
  'turn-ttl': 'turnTtl',
  'turn-origin': 'turnOrigins',
  redis: 'redisUrl',
});

/**
 * Every flag as parseArgs reads it: one string each, unless said here; then the command line's own.
 * @type {import('node:util').ParseArgsOptionsConfig}
 */
const OPTIONS = {
  ...Object.fromEntries(Object.keys(SETTING_FLAGS).map((flag) => [flag, { type: 'string' }])),
  proxied: { type: 'boolean' },
  'turn-url': { type: 'string', multiple: true },
  'turn-origin': { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
  'build-if-stale': { type: 'boolean' },
};

/** The flag that sets each setting, by setting. */
const FLAG_OF = /** @type {Record<string, string>} */ (
  Object.fromEntries(Object.entries(SETTING_FLAGS).map(([flag, setting]) => [setting, flag]))
);

/**
 * @typedef {object} CliFlags
 * @property {Partial<Record<keyof import('./defaults.js').RtcServerConfig, string | string[] | boolean>>} config
 *   values as given; `resolveConfig` validates the ones that take effect
 * @property {boolean} help
 * @property {boolean} buildIfStale
 */

/**
 * Parses command-line arguments (without the node and script paths).
 * @param {readonly string[]} argv
 * @returns {CliFlags}
 * @throws {ConfigError} for an unknown flag, a missing value or an argument that is not a flag
 */
export function parseFlags(argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: OPTIONS });
  } catch (error) {
    throw new ConfigError(/** @type {Error} */ (error).message);
  }
  const values = /** @type {Record<string, string | string[] | boolean | undefined>} */ (parsed.values);
  /** @type {CliFlags['config']} */
  const config = {};
  for (const [flag, setting] of Object.entries(SETTING_FLAGS)) {
    const value = values[flag];
    if (value !== undefined) config[setting] = value;
  }
  return { config, help: values.help === true, buildIfStale: values['build-if-stale'] === true };
}

/**
 * The flag that sets `setting`, as given on the command line (`--state-file` for stateFile).
 * @param {string} setting
 */
export function flagFor(setting) {
  return `--${FLAG_OF[setting]}`;
}

/** What `rtc-server --help` prints, with the defaults of `defaultConfig`. */
export function helpText() {
  return `Usage: rtc-server [options]

Serves the rtc-elements bundle, the demo pages and a PeerServer.

Options:
  --port N          port to listen on (env PORT, default ${defaultConfig.port}; 0 picks a free port)
  --host H          interface to bind (env HOST, default: all interfaces)
  --path P          where the PeerServer is mounted (default ${defaultConfig.path})
  --key K           PeerServer API key, 1 to 64 letters, digits, "-" or "_" (default ${defaultConfig.key})
  --proxied         behind a reverse proxy: take client addresses from X-Forwarded-For
  --state-file F    keep the peer id bindings in F across restarts (default: memory only)

Several instances as one (docs/hosting.md):
  --redis URL       share peer ids and relay messages through Redis, e.g. redis://127.0.0.1:6379
                    (env RTC_REDIS_URL)

TURN credentials at GET /ice-servers, and beside --path: /rtc/ice-servers for /rtc/peerjs (docs/hosting.md):
  --turn-url URL    a turn:, turns: (or stun:) URL of your coturn; repeat it or separate URLs
                    with commas (env RTC_TURN_URL)
  --turn-secret S   coturn's static-auth-secret (env RTC_TURN_SECRET, which other users of the
                    machine cannot read in the process list)
  --turn-ttl S      seconds the credentials stay valid, ${MIN_TURN_TTL} to ${MAX_TURN_TTL} (2 days) [${defaultConfig.turnTtl}]
  --turn-origin O   answer only pages on this origin, e.g. https://app.example.com; repeat it or
                    separate origins with commas (default: pages on any origin)

Limits (defaults in brackets):
  --concurrent-limit N              peers connected at once [${defaultConfig.concurrentLimit}]
  --max-connections-per-address N   PeerServer WebSockets from one address (IPv6: one /64); without
                                    --proxied, 4 times as many connections of any kind [${defaultConfig.maxConnectionsPerAddress}]
  --max-message-bytes N             largest WebSocket message [${defaultConfig.maxMessageBytes}]
  --max-buffered-bytes N            unsent bytes before a slow reader is cut off; past half of it,
                                    messages from other clients are dropped instead [${defaultConfig.maxBufferedBytes}]
  --stalled-reader-timeout MS       how long a client's queue may stay past that half, unread,
                                    before it is cut off [${defaultConfig.stalledReaderTimeout}]
  --max-relayed-bytes-per-second N  bytes of messages for others one WebSocket may send per second,
                                    a second's worth at once [${defaultConfig.maxRelayedBytesPerSecond}]
  --max-queued-per-id N             messages kept for one absent peer id [${defaultConfig.maxQueuedPerId}]
  --max-queued-bytes N              bytes kept for all absent peer ids [${defaultConfig.maxQueuedBytes}]
  --max-queued-bytes-per-sender N   bytes kept for absent peer ids from one peer id, and from one
                                    address (IPv6: one /64) [${defaultConfig.maxQueuedBytesPerSender}]
  --id-grace-timeout MS             how long a lost peer's id stays reserved for its token [${defaultConfig.idGraceTimeout}]
  --shutdown-grace MS               on SIGTERM/SIGINT, how long responses under way may take [${defaultConfig.shutdownGrace}]

Other:
  --build-if-stale  run "npm run build" first when dist/rtc-elements.js is older than src/
  --help            show this help
`;
}
