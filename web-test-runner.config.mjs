// Browser tests: real Chromium with a fake camera and microphone, a real rtc-server and a real
// stock PeerServer (the `peer` package's own CLI) on 127.0.0.1, real WebRTC over loopback.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { createRtcServer } from './server/index.js';
import { parseAst } from 'rollup/parseAst';
import { lazySupports, peerjsShims } from './scripts/peerjs-slim.mjs';
import { chromeArgs, chromePath, fakeDeviceArgs } from './test/chrome.mjs';

const root = fileURLToPath(new URL('.', import.meta.url));
/**
 * A mouse, as on a desktop (`hover: hover`, `pointer: fine`), where headless Chromium has no
 * pointer at all: the call shows a tile's buttons only while the mouse is on the tile where
 * there is one. The `touch-screen` command makes it a finger.
 */
const MOUSE = '--blink-settings=primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,availablePointerTypes=4';
async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

async function waitForPort(port, child, deadlineMs = 15000) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server process on ${port} exited`);
    const ok = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`server process did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The PeerServers' URLs, given to every test page as `globalThis.rtcTestEnv` (test/env.ts). */
const testEnv = {};

/** Starts both PeerServers for the run. */
function peerServers() {
  let rtc;
  let stock;
  return {
    name: 'rtc-peer-servers',
    async serverStart() {
      // test/hostile.test.ts floods pages through it to test the pages' own defences: the
      // relay rate per socket would stop those floods first (server/hostile.test.js tests it).
      rtc = createRtcServer({ host: '127.0.0.1', port: 0, maxRelayedBytesPerSecond: 1024 ** 3 });
      const { port } = await rtc.listen();
      const stockPort = await freePort();
      stock = spawn(
        process.execPath,
        [`${root}node_modules/peer/dist/bin/peerjs.js`, '--port', String(stockPort), '--host', '127.0.0.1', '--path', '/stock'],
        { stdio: 'ignore' },
      );
      await waitForPort(stockPort, stock);
      testEnv.rtcServer = `http://127.0.0.1:${port}/peerjs`;
      testEnv.stockServer = `http://127.0.0.1:${stockPort}/stock`;
    },
    async serverStop() {
      stock?.kill();
      await rtc?.close();
    },
  };
}

/** Debian's coturn binary (TURNSERVER_PATH overrides), or null when it is not installed. */
function findTurnserver() {
  const candidates = process.env.TURNSERVER_PATH
    ? [process.env.TURNSERVER_PATH]
    : [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/bin', '/usr/sbin'].map((dir) => path.join(dir, 'turnserver'));
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not there
    }
  }
  return null;
}

/**
 * A real coturn on 127.0.0.1 (a free port, files in a temporary folder, not /var/lib/turn, so an
 * apt-started coturn on 3478 is not in the way) and three rtc-servers that hand out credentials
 * for it at /ice-servers: with its secret, with a wrong secret, and with a TTL of a few seconds.
 * Given to the pages as `rtcTestEnv.turn`, or `null` when coturn is not installed (the TURN
 * tests are then skipped; .ci/run installs it). Allocations last 8 s, so that a test sees them
 * refreshed after its credentials expired.
 */
