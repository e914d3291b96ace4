import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError, defaultConfig, parseFlags, resolveConfig } from './config.js';

test('defaults match the stock PeerServer layout and are frozen', () => {
  const config = resolveConfig();
  assert.deepEqual(config, defaultConfig);
  assert.ok(Object.isFrozen(defaultConfig));
  assert.ok(Object.isFrozen(config));
  assert.equal(config.port, 9000);
  assert.equal(config.host, undefined);
  assert.equal(config.path, '/peerjs');
  assert.equal(config.key, 'peerjs');
  assert.ok(path.isAbsolute(config.distDir) && config.distDir.endsWith(`${path.sep}dist`));
  assert.ok(path.isAbsolute(config.demoDir) && config.demoDir.endsWith(`${path.sep}demo`));
  assert.throws(() => {
    /** @type {any} */ (defaultConfig).port = 1;
  }, TypeError);
});

test('env overrides defaults, flags override env, overrides win over both', () => {
  const env = { PORT: '8123', HOST: '127.0.0.1' };
  assert.deepEqual(pick(resolveConfig({ env })), { port: 8123, host: '127.0.0.1', path: '/peerjs', key: 'peerjs' });

  const argv = ['--port', '8200', '--path', '/signal', '--key=k1'];
  assert.deepEqual(pick(resolveConfig({ env, argv })), { port: 8200, host: '127.0.0.1', path: '/signal', key: 'k1' });
  assert.deepEqual(pick(resolveConfig({ env, argv: ['--host', '::1', '--port=0'] })), {
    port: 0,
    host: '::1',
    path: '/peerjs',
    key: 'peerjs',
  });
  assert.deepEqual(pick(resolveConfig({ env, argv, overrides: { port: 0, key: 'k2' } })), {
    port: 0,
    host: '127.0.0.1',
    path: '/signal',
    key: 'k2',
  });
});

test('empty env variables count as unset; a flag replaces an invalid env value', () => {
  assert.equal(resolveConfig({ env: { PORT: '', HOST: '' } }).port, 9000);
  assert.equal(resolveConfig({ env: { PORT: '', HOST: '' } }).host, undefined);
  assert.equal(resolveConfig({ env: { PORT: 'abc' }, argv: ['--port', '0'] }).port, 0);
});

test('CLI-only flags are recognised and do not change the config', () => {
  assert.deepEqual(parseFlags(['--help']), { config: {}, help: true, buildIfStale: false });
  assert.deepEqual(parseFlags(['--build-if-stale', '--port', '1']), {
    config: { port: '1' },
    help: false,
    buildIfStale: true,
  });
  assert.deepEqual(resolveConfig({ argv: ['--build-if-stale'] }), defaultConfig);
});

test('invalid ports are rejected with a message naming their source', () => {
  for (const [sources, pattern] of /** @type {const} */ ([
    [{ argv: ['--port', 'abc'] }, /Invalid port "abc" \(from --port\): expected an integer from 0 to 65535/],
    [{ argv: ['--port=-1'] }, /Invalid port "-1" \(from --port\)/],
    [{ argv: ['--port', '65536'] }, /Invalid port "65536" \(from --port\)/],
    [{ argv: ['--port', '1.5'] }, /Invalid port "1.5"/],
    [{ env: { PORT: 'http' } }, /Invalid port "http" \(from PORT\)/],
    [{ overrides: { port: 70000 } }, /Invalid port 70000 \(from port\)/],
    [{ overrides: { port: 80.5 } }, /Invalid port 80.5/],
  ])) {
    assert.throws(() => resolveConfig(sources), (error) => {
      assert.ok(error instanceof ConfigError, `${error}`);
      assert.match(error.message, pattern);
      return true;
    });
  }
  assert.equal(resolveConfig({ argv: ['--port', '65535'] }).port, 65535);
});

test('a path must start with "/"', () => {
  assert.throws(() => resolveConfig({ argv: ['--path', 'peerjs'] }), {
    name: 'ConfigError',
    message: 'Invalid path "peerjs" (from --path): it must start with "/"',
  });
  assert.throws(() => resolveConfig({ overrides: { path: '' } }), ConfigError);
});

