// A real redis-server and rtc-server processes for the server's cluster tests (server/cluster*.test.js),
// each stopped after its test. Without redis-server installed, `skip` says why and the tests are
// skipped (Debian: apt-get install redis-server; CI installs it).

import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from './peer-client.mjs';

const serverDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'server');

export const REDIS = ['/usr/bin/redis-server', 'redis-server'].find((bin) => spawnSync(bin, ['--version']).status === 0);
export const skip = REDIS ? false : 'redis-server is not installed (Debian: apt-get install redis-server)';

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * A redis-server of its own on 127.0.0.1 (a free port unless given), nothing saved; stopped
 * after the test, woken first if the test paused it.
 * @param {import('node:test').TestContext} t
 * @param {number} [port]
 * @param {string[]} [args] more redis-server options
 */
export async function startRedis(t, port = 0, args = []) {
  port ||= await freePort();
  const child = spawn(
    /** @type {string} */ (REDIS),
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...args],
    { stdio: 'ignore' },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
    await exited;
  });
  const password = args[args.indexOf('--requirepass') + 1];
  await until(
    () =>
      new Promise((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('error', () => resolve(false));
        socket.once('data', (data) => {
          socket.destroy();
          resolve(/^\+(PONG|OK)/.test(String(data)));
        });
        socket.write(args.includes('--requirepass') ? `AUTH ${password}\r\n` : 'PING\r\n');
      }),
    'redis-server to answer',
  );
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    /** Stops (SIGSTOP) or wakes (SIGCONT) the server: its connections stay open, unanswered. */
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
  };
}

/**
 * One rtc-server process on 127.0.0.1, a free port, as it starts.
 * @param {import('node:test').TestContext} t
 * @param {string[]} args
 */
export function spawnInstance(t, args) {
  const child = spawn(process.execPath, [path.join(serverDir, 'cli.js'), '--port', '0', '--host', '127.0.0.1', ...args], {
    env: { ...process.env, PORT: '', HOST: '', RTC_REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  /** @type {number | null | undefined} */
  let code;
  const exited = new Promise((resolve) => child.once('close', (exitCode) => resolve((code = exitCode))));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    /** Its exit code, once it has exited and its output is all read; fails after `ms`. */
    exit: (ms = 10_000) => until(() => code !== undefined, 'rtc-server to exit', ms).then(() => code),
  };
}

/**
 * One rtc-server process on 127.0.0.1, a free port, once it listens.
 * @param {import('node:test').TestContext} t
 * @param {string[]} args
 */
export async function startInstance(t, args) {
  const { child, exited, output } = spawnInstance(t, args);
  const port = await until(() => {
    if (child.exitCode !== null) throw new Error(`rtc-server exited: ${output().stderr}`);
    return Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output().stdout)?.[1]);
  }, 'rtc-server to start', 15000);
  return {
    port,
    output,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * A TCP relay on 127.0.0.1:`port` to `target` that holds every chunk `ms` in each direction, in
 * order: a Redis further away than loopback. With `bytesPerSecond`, what goes to `target` passes
 * at most that fast, as over a narrow link. Closed after the test.
 * @param {import('node:test').TestContext} t
 * @param {number} port
 * @param {number} target
 * @param {number} ms
 * @param {number} [bytesPerSecond]
 */
export async function slowRelay(t, port, target, ms, bytesPerSecond = Infinity) {
  /** @type {Set<net.Socket>} */
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    for (const [from, to] of [[client, upstream], [upstream, client]]) {
      const rate = to === upstream ? bytesPerSecond : Infinity;
      /** Chunks on their way, each with when it is due; written in order, one timer at a time. */
      const queue = /** @type {{ data: Buffer, at: number }[]} */ ([]);
      let free = 0;
      const pump = () => {
        while (queue.length > 0 && queue[0].at <= Date.now()) to.write(/** @type {any} */ (queue.shift()).data);
        if (queue.length > 0) setTimeout(pump, queue[0].at - Date.now());
      };
      sockets.add(from);
      from.on('error', () => {});
      from.on('close', () => {
        sockets.delete(from);
        to.destroy();
      });
      from.on('data', (data) => {
        free = Math.max(free, Date.now()) + (data.length * 1000) / rate;
        queue.push({ data, at: Math.max(Date.now() + ms, rate === Infinity ? 0 : free + ms) });
        if (queue.length === 1) setTimeout(pump, queue[0].at - Date.now());
      });
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(undefined));
  });
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `redis://127.0.0.1:${port}` };
}
