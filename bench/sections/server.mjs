// 5. Server capacity: rtc-server (server/cli.js) against the stock `peer` CLI, and two rtc-server
// instances sharing one redis-server (--redis), each its own child process on 127.0.0.1,
// alternately in the same run, several times (the order reversed every other time). The load
// generator is this process: N WebSocket peers as PeerJS opens them (on the two instances in
// turn), then pairs relaying OFFER messages as fast as the server passes them on, a fixed number
// in flight per direction (each pair across the two). Every server process is warmed up the same
// way before anything is measured: a first run of either side would otherwise also measure its
// own JIT compilation, its young generation growing, and the generator's.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { sleep } from '../lib/browser.mjs';
import { ratio, summary } from '../lib/stats.mjs';

// ws 8, the copy the peer package itself uses (a hoisted ws may be 7).
const WebSocket = createRequire(import.meta.resolve('peer'))('ws');

const TICKS = 100; // USER_HZ

// The generator collects its own garbage (the sockets of the run before, tens of MiB) before each
// measured phase, so that its collections fall on no side's figures more than on the other's.
v8.setFlagsFromString('--expose-gc');
const collectGeneratorGarbage = vm.runInNewContext('gc');
/**
 * The load generator's frames carry an all-zero mask, which ws then skips applying: the
 * server unmasks as usual, while the generator spends its time on sending, not on masking,
 * so it can outrun the server on the same cores.
 */
const zeroMask = (mask) => mask.fill(0);

/** A free TCP port on 127.0.0.1 (the stock CLI cannot be told to pick one itself). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
function cpuTicks(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

const CLUSTER = 'rtc-server ×2, Redis';
const REDIS = ['/usr/bin/redis-server', 'redis-server'].find((bin) => spawnSync(bin, ['--version']).status === 0);

const KINDS = {
  'rtc-server': (root, port) => ({
    // Every simulated peer comes from 127.0.0.1: lift the per-address cap for the measurement.
    argv: [path.join(root, 'server/cli.js'), '--port', String(port), '--host', '127.0.0.1', '--max-connections-per-address', '100000'],
    ready: `http://127.0.0.1:${port}/peerjs`,
    ws: (id) => `ws://127.0.0.1:${port}/peerjs/peerjs?key=peerjs&id=${id}&token=t${id}`,
  }),
  'stock peer': (root, port) => ({
    argv: [path.join(root, 'node_modules/peer/dist/bin/peerjs.js'), '--port', String(port), '--host', '127.0.0.1', '--path', '/'],
    ready: `http://127.0.0.1:${port}/`,
    ws: (id) => `ws://127.0.0.1:${port}/peerjs?key=peerjs&id=${id}&token=t${id}`,
  }),
};

async function startServer(kind, root, extraArgv = []) {
  if (kind === CLUSTER) return startCluster(root);
  const port = await freePort();
  const spec = KINDS[kind](root, port);
  spec.argv.push(...extraArgv);
  // stdout ignored: the stock CLI logs every connection, and nothing here reads it. Node's
  // inspector, on a free port of 127.0.0.1, lets the benchmark ask every server process alike for
  // a full garbage collection before its memory is read; no session is open otherwise.
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', ...spec.argv], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 10_000;
  let inspector;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${kind} exited: ${stderr.trim()}`);
    inspector ??= /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
    try {
      if (inspector && (await fetch(spec.ready)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${kind} did not start within 10 s: ${stderr.trim()}`);
    }
    await sleep(50);
  }
  return {
    ...spec,
    pids: [child.pid],
    inspectors: [inspector],
    async stop() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A redis-server on a free port of 127.0.0.1 (nothing saved), and two rtc-servers sharing it. */
async function startCluster(root) {
  const port = await freePort();
  const redis = spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const redisExited = new Promise((resolve) => redis.once('exit', resolve));
  const stopRedis = async () => {
    if (redis.exitCode === null) redis.kill('SIGKILL');
    await redisExited;
  };
  const instances = [];
  try {
    const url = `redis://127.0.0.1:${port}`;
    instances.push(await startServer('rtc-server', root, ['--redis', url]));
    instances.push(await startServer('rtc-server', root, ['--redis', url]));
  } catch (error) {
    await Promise.all(instances.map((i) => i.stop()));
    await stopRedis();
    throw error;
  }
  return {
    // Peer i on instance i % 2: the pairs (2p, 2p + 1) relay across the two.
    ws: (id, i) => instances[i % 2].ws(id),
    pids: [...instances.flatMap((i) => i.pids), redis.pid],
    inspectors: instances.flatMap((i) => i.inspectors),
    async stop() {
      await Promise.all(instances.map((i) => i.stop()));
      await stopRedis();
    },
  };
}

/** Sends one command to a Node inspector and resolves with its result. */
function inspect(url, method, params = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ id: 1, method, params })));
    ws.on('message', (data) => {
      const answer = JSON.parse(String(data));
      if (answer.id !== 1) return;
      ws.close();
      if (answer.error) reject(new Error(`${method}: ${answer.error.message}`));
      else resolve(answer.result);
    });
  });
}