test('unknown flags, unknown settings and an empty key are rejected', () => {
  assert.throws(() => resolveConfig({ argv: ['--prot', '1'] }), { name: 'ConfigError', message: /--prot/ });
  assert.throws(() => resolveConfig({ argv: ['extra'] }), ConfigError);
  assert.throws(
    () => resolveConfig({ overrides: /** @type {any} */ ({ prot: 1 }) }),
    { name: 'ConfigError', message: 'Unknown setting "prot"' },
  );
  assert.throws(() => resolveConfig({ argv: ['--key', ''] }), { name: 'ConfigError', message: /key/ });
  assert.throws(() => resolveConfig({ overrides: { expireTimeout: 0 } }), { name: 'ConfigError', message: /expireTimeout/ });
});

test('a key is what the elements accept: 1 to 64 letters, digits, "-" or "_"', () => {
  const rule = 'expected 1 to 64 letters, digits, "-" or "_", as the elements accept';
  for (const [sources, message] of /** @type {const} */ ([
    [{ argv: ['--key', 'team.key'] }, `Invalid key "team.key" (from --key): ${rule}`],
    [{ argv: ['--key', 'a b'] }, `Invalid key "a b" (from --key): ${rule}`],
    [{ argv: ['--key', 'k'.repeat(65)] }, `Invalid key "${'k'.repeat(65)}" (from --key): ${rule}`],
    [{ argv: ['--key', 'clé'] }, `Invalid key "clé" (from --key): ${rule}`],
    [{ overrides: { key: 'team/key' } }, `Invalid key "team/key" (from key): ${rule}`],
    [{ overrides: /** @type {any} */ ({ key: 42 }) }, `Invalid key 42 (from key): ${rule}`],
  ])) {
    assert.throws(() => resolveConfig(sources), { name: 'ConfigError', message });
  }
  for (const key of ['k', 'Team_Key-2', 'k'.repeat(64)]) {
    assert.equal(resolveConfig({ argv: ['--key', key] }).key, key);
  }
});

/** @param {import('./config.js').RtcServerConfig} config */
function pick({ port, host, path, key }) {
  return { port, host, path, key };
}

