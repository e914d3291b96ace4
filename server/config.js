// Configuration for the rtc-elements server: frozen defaults, merged with the
// environment, command-line flags and programmatic overrides, then validated.

import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Root of the package: the folder that holds `server/`, `dist/` and `demo/`. */
export const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * @typedef {object} RtcServerConfig
 * @property {number} port TCP port; 0 picks a free one.
 * @property {string | undefined} host Interface to bind; undefined means all interfaces.
 * @property {string} path Where the PeerServer is mounted (a PeerJS client's `path`).
 * @property {string} key PeerServer API key (a PeerJS client's `key`).
 * @property {number} aliveTimeout Ms without a heartbeat before a peer is dropped.
 * @property {number} expireTimeout Ms a message for an absent peer is kept before EXPIRE.
 * @property {number} concurrentLimit Most peers connected at once.
 * @property {boolean} allowDiscovery Whether `GET {path}/{key}/peers` lists peer ids.
 * @property {boolean} proxied Whether the server runs behind a reverse proxy (trust X-Forwarded-*).
 * @property {string} distDir Folder holding the build (`rtc-elements.js`).
 * @property {string} demoDir Folder served at `/`.
 */

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
  allowDiscovery: false,
  proxied: false,
  distDir: path.join(packageRoot, 'dist'),
  demoDir: path.join(packageRoot, 'demo'),
});

export const helpText = `Usage: rtc-server [options]

Serves the rtc-elements bundle, the demo pages and a PeerServer.

Options:
  --port N          port to listen on (env PORT, default ${defaultConfig.port}; 0 picks a free port)
  --host H          interface to bind (env HOST, default: all interfaces)
  --path P          where the PeerServer is mounted (default ${defaultConfig.path})
  --key K           PeerServer API key (default ${defaultConfig.key})
  --build-if-stale  run "npm run build" first when dist/rtc-elements.js is older than src/
  --help            show this help
`;

/** An invalid setting; its message is meant for the person who gave it. */
export class ConfigError extends Error {
  name = 'ConfigError';
}

/**
 * @typedef {object} CliFlags
 * @property {{ port?: string, host?: string, path?: string, key?: string }} config
 *   values as given; `resolveConfig` validates the ones that take effect
 * @property {boolean} help
 * @property {boolean} buildIfStale
 */

/**
 * Parses command-line arguments (without the node and script paths).
 * @param {readonly string[]} argv
 * @returns {CliFlags}
 */
export function parseFlags(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        path: { type: 'string' },
        key: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        'build-if-stale': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new ConfigError(/** @type {Error} */ (error).message);
  }
  const { port, host, path, key, help, 'build-if-stale': buildIfStale } = parsed.values;
  /** @type {CliFlags['config']} */
  const config = {};
  for (const [name, value] of Object.entries({ port, host, path, key })) {
    if (value !== undefined) /** @type {any} */ (config)[name] = value;
  }
  return { config, help: help === true, buildIfStale: buildIfStale === true };
}

/**
 * Builds the server configuration. Later sources win:
 * `defaultConfig` < env (`PORT`, `HOST`) < command-line flags < `overrides`.
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
  apply(parseFlags(argv).config, (name) => `--${name}`);
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
  if (typeof config.key !== 'string' || config.key === '') {
    throw new ConfigError('Invalid key: expected a non-empty string');
  }
  if (config.host !== undefined && (typeof config.host !== 'string' || config.host === '')) {
    throw new ConfigError('Invalid host: expected a host name or address');
  }
  for (const name of /** @type {const} */ (['aliveTimeout', 'expireTimeout', 'concurrentLimit'])) {
    if (!Number.isInteger(config[name]) || config[name] <= 0) {
      throw new ConfigError(`Invalid ${name} ${JSON.stringify(config[name])}: expected a positive integer`);
    }
  }
  for (const name of /** @type {const} */ (['distDir', 'demoDir'])) {
    if (typeof config[name] !== 'string' || config[name] === '') {
      throw new ConfigError(`Invalid ${name}: expected a folder path`);
    }
  }
  return {
    ...config,
    port,
    allowDiscovery: Boolean(config.allowDiscovery),
    proxied: Boolean(config.proxied),
    distDir: path.resolve(config.distDir),
    demoDir: path.resolve(config.demoDir),
  };
}