/**
 * The server's memory once each of its Node processes has collected all its garbage: RSS in KiB
 * (all its processes, redis-server too) and the V8 heap in use in bytes (its Node processes).
 */
async function settledMemory(server) {
  let heap = 0;
  for (const url of server.inspectors) {
    await inspect(url, 'HeapProfiler.collectGarbage');
    const { result } = await inspect(url, 'Runtime.evaluate', { expression: 'process.memoryUsage().heapUsed', returnByValue: true });
    heap += result.value;
  }
  await sleep(200);
  return { rss: server.pids.reduce((sum, pid) => sum + rssKiB(pid), 0), heap };
}

/** Closes sockets with a close frame and waits until they are closed. */
async function closeAll(sockets) {
  await Promise.all(
    sockets.map((s) => (s.readyState === WebSocket.CLOSED ? undefined : new Promise((resolve) => {
      s.once('close', resolve);
      s.close();
    }))),
  );
}

/**
 * The same for every server before it is measured: peers connect, relay for a moment and leave,
 * so that the server's code is compiled, its heap has grown to its working size, and the ids are
 * free again.
 */
async function warmUp(server, prefix, n, source) {
  const sockets = await connectAll(server, n, `${prefix}w`, source);
  await relay(sockets, sockets.map((_, i) => `${prefix}w-${i}`), Math.min(100, n / 2), 500);
  await closeAll(sockets);
  await sleep(500);
}