test('the limits have flags, defaults, and are checked', () => {
  assert.equal(defaultConfig.maxConnectionsPerAddress, 50);
  assert.equal(defaultConfig.maxMessageBytes, 65536);
  assert.equal(defaultConfig.maxBufferedBytes, 1048576);
  assert.equal(defaultConfig.stalledReaderTimeout, 30000);
  assert.equal(defaultConfig.maxRelayedBytesPerSecond, 524288);
  assert.equal(defaultConfig.maxQueuedBytesPerSender, defaultConfig.maxQueuedBytes / 8);
  assert.equal(defaultConfig.stateFile, undefined);
  const config = resolveConfig({
    argv: [
      '--max-connections-per-address=7',
      '--max-message-bytes', '8192',
      '--max-buffered-bytes', '100000',
      '--stalled-reader-timeout', '2000',
      '--max-relayed-bytes-per-second', '10000',
      '--max-queued-per-id', '3',
      '--max-queued-bytes', '9000',
      '--max-queued-bytes-per-sender', '8500',
      '--id-grace-timeout', '1000',
      '--concurrent-limit', '20',
      '--state-file', 'ids.json',
      '--proxied',
    ],
  });
  assert.deepEqual(
    {
      maxConnectionsPerAddress: config.maxConnectionsPerAddress,
      maxMessageBytes: config.maxMessageBytes,
      maxBufferedBytes: config.maxBufferedBytes,
      stalledReaderTimeout: config.stalledReaderTimeout,
      maxRelayedBytesPerSecond: config.maxRelayedBytesPerSecond,
      maxQueuedPerId: config.maxQueuedPerId,
      maxQueuedBytes: config.maxQueuedBytes,
      maxQueuedBytesPerSender: config.maxQueuedBytesPerSender,
      idGraceTimeout: config.idGraceTimeout,
      concurrentLimit: config.concurrentLimit,
      stateFile: config.stateFile,
      proxied: config.proxied,
    },
    {
      maxConnectionsPerAddress: 7,
      maxMessageBytes: 8192,
      maxBufferedBytes: 100000,
      stalledReaderTimeout: 2000,
      maxRelayedBytesPerSecond: 10000,
      maxQueuedPerId: 3,
      maxQueuedBytes: 9000,
      maxQueuedBytesPerSender: 8500,
      idGraceTimeout: 1000,
      concurrentLimit: 20,
      stateFile: path.resolve('ids.json'),
      proxied: true,
    },
  );
  assert.throws(() => resolveConfig({ argv: ['--max-connections-per-address', '0'] }), {
    name: 'ConfigError',
    message: 'Invalid maxConnectionsPerAddress "0" (from --max-connections-per-address): expected a positive integer',
  });
  assert.throws(() => resolveConfig({ argv: ['--max-message-bytes', '1k'] }), { name: 'ConfigError', message: /--max-message-bytes/ });
  assert.throws(() => resolveConfig({ overrides: { maxMessageBytes: 100 } }), { name: 'ConfigError', message: /4096 or more/ });
  assert.throws(() => resolveConfig({ overrides: { maxBufferedBytes: 5000 } }), {
    name: 'ConfigError',
    message: /maxBufferedBytes 5000 \(from maxBufferedBytes\): expected at least maxMessageBytes/,
  });
  assert.throws(() => resolveConfig({ argv: ['--max-queued-bytes-per-sender', '4000'] }), {
    name: 'ConfigError',
    message: /maxQueuedBytesPerSender 4000 \(from --max-queued-bytes-per-sender\): expected at least maxMessageBytes/,
  });
  assert.throws(() => resolveConfig({ argv: ['--max-relayed-bytes-per-second', '60000'] }), {
    name: 'ConfigError',
    message: /maxRelayedBytesPerSecond 60000 \(from --max-relayed-bytes-per-second\): expected at least maxMessageBytes/,
  });
  assert.throws(() => resolveConfig({ argv: ['--state-file', ''] }), { name: 'ConfigError', message: /stateFile/ });
});

test('a Redis URL comes from --redis or RTC_REDIS_URL, is checked, and is absent by default', () => {
  assert.equal(defaultConfig.redisUrl, undefined);
  assert.equal(resolveConfig({ env: { RTC_REDIS_URL: 'redis://10.0.0.5:6379' } }).redisUrl, 'redis://10.0.0.5:6379');
  assert.equal(
    resolveConfig({ argv: ['--redis', 'rediss://u:p@redis.example.com:6380/2'], env: { RTC_REDIS_URL: 'redis://10.0.0.5:6379' } }).redisUrl,
    'rediss://u:p@redis.example.com:6380/2',
  );
  for (const url of ['http://127.0.0.1:6379', 'redis://', 'not a url', `redis://${'a'.repeat(3000)}`]) {
    assert.throws(() => resolveConfig({ argv: ['--redis', url] }), (error) => error instanceof ConfigError && /--redis/.test(error.message));
  }
  assert.throws(() => resolveConfig({ env: { RTC_REDIS_URL: 'tcp://x' } }), /RTC_REDIS_URL/);
});

test('a Redis URL names its database as a number after the host, or none', () => {
  for (const url of ['redis://h:6379', 'redis://h:6379/', 'redis://h:6379/0', 'redis://h/15', 'rediss://u:p@h:6380/123456789']) {
    assert.equal(resolveConfig({ argv: ['--redis', url] }).redisUrl, url);
  }
  for (const url of ['redis://h:6379/abc', 'redis://h:6379/1x', 'redis://h:6379/-1', 'redis://h:6379/1/2', 'redis://h:6379/%31', 'redis://h:6379/1234567890', 'redis://h:6379?db=abc', 'redis://u:secret@h:6379/x']) {
    assert.throws(
      () => resolveConfig({ argv: ['--redis', url] }),
      (/** @type {any} */ error) =>
        error instanceof ConfigError && /^Invalid Redis URL \(from --redis\): the database is a number after the host/.test(error.message) && !/secret/.test(error.message),
      url,
    );
  }
});