function turnRelay() {
  let turn;
  let dir;
  const servers = [];
  return {
    name: 'rtc-turn',
    async serverStart() {
      testEnv.turn = null;
      const bin = findTurnserver();
      if (!bin) return;
      dir = mkdtempSync(path.join(tmpdir(), 'rtc-turn-'));
      const port = await freePort();
      const secret = randomBytes(16).toString('hex');
      // Relay ports below Linux's ephemeral range (32768+), away from the browser's own sockets.
      const relayBase = 20000 + (port % 100) * 100;
      turn = spawn(
        bin,
        [
          '-n', '--no-cli', '--no-tls', '--no-dtls', '--fingerprint', '--simple-log', '--log-file=stdout',
          '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${port}`,
          `--min-port=${relayBase}`, `--max-port=${relayBase + 99}`, '--allow-loopback-peers',
          '--use-auth-secret', `--static-auth-secret=${secret}`, '--realm=rtc-elements.test',
          `--userdb=${path.join(dir, 'turndb')}`, `--pidfile=${path.join(dir, 'turnserver.pid')}`,
          '--max-allocate-lifetime=8',
        ],
        { stdio: 'ignore' },
      );
      turn.on('error', () => {});
      await waitForPort(port, turn);
      const turnUrl = `turn:127.0.0.1:${port}`;
      const start = async (overrides) => {
        const server = createRtcServer({ host: '127.0.0.1', port: 0, turnUrls: [turnUrl], iceServersPerMinute: 100_000, ...overrides });
        servers.push(server);
        const { port: serverPort } = await server.listen();
        return `http://127.0.0.1:${serverPort}/peerjs`;
      };
      const shortTtl = 4;
      testEnv.turn = {
        turnUrl,
        server: await start({ turnSecret: secret }),
        wrongSecretServer: await start({ turnSecret: `not-${secret}` }),
        shortTtlServer: await start({ turnSecret: secret, turnTtl: shortTtl }),
        shortTtl,
        allocationLifetime: 8,
      };
    },
    async serverStop() {
      await Promise.all(servers.map((server) => server.close()));
      if (turn && turn.exitCode === null && turn.signalCode === null) {
        const exited = once(turn, 'exit');
        turn.kill();
        await exited;
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Fault injection for the resilience tests, as test-runner commands (executeServerCommand):
 * - `signalling-server` starts rtc-server as a child process on a fixed port, or kills it with
 *   SIGKILL, as a crash or a deploy would, or freezes it (SIGSTOP) and thaws it (SIGCONT): its
 *   sockets stay open and answer nothing, as when a page's network goes without a word;
 * - `loopback-udp` drops or restores UDP on the loopback interface (every peer-to-peer packet,
 *   while the PeerServer's TCP keeps working). It needs the loopback-only network namespace
 *   that .ci/run creates (RTC_TEST_NETNS=1); elsewhere it reports itself unavailable.
 */
function faultInjection() {
  let child;
  let port;
  let udpDropped = false;
  const nft = (...args) =>
    new Promise((resolve, reject) => {
      const p = spawn('nft', args, { stdio: 'ignore' });
      p.on('error', reject);
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`nft ${args.join(' ')} exited with ${code}`))));
    });
  const restoreUdp = async () => {
    if (udpDropped) await nft('delete', 'table', 'inet', 'rtc_test');
    udpDropped = false;
  };
  const kill = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  };
  return {
    name: 'rtc-fault-injection',
    async executeCommand({ command, payload }) {
      if (command === 'signalling-server') {
        if (payload.action === 'start') {
          await kill();
          port ??= await freePort();
          child = spawn(process.execPath, [`${root}server/cli.js`, '--port', String(port), '--host', '127.0.0.1'], { stdio: 'ignore' });
          await waitForPort(port, child);
          return { url: `http://127.0.0.1:${port}/peerjs` };
        }
        if (payload.action === 'kill') {
          await kill();
          return { killed: true };
        }
        if (payload.action === 'freeze' || payload.action === 'thaw') {
          child?.kill(payload.action === 'freeze' ? 'SIGSTOP' : 'SIGCONT');
          return { done: true };
        }
      }
      if (command === 'loopback-udp') {
        if (process.env.RTC_TEST_NETNS !== '1') return { available: false };
        if (payload.action === 'drop' && !udpDropped) {
          await nft('add', 'table', 'inet', 'rtc_test');
          await nft('add', 'chain', 'inet', 'rtc_test', 'input', '{ type filter hook input priority 0; }');
          await nft('add', 'rule', 'inet', 'rtc_test', 'input', 'meta', 'l4proto', 'udp', 'drop');
          udpDropped = true;
        } else if (payload.action === 'restore') {
          await restoreUdp();
        }
        return { available: true };
      }
      return undefined;
    },
    async serverStop() {
      await kill();
      await restoreUdp().catch(() => {});
    },
  };
}

/**
 * The DevTools session of a test page, one per page, kept: what a session set (an emulation,
 * a permission) ends with it.
 */
const devtoolsSessions = new WeakMap();
async function devtools(session) {
  const page = session.browser.getPage(session.id);
  if (!devtoolsSessions.has(page)) devtoolsSessions.set(page, await page.createCDPSession());
  return { page, cdp: devtoolsSessions.get(page) };
}

/**
 * `touch-screen` `{ enabled }`: the page's pointer is a finger, as on a phone (`pointer: coarse`),
 * by Chromium's touch emulation.
 */
function touchScreen() {
  return {
    name: 'rtc-touch-screen',
    async executeCommand({ command, payload, session }) {
      if (command !== 'touch-screen') return undefined;
      const { cdp } = await devtools(session);
      await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: Boolean(payload.enabled), maxTouchPoints: 5 });
      return { done: true };
    },
  };
}

/**
 * `permission` `{ camera, microphone }`: what the browser's settings say of the page's camera and
 * microphone (`granted`, `denied` or `prompt`), as when the visitor changes them there. The page's
 * `PermissionStatus` objects hear of it, and a device blocked now ends its tracks; `getUserMedia`
 * does not follow (the fake devices are granted without a prompt), so a test that blocks the
 * devices also makes `getUserMedia` refuse. `{ reset: true }` puts the browser's own answers
 * back. A test file that sets any must reset them: they outlive it (the next file runs in the
 * same browser), and one set to `granted` also answers for frames that the page's permissions
 * policy does not allow the devices.
 */
