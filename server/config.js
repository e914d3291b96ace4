// Configuration for the rtc-elements server: the defaults (server/defaults.js), merged with the
// environment, command-line flags (server/flags.js) and programmatic overrides, then validated.

import path from 'node:path';
import { ConfigError, MAX_TURN_TTL, MIN_TURN_TTL, defaultConfig } from './defaults.js';
import { flagFor, parseFlags } from './flags.js';

export { ConfigError, MAX_TURN_TTL, MIN_TURN_TTL, defaultConfig, packageRoot } from './defaults.js';
/** @typedef {import('./defaults.js').RtcServerConfig} RtcServerConfig */

// The command line is one of the sources merged here; its parser is offered with the rest.
export { parseFlags };

/** A PeerServer key the elements take: the same rule as theirs, in src/session/config.ts. */
const KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Settings that are positive integers; from flags they arrive as strings. */
const INTEGER_SETTINGS = /** @type {const} */ ([
  'aliveTimeout',
  'expireTimeout',
  'concurrentLimit',
  'maxConnectionsPerAddress',
  'maxMessageBytes',
  'maxBufferedBytes',
  'stalledReaderTimeout',
  'maxRelayedBytesPerSecond',
  'maxQueuedPerId',
  'maxQueuedBytes',
  'maxQueuedBytesPerSender',
  'idGraceTimeout',
  'shutdownGrace',
  'turnTtl',
  'iceServersPerMinute',
]);

/**
 * Builds the server configuration. Later sources win:
 * `defaultConfig` < env (`PORT`, `HOST`, `RTC_TURN_URL`, `RTC_TURN_SECRET`, `RTC_REDIS_URL`) < command-line flags
 * < `overrides`.
 * Both `env` and `argv` are empty unless given, so a program embedding the
 * server is not affected by the variables of the process it runs in.
 * @param {{ argv?: readonly string[], env?: Record<string, string | undefined>, overrides?: Partial<RtcServerConfig> }} [sources]
 * @returns {Readonly<RtcServerConfig>}
 * @throws {ConfigError} when a value is invalid
 */
export function resolveConfig({ argv = [], env = {}, overrides = {} } = {}) {
  /** @type {Record<string, unknown>} */
  const merged = { ...defaultConfig };
  // Where each value came from, so that an error names the variable or flag to fix.
  /** @type {Record<string, string>} */
  const source = {};
  /**
   * @param {Record<string, unknown>} values
   * @param {(name: string) => string} describe
   */
  const apply = (values, describe) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) continue;
      merged[name] = value;
      source[name] = describe(name);
    }
  };
  // An empty variable counts as unset, as in most shells' ${PORT:-...}.
  apply({ port: env.PORT || undefined, host: env.HOST || undefined }, (name) => name.toUpperCase());
  apply({ turnUrls: env.RTC_TURN_URL || undefined }, () => 'RTC_TURN_URL');
  apply({ turnSecret: env.RTC_TURN_SECRET || undefined }, () => 'RTC_TURN_SECRET');
  apply({ redisUrl: env.RTC_REDIS_URL || undefined }, () => 'RTC_REDIS_URL');
  apply(parseFlags(argv).config, flagFor);
  for (const name of Object.keys(overrides)) {
    if (!(name in defaultConfig)) throw new ConfigError(`Unknown setting "${name}"`);
  }
  apply(overrides, (name) => name);
  return Object.freeze(validate(/** @type {RtcServerConfig} */ (merged), source));
}

/**
 * @param {RtcServerConfig} config
 * @param {Record<string, string>} source
 * @returns {RtcServerConfig}
 */
