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

/** @param {import('./config.js').RtcServerConfig} config */
function pick({ port, host, path, key }) {
  return { port, host, path, key };
}