function permissions() {
  return {
    name: 'rtc-permissions',
    async executeCommand({ command, payload, session }) {
      if (command !== 'permission') return undefined;
      const { page, cdp } = await devtools(session);
      if (payload.reset) {
        await cdp.send('Browser.resetPermissions');
        return { done: true };
      }
      const origin = new URL(page.url()).origin;
      for (const name of ['camera', 'microphone']) {
        if (payload[name]) await cdp.send('Browser.setPermission', { permission: { name }, setting: payload[name], origin });
      }
      return { done: true };
    },
  };
}

/**
 * Two rtc-server instances sharing one Redis (--redis), each its own process on 127.0.0.1, and a
 * redis-server of their own on a free port with nothing saved. Given to the pages as
 * `rtcTestEnv.cluster = { a, b }` (their PeerServer URLs), or `null` when redis-server is not
 * installed (the cluster tests are then skipped; .ci/run installs it).
 */
function redisCluster() {
  const children = [];
  const findRedisServer = () => {
    const onPath = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'redis-server'));
    for (const file of ['/usr/bin/redis-server', ...onPath]) {
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not there
      }
    }
    return null;
  };
  const start = (command, args, env = process.env) => {
    const child = spawn(command, args, { stdio: 'ignore', env });
    child.on('error', () => {});
    children.push(child);
    return child;
  };
  // The instances take their settings from these flags only, not from PORT, HOST or RTC_* around the runner.
  const instanceEnv = { ...process.env, PORT: '', HOST: '', RTC_REDIS_URL: '', RTC_TURN_URL: '', RTC_TURN_SECRET: '' };
  const instance = async (redisUrl) => {
    const port = await freePort();
    await waitForPort(port, start(process.execPath, [`${root}server/cli.js`, '--port', String(port), '--host', '127.0.0.1', '--redis', redisUrl], instanceEnv));
    return `http://127.0.0.1:${port}/peerjs`;
  };
  return {
    name: 'rtc-redis-cluster',
    async serverStart() {
      testEnv.cluster = null;
      const bin = findRedisServer();
      if (!bin) return;
      const port = await freePort();
      const redis = start(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no']);
      await waitForPort(port, redis);
      const redisUrl = `redis://127.0.0.1:${port}`;
      const [a, b] = await Promise.all([instance(redisUrl), instance(redisUrl)]);
      testEnv.cluster = { a, b };
    },
    async serverStop() {
      // Instances first, then the Redis they share.
      for (const group of [children.slice(1), children.slice(0, 1)]) {
        await Promise.all(
          group
            .filter((child) => child.exitCode === null && child.signalCode === null)
            .map((child) => {
              const exited = once(child, 'exit');
              child.kill('SIGKILL');
              return exited;
            }),
        );
      }
    },
  };
}

/** For esbuild: PeerJS's `util.supports` worked out when first read, as in the production bundle. */
const peerjsLazySupports = {
  name: 'peerjs-lazy-supports',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]peerjs[\\/]dist[\\/]bundler\.mjs$/ }, ({ path: file }) => {
      const code = readFileSync(file, 'utf8');
      return { contents: lazySupports(code, parseAst(code)).toString(), loader: 'js' };
    });
  },
};

/**
 * PeerJS's ES build imports the CommonJS package `sdp` (through webrtc-adapter), which browsers
 * cannot load as is: bundle peerjs once into an ES module and point the bare import at it.
 */
function peerjsAsEsm() {
  const out = `${root}.wtr-cache/peerjs.js`;
  return {
    name: 'peerjs-as-esm',
    async serverStart() {
      mkdirSync(`${root}.wtr-cache`, { recursive: true });
      await build({
        entryPoints: ['peerjs'],
        bundle: true,
        format: 'esm',
        outfile: out,
        logLevel: 'silent',
        absWorkingDir: root,
        alias: peerjsShims, // the same slimmed PeerJS as the production bundle
        plugins: [peerjsLazySupports],
      });
    },
    resolveImport({ source }) {
      if (source === 'peerjs') return '/.wtr-cache/peerjs.js';
    },
  };
}

export default {
  rootDir: root,
  files: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  nodeResolve: { exportConditions: ['development'] },
  concurrency: 1,
  browsers: [chromeLauncher({ launchOptions: { executablePath: chromePath, headless: true, args: [...chromeArgs, ...fakeDeviceArgs, MOUSE] } })],
  plugins: [peerjsAsEsm(), peerServers(), turnRelay(), redisCluster(), faultInjection(), touchScreen(), permissions(), esbuildPlugin({ ts: true, tsconfig: `${root}tsconfig.json`, target: 'es2022' })],
  testRunnerHtml: (testFramework) => `<!doctype html>
    <html lang="en"><head><title>rtc-elements tests</title></head><body>
      <script>globalThis.rtcTestEnv = ${JSON.stringify(testEnv)};</script>
      <script type="module" src="${testFramework}"></script>
    </body></html>`,
  testFramework: { config: { timeout: 30000 } },
  testsFinishTimeout: 10 * 60 * 1000,
  browserStartTimeout: 60000,
  filterBrowserLogs: ({ type }) => type === 'error',
};