function validate(config, source) {
  const from = (/** @type {string} */ name) => (source[name] ? ` (from ${source[name]})` : '');
  const port = typeof config.port === 'string' && /^\s*\d+\s*$/.test(config.port) ? Number(config.port) : config.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(
      `Invalid port ${JSON.stringify(config.port)}${from('port')}: expected an integer from 0 to 65535`,
    );
  }
  if (typeof config.path !== 'string' || !config.path.startsWith('/')) {
    throw new ConfigError(`Invalid path ${JSON.stringify(config.path)}${from('path')}: it must start with "/"`);
  }
  // The elements refuse any other key (src/session/config.ts): a server that took it would start,
  // and every page would fail with invalid-config.
  if (typeof config.key !== 'string' || !KEY_PATTERN.test(config.key)) {
    throw new ConfigError(
      `Invalid key ${JSON.stringify(config.key)}${from('key')}: expected 1 to 64 letters, digits, "-" or "_", as the elements accept`,
    );
  }
  if (config.host !== undefined && (typeof config.host !== 'string' || config.host === '')) {
    throw new ConfigError('Invalid host: expected a host name or address');
  }
  /** @type {Record<string, number>} */
  const integers = {};
  for (const name of INTEGER_SETTINGS) {
    const given = /** @type {unknown} */ (config[name]);
    const value = typeof given === 'string' && /^\s*\d+\s*$/.test(given) ? Number(given) : given;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw new ConfigError(`Invalid ${name} ${JSON.stringify(given)}${from(name)}: expected a positive integer`);
    }
    integers[name] = value;
  }
  // A credential must outlast a join, and not outlive any call by much: a leaked one stays valid
  // until it expires. Code that embeds the server may go shorter (tests that watch one expire).
  const minTurnTtl = source.turnTtl === '--turn-ttl' ? MIN_TURN_TTL : 1;
  if (integers.turnTtl < minTurnTtl || integers.turnTtl > MAX_TURN_TTL) {
    throw new ConfigError(`Invalid turnTtl ${integers.turnTtl}${from('turnTtl')}: expected ${minTurnTtl} to ${MAX_TURN_TTL} seconds (2 days)`);
  }
  // Below this even one PeerJS offer would not fit.
  if (integers.maxMessageBytes < 4096) {
    throw new ConfigError(`Invalid maxMessageBytes ${integers.maxMessageBytes}${from('maxMessageBytes')}: expected 4096 or more`);
  }
  // maxRelayedBytesPerSecond: a second's worth must hold the largest message, or it never passes.
  for (const name of ['maxBufferedBytes', 'maxQueuedBytes', 'maxQueuedBytesPerSender', 'maxRelayedBytesPerSecond']) {
    if (integers[name] < integers.maxMessageBytes) {
      throw new ConfigError(
        `Invalid ${name} ${integers[name]}${from(name)}: expected at least maxMessageBytes (${integers.maxMessageBytes})`,
      );
    }
  }
  if (config.stateFile !== undefined && (typeof config.stateFile !== 'string' || config.stateFile === '')) {
    throw new ConfigError(`Invalid stateFile${from('stateFile')}: expected a file path`);
  }
  const turnUrls = checkTurnUrls(config.turnUrls, from('turnUrls'));
  if (config.turnSecret !== undefined && (typeof config.turnSecret !== 'string' || config.turnSecret === '')) {
    throw new ConfigError(`Invalid turnSecret${from('turnSecret')}: expected a non-empty string`);
  }
  if (turnUrls.length > 0 && config.turnSecret === undefined) {
    throw new ConfigError(`TURN URLs given${from('turnUrls')} without a secret: set --turn-secret or RTC_TURN_SECRET to coturn's static-auth-secret`);
  }
  if (turnUrls.length === 0 && config.turnSecret !== undefined) {
    throw new ConfigError(`A TURN secret given${from('turnSecret')} without a URL: set --turn-url or RTC_TURN_URL`);
  }
  const turnOrigins = checkTurnOrigins(config.turnOrigins, from('turnOrigins'));
  if (config.redisUrl !== undefined) checkRedisUrl(config.redisUrl, from('redisUrl'));
  for (const name of /** @type {const} */ (['distDir', 'demoDir'])) {
    if (typeof config[name] !== 'string' || config[name] === '') {
      throw new ConfigError(`Invalid ${name}: expected a folder path`);
    }
  }
  return {
    ...config,
    ...integers,
    port,
    turnUrls,
    turnOrigins,
    stateFile: config.stateFile === undefined ? undefined : path.resolve(config.stateFile),
    allowDiscovery: Boolean(config.allowDiscovery),
    proxied: Boolean(config.proxied),
    distDir: path.resolve(config.distDir),
    demoDir: path.resolve(config.demoDir),
  };
}

/**
 * TURN URLs from repeated flags, comma-separated strings or an array.
 * @param {unknown} given
 * @param {string} from
 * @returns {string[]}
 */
function checkTurnUrls(given, from) {
  const list = listOf(given);
  for (const url of list) {
    // turn:host[:port][?transport=udp|tcp], as RTCIceServer takes them.
    if (typeof url !== 'string' || url.length > 256 || !/^(turns?|stuns?):[^\s/?#,]+(\?transport=(udp|tcp))?$/i.test(url)) {
      throw new ConfigError(
        `Invalid TURN URL ${JSON.stringify(url)}${from}: expected something like turn:turn.example.com:3478 or turns:turn.example.com:5349?transport=tcp`,
      );
    }
  }
  return list;
}

/**
 * Page origins from repeated flags, comma-separated strings or an array, each as a browser
 * sends it in `Origin` (scheme, host in lower case, port unless the default).
 * @param {unknown} given
 * @param {string} from
 * @returns {string[]}
 */
function checkTurnOrigins(given, from) {
  return listOf(given).map((origin) => {
    /** @type {URL | undefined} */
    let url;
    try {
      if (typeof origin === 'string' && origin.length <= 256) url = new URL(origin);
    } catch {
      // Not a URL: refused below.
    }
    const bare = url && !url.username && !url.password && url.pathname === '/' && !url.search && !url.hash;
    if (!url || !bare || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new ConfigError(`Invalid TURN origin ${JSON.stringify(origin)}${from}: expected a page's origin, such as https://app.example.com (no path)`);
    }
    return url.origin;
  });
}

/**
 * The items of a list given as repeated flags, comma-separated strings or an array; strings trimmed.
 * @param {unknown} given
 * @returns {unknown[]}
 */
function listOf(given) {
  return (Array.isArray(given) ? given : [given])
    .flatMap((item) => (typeof item === 'string' ? item.split(',') : [item]))
    .map((item) => (typeof item === 'string' ? item.trim() : item))
    .filter((item) => item !== '');
}

/**
 * A redis:// or rediss:// URL with a host, and a database only as a number after it: anything
 * else there would have the Redis client select no database, or fail later. Errors name the
 * source, not the URL, which may hold a password.
 * @param {unknown} url
 * @param {string} from
 */
function checkRedisUrl(url, from) {
  /** @type {URL | undefined} */
  let parsed;
  try {
    if (typeof url === 'string' && url.length <= 2048) parsed = new URL(url);
  } catch {
    // Not a URL: refused below.
  }
  if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || parsed.hostname === '') {
    throw new ConfigError(`Invalid Redis URL${from}: expected something like redis://127.0.0.1:6379 or rediss://user:password@redis.example.com:6380/0`);
  }
  if (!/^(\/(\d{1,9})?)?$/.test(parsed.pathname) || parsed.searchParams.has('db')) {
    throw new ConfigError(`Invalid Redis URL${from}: the database is a number after the host, as in redis://127.0.0.1:6379/2, or nothing for database 0`);
  }
}