/** Opens one PeerJS-style WebSocket; resolves once the server said OPEN. */
function connect(url, source, timeout = 15_000) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, generateMask: zeroMask, localAddress: source });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('no OPEN within 15 s'));
    }, timeout);
    ws.once('message', (data) => {
      clearTimeout(timer);
      if (String(data).includes('"OPEN"')) resolve(ws);
      else {
        ws.terminate();
        reject(new Error(`server answered ${String(data).slice(0, 100)}`));
      }
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Connects `n` peers, `window` handshakes at a time. */
async function connectAll(server, n, prefix, source, window = 64) {
  const sockets = new Array(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      sockets[i] = await connect(server.ws(`${prefix}-${i}`, i), source);
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  return sockets;
}

/** A PeerJS data-connection offer, as the browser sends it through the server (about 1 KB). */
function offer(dst, i) {
  const sdp = [
    'v=0', `o=- 46117${i} 2 IN IP4 127.0.0.1`, 's=-', 't=0 0', 'a=group:BUNDLE 0', 'a=extmap-allow-mixed', 'a=msid-semantic: WMS',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'c=IN IP4 0.0.0.0', 'a=ice-ufrag:Xk2b', 'a=ice-pwd:f0yzK3bJ8dQm1nZ5h2XwTq7r',
    'a=ice-options:trickle', 'a=fingerprint:sha-256 9C:1F:4E:2B:77:AB:90:12:34:56:78:9A:BC:DE:F0:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11',
    'a=setup:actpass', 'a=mid:0', 'a=sctp-port:5000', 'a=max-message-size:262144', '',
  ].join('\r\n');
  return JSON.stringify({
    type: 'OFFER',
    dst,
    payload: { sdp: { type: 'offer', sdp }, type: 'data', connectionId: `dc_bench${i}`, label: `dc_bench${i}`, reliable: true, serialization: 'raw', metadata: { proto: 'rtc-room/1', kind: 'mesh' } },
  });
}

/**
 * Pairs of peers send each other OFFERs for `ms`: each direction keeps `inFlight` messages on
 * their way, sending the next one as one arrives. Returns deliveries per second.
 */
const TEXT = { binary: false };

async function relay(sockets, ids, pairs, ms, inFlight = 8) {
  let counting = false;
  let delivered = 0;
  let stop = false;
  for (let p = 0; p < pairs; p++) {
    const [a, b] = [2 * p, 2 * p + 1];
    for (const [from, to] of [[a, b], [b, a]]) {
      const message = Buffer.from(offer(ids[to], p));
      // Every message `to` receives comes from `from`: answer each with the next one.
      sockets[to].on('message', () => {
        if (counting) delivered++;
        if (!stop) sockets[from].send(message, TEXT);
      });
    }
  }
  for (let p = 0; p < pairs; p++) {
    for (let k = 0; k < inFlight; k++) {
      sockets[2 * p].send(offer(ids[2 * p + 1], p), TEXT);
      sockets[2 * p + 1].send(offer(ids[2 * p], p), TEXT);
    }
  }
  await sleep(500); // warm up
  counting = true;
  const t0 = performance.now();
  await sleep(ms);
  counting = false;
  const seconds = (performance.now() - t0) / 1000;
  stop = true;
  return delivered / seconds;
}

/**
 * One kind, once. `source` is the generator's address for it: every measurement has its own
 * (all of 127.0.0.0/8 is loopback), so that the thousands of ports the one before left in
 * TIME_WAIT cannot slow down the connections of whichever side comes next.
 */
async function measure(kind, { root, quick, log }, rep, source) {
  const n = quick ? 2_000 : 3_000;
  const server = await startServer(kind, root);
  let sockets = [];
  try {
    // Everything the kind runs: both instances and redis-server for the cluster.
    const cpu = () => server.pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
    const prefix = `b${rep}${kind.length}${Date.now().toString(36)}`;
    await warmUp(server, prefix, 500, source);
    const before = await settledMemory(server);
    collectGeneratorGarbage();
    const cpuConnect0 = cpu();
    const t0 = performance.now();
    sockets = await connectAll(server, n, prefix, source);
    const connectMs = performance.now() - t0;
    const connectCpuSeconds = (cpu() - cpuConnect0) / TICKS;
    const connected = sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
    await sleep(500);
    const after = await settledMemory(server);
    const ids = sockets.map((_, i) => `${prefix}-${i}`);
    collectGeneratorGarbage();
    const cpu0 = cpu();
    const relaySeconds = quick ? 2 : 3;
    const perSecond = await relay(sockets, ids, Math.min(200, n / 2), relaySeconds * 1000);
    const cpuSeconds = (cpu() - cpu0) / TICKS;
    const result = {
      peers: n,
      connected,
      connectSeconds: connectMs / 1000,
      connectsPerSecond: n / (connectMs / 1000),
      // Server CPU per connection: what a connection costs, less swayed by other work than the rate.
      cpuMicrosecondsPerConnection: (connectCpuSeconds / n) * 1e6,
      rssBeforeMiB: before.rss / 1024,
      mibPer1000: ((after.rss - before.rss) / 1024 / n) * 1000,
      heapBytesPerPeer: (after.heap - before.heap) / n,
      relayedPerSecond: perSecond,
      // Server CPU per relayed message: what the relay costs, whoever was the bottleneck.
      cpuMicrosecondsPerMessage: (cpuSeconds / (perSecond * (relaySeconds + 0.5))) * 1e6,
    };
    log(
      `  server ${kind} #${rep + 1}: ${connected}/${n} connected in ${result.connectSeconds.toFixed(2)} s, ` +
        `${result.mibPer1000.toFixed(1)} MiB per 1,000 (heap ${Math.round(result.heapBytesPerPeer)} bytes a peer), ` +
        `${Math.round(perSecond).toLocaleString('en-US')} relayed/s`,
    );
    return result;
  } finally {
    for (const s of sockets) s?.terminate();
    await server.stop();
  }
}

export async function serverCapacity(ctx) {
  // Never one run per side: a single pair of runs tells the order and the moment more than the server.
  const reps = ctx.quick ? 3 : 5;
  if (!REDIS) ctx.log('  server: no redis-server (apt-get install redis-server): the cluster row is left out');
  const kinds = ['rtc-server', 'stock peer', ...(REDIS ? [CLUSTER] : [])];
  const runs = Object.fromEntries(kinds.map((k) => [k, []]));
  for (let rep = 0; rep < reps; rep++) {
    for (const kind of rep % 2 ? kinds.slice().reverse() : kinds) {
      runs[kind].push(await measure(kind, ctx, rep, `127.0.${rep + 1}.${kinds.indexOf(kind) + 1}`));
    }
  }
  const figures = ['connectsPerSecond', 'cpuMicrosecondsPerConnection', 'mibPer1000', 'heapBytesPerPeer', 'relayedPerSecond', 'cpuMicrosecondsPerMessage'];
  const side = (list) => ({
    peers: list[0]?.peers,
    connected: Math.min(...list.map((r) => r.connected)),
    ...Object.fromEntries(figures.map((f) => [f, summary(list.map((r) => r[f]))])),
  });
  const ours = side(runs['rtc-server']);
  const stock = side(runs['stock peer']);
  const ratios = Object.fromEntries(figures.map((f) => [f, ratio(ours[f].median, stock[f].median)]));
  // The two sides' ratio within each repetition (run next to each other), for the spread.
  const perRun = Object.fromEntries(
    figures.map((f) => [f, runs['rtc-server'].map((r, i) => Math.round(ratio(r[f], runs['stock peer'][i][f]) * 100) / 100)]),
  );
  // "No worse than stock": the ratio of medians, allowing 5 % for noise on a shared machine.
  const met = ours.connected >= stock.connected && ratios.connectsPerSecond >= 0.95 && ratios.relayedPerSecond >= 0.95 && ratios.mibPer1000 <= 1.05;
  // Not held to a target: what crossing instances through Redis costs, against one instance.
  const cluster = REDIS ? side(runs[CLUSTER]) : undefined;
  const clusterRatios = cluster && Object.fromEntries(figures.map((f) => [f, ratio(cluster[f].median, ours[f].median)]));
  return { repetitions: reps, rtcServer: ours, stock, ratios, perRun, target: 'no worse than stock (within 5 %)', met, cluster, clusterRatios, runs };
}
