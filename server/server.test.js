import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createRtcServer } from './index.js';

const BUNDLE = 'export const rtcElementsTestBundle = "\u00e9t\u00e9";\n';
const INLINE_SCRIPT = '\n  document.title = "ready";\n';
const DEMO_PAGE = `<!doctype html><title>rtc-elements demo</title>\n<style>p{}</style>\n<script type="module">${INLINE_SCRIPT}</script>\n<script type="module" src="/rtc-elements.js"></script>\n`;

/**
 * A server on 127.0.0.1 and a free port, over temporary dist/ and demo/
 * folders that hold known files. Everything is removed when the test ends.
 * @param {import('node:test').TestContext} t
 * @param {Partial<import('./config.js').RtcServerConfig>} [overrides]
 * @param {{ bundle?: boolean, logger?: import('./index.js').RtcServerLogger }} [options]
 */
async function startServer(t, overrides = {}, { bundle = true, logger } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'rtc-server-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const distDir = path.join(dir, 'dist');
  const demoDir = path.join(dir, 'demo');
  await mkdir(distDir);
  await mkdir(demoDir);
  if (bundle) await writeFile(path.join(distDir, 'rtc-elements.js'), BUNDLE);
  await writeFile(path.join(demoDir, 'index.html'), DEMO_PAGE);

  const server = createRtcServer({ port: 0, host: '127.0.0.1', distDir, demoDir, ...overrides }, { logger });
  t.after(() => server.close());
  const { port, url } = await server.listen();
  return { server, port, url };
}

/**
 * Resolves with `promise`, or rejects once `ms` have passed.
 * @template T
 * @param {Promise<T>} promise
 * @param {string} what
 * @param {number} [ms]
 * @returns {Promise<T>}
 */
function within(promise, what, ms = 3000) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, deadline]).finally(() => clearTimeout(timer)));
}

/**
 * A WebSocket client speaking the PeerServer protocol, with its messages queued.
 * @param {import('node:test').TestContext} t
 * @param {number} port
 * @param {{ id: string, token?: string, key?: string, path?: string }} options
 */
function connectPeer(t, port, { id, token = `token-${id}`, key = 'peerjs', path: mount = '/peerjs' }) {
  const query = new URLSearchParams({ key, id, token });
  const socket = new WebSocket(`ws://127.0.0.1:${port}${mount}/peerjs?${query}`);
  t.after(() => socket.terminate());
  /** @type {any[]} */
  const received = [];
  /** @type {((message: any) => void)[]} */
  const waiting = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else received.push(message);
  });
  const closed = new Promise((resolve) => socket.once('close', resolve));
  return {
    socket,
    closed,
    /** @returns {Promise<any>} the next message from the server */
    next() {
      if (received.length > 0) return Promise.resolve(received.shift());
      return within(new Promise((resolve) => waiting.push(resolve)), `a message for ${id}`);
    },
    /** @param {unknown} message */
    send(message) {
      socket.send(typeof message === 'string' ? message : JSON.stringify(message));
    },
  };
}

test('serves the bundle to any origin as a revalidated JavaScript module', async (t) => {
  const { url } = await startServer(t);
  const response = await fetch(`${url}/rtc-elements.js`, { headers: { Origin: 'https://example.test' } });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(response.headers.get('cache-control'), 'no-cache');
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(await response.text(), BUNDLE);

  const etag = response.headers.get('etag');
  assert.ok(etag, 'an ETag to revalidate against');
  // node:http rather than fetch(), which marks conditional requests no-cache.
  const revalidated = await new Promise((resolve, reject) => {
    http
      .get(`${url}/rtc-elements.js`, { headers: { 'If-None-Match': etag, 'Accept-Encoding': response.headers.get('content-encoding') ?? 'identity' } }, (res) =>
        res.resume().on('end', () => resolve(res)),
      )
      .on('error', reject);
  });
  assert.equal(revalidated.statusCode, 304);

  const map = await fetch(`${url}/rtc-elements.js.map`);
  assert.equal(map.status, 404);
});

test('serves the chunks beside the bundle to any origin, cached for good', async (t) => {
  const { server, url } = await startServer(t);
  const chunk = 'export const chunk = 1;\n';
  await writeFile(path.join(server.config.distDir, 'rtc-elements-session-AbC_12-x.js'), chunk);
  const response = await fetch(`${url}/rtc-elements-session-AbC_12-x.js`, { headers: { Origin: 'https://example.test' } });
  assert.equal(response.status, 200);
  assert.equal(await response.text(), chunk);
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal((await fetch(`${url}/rtc-elements-missing.js`)).status, 404);
  assert.equal((await fetch(`${url}/rtc-elements-session-AbC_12-x.js.map`)).status, 404);
  assert.equal((await fetch(`${url}/rtc-elements-%2e%2e%2fserver.js`)).status, 404);
});

/**
 * A GET or HEAD with node:http, which, unlike fetch(), neither decompresses nor adds headers.
 * @param {string} url
 * @param {Record<string, string>} headers
 * @param {string} [method]
 * @returns {Promise<{ status: number | undefined, headers: http.IncomingHttpHeaders, body: Buffer }>}
 */
function rawRequest(url, headers, method = 'GET') {
  return new Promise((resolve, reject) => {
    http
      .request(url, { method, headers }, (res) => {
        /** @type {Buffer[]} */
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject)
      .end();
  });
}

test('the bundle and its chunks go out compressed to a browser that takes it, as the README counts their size', async (t) => {
  const { server, url } = await startServer(t);
  const chunk = `export const chunk = "${'a chunk of code '.repeat(200)}";\n`;
  await writeFile(path.join(server.config.distDir, 'rtc-elements-session-AbC_12-x.js'), chunk);

  for (const [file, text] of [['rtc-elements.js', BUNDLE], ['rtc-elements-session-AbC_12-x.js', chunk]]) {
    const gzip = await rawRequest(`${url}/${file}`, { 'Accept-Encoding': 'gzip, deflate' });
    assert.equal(gzip.status, 200);
    assert.equal(gzip.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gzip.body).toString(), text);
    assert.equal(gzip.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(gzip.headers['access-control-allow-origin'], '*');
    assert.match(gzip.headers.vary ?? '', /Accept-Encoding/);

    const br = await rawRequest(`${url}/${file}`, { 'Accept-Encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(br.body).toString(), text);

    const plain = await rawRequest(`${url}/${file}`, {});
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body.toString(), text);
    assert.match(plain.headers.vary ?? '', /Accept-Encoding/);

    // Each encoding is its own representation: its own ETag, revalidated on its own.
    assert.ok(gzip.headers.etag && br.headers.etag && plain.headers.etag);
    assert.equal(new Set([gzip.headers.etag, br.headers.etag, plain.headers.etag]).size, 3);
    const again = await rawRequest(`${url}/${file}`, { 'Accept-Encoding': 'gzip', 'If-None-Match': String(gzip.headers.etag) });
    assert.equal(again.status, 304);

    const head = await rawRequest(`${url}/${file}`, { 'Accept-Encoding': 'gzip' }, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], String(gzip.body.length));
    assert.equal(head.body.length, 0);
  }
  assert.equal(
    (await rawRequest(`${url}/rtc-elements-session-AbC_12-x.js`, { 'Accept-Encoding': 'gzip' })).headers['cache-control'],
    'public, max-age=31536000, immutable',
  );

  // A range is of the file itself.
  const range = await rawRequest(`${url}/rtc-elements.js`, { 'Accept-Encoding': 'gzip', Range: 'bytes=0-5' });
  assert.equal(range.status, 206);
  assert.equal(range.headers['content-encoding'], undefined);
  assert.equal(range.body.toString(), BUNDLE.slice(0, 6));

  // A new build is served at once.
  const rebuilt = 'export const rebuilt = true;\n';
  await writeFile(path.join(server.config.distDir, 'rtc-elements.js'), rebuilt);
  assert.equal(gunzipSync((await rawRequest(`${url}/rtc-elements.js`, { 'Accept-Encoding': 'gzip' })).body).toString(), rebuilt);
});

test('answers 503 with a hint to build when the bundle is missing', async (t) => {
  const { url } = await startServer(t, {}, { bundle: false });
  const response = await fetch(`${url}/rtc-elements.js`, { headers: { Origin: 'https://example.test' } });
  assert.equal(response.status, 503);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  assert.match(await response.text(), /npm run build/);
});

test('serves the demo at / and the build under /dist/', async (t) => {
  const { url } = await startServer(t);
  const page = await fetch(`${url}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(await page.text(), DEMO_PAGE);

  const unbundled = await fetch(`${url}/dist/rtc-elements.js`);
  assert.equal(unbundled.status, 200);
  assert.equal(await unbundled.text(), BUNDLE);
  assert.equal((await fetch(`${url}/no-such-page.html`)).status, 404);
});

test('a request no handler can read gets its status, and nothing in the log', async (t) => {
  /** @type {string[]} */
  const warnings = [];
  const { url } = await startServer(t, {}, { logger: { warn: (m) => warnings.push(m) } });
  const printed = t.mock.method(console, 'error', () => {});
  for (let i = 0; i < 20; i++) {
    assert.equal((await fetch(`${url}/peerjs/%zz/id`)).status, 400);
    assert.equal((await fetch(`${url}/%zz`)).status, 404);
  }
  assert.equal(printed.mock.callCount(), 0, 'stack traces printed');
  assert.deepEqual(warnings, []);
  // The server still answers as before.
  assert.equal((await fetch(`${url}/`)).status, 200);
});

test('pages carry a Content-Security-Policy that admits their own inline code, and a Permissions-Policy', async (t) => {
  const { url } = await startServer(t);
  const page = await fetch(`${url}/`);
  const policy = page.headers.get('content-security-policy') ?? '';
  const hash = (/** @type {string} */ text) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
  const directives = Object.fromEntries(policy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
  assert.deepEqual(directives['script-src'], ["'self'", hash(INLINE_SCRIPT)]);
  assert.deepEqual(directives['style-src'], ["'self'", hash('p{}')]);
  assert.deepEqual(directives['connect-src'], ["'self'"]);
  assert.deepEqual(directives['object-src'], ["'none'"]);
  assert.deepEqual(directives['frame-ancestors'], ["'self'"]);
  assert.match(page.headers.get('permissions-policy') ?? '', /camera=\(self\), microphone=\(self\), display-capture=\(self\)/);

  // The bundle stays loadable from any origin, without a page's policy.
  const bundle = await fetch(`${url}/rtc-elements.js`, { headers: { Origin: 'https://example.test' } });
  assert.equal(bundle.headers.get('access-control-allow-origin'), '*');
  assert.equal(bundle.headers.get('content-security-policy'), null);
});

test('the PeerServer answers over HTTP at its path', async (t) => {
  const { url } = await startServer(t);
  const description = await fetch(`${url}/peerjs/`);
  assert.equal(description.status, 200);
  assert.equal((await description.json()).name, 'PeerJS Server');

  const id = await (await fetch(`${url}/peerjs/peerjs/id`)).text();
  assert.match(id, /^[\w-]{8,}$/);
  assert.equal((await fetch(`${url}/peerjs/peerjs/peers`)).status, 401, 'discovery is off by default');
});

test('with the PeerServer at / the demo is still served at /, and peers still connect', async (t) => {
  const { port, url } = await startServer(t, { path: '/' });
  const page = await fetch(`${url}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.equal(page.headers.get('access-control-allow-origin'), null, 'the page is not shared with every origin');
  assert.equal(await page.text(), DEMO_PAGE);

  assert.match(await (await fetch(`${url}/peerjs/id`)).text(), /^[\w-]{8,}$/);
  const heidi = connectPeer(t, port, { id: 'heidi', path: '' });
  assert.deepEqual(await heidi.next(), { type: 'OPEN' });
});

/** Two peers, alice and bob, on the server at `port`, each once it is told OPEN. */
async function openPair(t, port) {
  const alice = connectPeer(t, port, { id: 'alice' });
  const bob = connectPeer(t, port, { id: 'bob' });
  assert.deepEqual(await alice.next(), { type: 'OPEN' });
  assert.deepEqual(await bob.next(), { type: 'OPEN' });
  return { alice, bob };
}

test('the PeerServer opens peers, refuses a taken id and relays offers', async (t) => {
  const { port } = await startServer(t);
  const { alice, bob } = await openPair(t, port);

  const impostor = connectPeer(t, port, { id: 'bob', token: 'another-token' });
  assert.equal((await impostor.next()).type, 'ID-TAKEN');
  await within(impostor.closed, 'the impostor to be disconnected');

  const payload = { sdp: { type: 'offer', sdp: 'v=0' }, type: 'media', connectionId: 'mc_1' };
  alice.send({ type: 'OFFER', dst: 'bob', payload });
  assert.deepEqual(await bob.next(), { type: 'OFFER', src: 'alice', dst: 'bob', payload });
});

test('a relayed message names its true sender and carries nothing a stock PeerServer would not pass on', async (t) => {
  const { port } = await startServer(t);
  const { alice, bob } = await openPair(t, port);
  const payload = { candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' }, type: 'data', connectionId: 'dc_1' };
  // A forged sender, an extra field, a duplicate key (the last one counts, as in every JSON parser).
  alice.send(JSON.stringify({ type: 'CANDIDATE', dst: 'bob', src: 'carol', payload }));
  assert.deepEqual(await bob.next(), { type: 'CANDIDATE', src: 'alice', dst: 'bob', payload });
  alice.send(JSON.stringify({ type: 'CANDIDATE', dst: 'bob', payload, extra: 'x'.repeat(100) }));
  assert.deepEqual(await bob.next(), { type: 'CANDIDATE', src: 'alice', dst: 'bob', payload });
  alice.send(`{"type":"CANDIDATE","dst":"bob","payload":1,"payload":${JSON.stringify(payload)}}  `);
  assert.deepEqual(await bob.next(), { type: 'CANDIDATE', src: 'alice', dst: 'bob', payload });
});

test('the PeerServer refuses a wrong key', async (t) => {
  const { port } = await startServer(t);
  const stranger = connectPeer(t, port, { id: 'carol', key: 'not-the-key' });
  assert.deepEqual(await stranger.next(), { type: 'ERROR', payload: { msg: 'Invalid key provided' } });
  await within(stranger.closed, 'the stranger to be disconnected');
});

test('path, key, discovery and expiry settings reach the PeerServer', async (t) => {
  const { port, url } = await startServer(t, {
    path: '/signal',
    key: 'room-key',
    allowDiscovery: true,
    expireTimeout: 100,
  });
  const dave = connectPeer(t, port, { id: 'dave', key: 'room-key', path: '/signal' });
  assert.deepEqual(await dave.next(), { type: 'OPEN' });
  assert.deepEqual(await (await fetch(`${url}/signal/room-key/peers`)).json(), ['dave']);

  // An offer to nobody comes back as EXPIRE once expireTimeout has passed.
  dave.send({ type: 'OFFER', dst: 'nobody', payload: {} });
  assert.deepEqual(await dave.next(), { type: 'EXPIRE', src: 'nobody', dst: 'dave' });
});

test('a malformed message does not bring the server down', async (t) => {
  /** @type {string[]} */
  const warnings = [];
  const { port } = await startServer(t, {}, { logger: { warn: (message) => warnings.push(message) } });
  const erin = connectPeer(t, port, { id: 'erin' });
  const frank = connectPeer(t, port, { id: 'frank' });
  assert.deepEqual(await erin.next(), { type: 'OPEN' });
  assert.deepEqual(await frank.next(), { type: 'OPEN' });

  erin.send('this is not JSON');
  erin.send({ type: 'CANDIDATE', dst: 'frank', payload: { candidate: 'c' } });
  assert.deepEqual(await frank.next(), {
    type: 'CANDIDATE',
    src: 'erin',
    dst: 'frank',
    payload: { candidate: 'c' },
  });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^PeerServer: /);
});

test('close() ends open connections and frees the port', async (t) => {
  const { server, port, url } = await startServer(t);
  const grace = connectPeer(t, port, { id: 'grace' });
  assert.deepEqual(await grace.next(), { type: 'OPEN' });
  const agent = new http.Agent({ keepAlive: true });
  t.after(() => agent.destroy());
  await new Promise((resolve, reject) => {
    http.get(`${url}/peerjs/`, { agent }, (response) => response.resume().on('end', resolve)).on('error', reject);
  });

  await within(server.close(), 'close()');
  await within(grace.closed, 'the WebSocket to close');
  assert.equal(server.httpServer.listening, false);
  await server.close();

  const successor = createRtcServer({ port, host: '127.0.0.1' });
  t.after(() => successor.close());
  assert.equal((await successor.listen()).port, port);
});

const BIG_CHUNK = { name: 'rtc-elements-big-0.js', size: 16 * 1024 * 1024 };

/**
 * A dist/ folder that holds a chunk far larger than the sockets' buffers.
 * @param {import('node:test').TestContext} t
 */
async function distWithBigChunk(t) {
  const distDir = await mkdtemp(path.join(tmpdir(), 'rtc-server-test-'));
  t.after(() => rm(distDir, { recursive: true, force: true }));
  await writeFile(path.join(distDir, BIG_CHUNK.name), Buffer.alloc(BIG_CHUNK.size, 'x'));
  return distDir;
}

test('close() waits for a response under way no longer than shutdownGrace', async (t) => {
  const { server, port } = await startServer(t, { distDir: await distWithBigChunk(t), shutdownGrace: 300 });
  // A reader that takes the first bytes and never another.
  const stalled = new net.Socket();
  t.after(() => stalled.destroy());
  stalled.connect(port, '127.0.0.1').write(`GET /${BIG_CHUNK.name} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
  await within(new Promise((resolve) => stalled.once('data', resolve)), 'the response to start');
  stalled.pause();

  await within(server.close(), 'close() past the grace');
  assert.equal(server.httpServer.listening, false);
});

/**
 * A raw connection to the server that keeps all it receives.
 * @param {import('node:test').TestContext} t
 * @param {number} port
 */
async function rawConnection(t, port) {
  const socket = net.connect(port, '127.0.0.1');
  t.after(() => socket.destroy());
  await within(new Promise((resolve) => socket.once('connect', resolve)), 'a connection');
  /** @type {Buffer[]} */
  const received = [];
  const started = new Promise((resolve) => socket.once('data', resolve));
  socket.on('data', (chunk) => received.push(chunk));
  /** @type {Promise<Buffer>} all the server sent, once it has closed the connection */
  const ended = new Promise((resolve) => socket.once('close', () => resolve(Buffer.concat(received))));
  return { socket, started, ended };
}

test('close() refuses a WebSocket upgrade that arrives while it drains, and does not wait for it', async (t) => {
  const { server, port } = await startServer(t, { distDir: await distWithBigChunk(t), shutdownGrace: 30_000 });
  const upgrade = (/** @type {string} */ id) =>
    `GET /peerjs/peerjs?key=peerjs&id=${id}&token=t HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n` +
    'Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
  // A keep-alive connection with a large response under way, to a reader that has paused.
  const busy = await rawConnection(t, port);
  busy.socket.write(`GET /${BIG_CHUNK.name} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
  await within(busy.started, 'the response to start');
  busy.socket.pause();
  // Connections open before the shutdown that have sent nothing yet, or half a request.
  const fresh = await rawConnection(t, port);
  const halfway = await rawConnection(t, port);
  halfway.socket.write(upgrade('halfway').slice(0, 40));

  const closed = server.close();
  busy.socket.write(upgrade('busy'));
  fresh.socket.write(upgrade('fresh'));
  halfway.socket.write(upgrade('halfway').slice(40));
  busy.socket.resume();
  try {
    for (const [name, connection] of Object.entries({ fresh, halfway })) {
      const answer = (await within(connection.ended, `an answer on the ${name} connection`)).toString();
      assert.match(answer, /^HTTP\/1\.1 503 Service Unavailable\r\n[^]*connection: close\r\n/i, name);
    }
    const response = await within(busy.ended, 'the response under way, and then the end of its connection', 10_000);
    const bodyStart = response.indexOf('\r\n\r\n') + 4;
    assert.match(response.subarray(0, bodyStart).toString(), /^HTTP\/1\.1 200 OK\r\n/);
    const after = response.subarray(bodyStart + BIG_CHUNK.size).toString();
    assert.ok(response.length >= bodyStart + BIG_CHUNK.size, `the whole chunk arrived (${response.length - bodyStart} bytes)`);
    assert.match(after, /^(HTTP\/1\.1 503 Service Unavailable\r\n[^]*)?$/, 'then a refusal, or nothing');
    await within(closed, 'close() to settle long before the grace', 5000);
  } finally {
    // A connection the server has lost track of would keep the close() that ends the test waiting.
    for (const connection of [busy, fresh, halfway]) connection.socket.destroy();
  }
});

test('after close() nothing keeps the process alive', async () => {
  // A separate process that starts the server, connects a peer, closes the
  // server and must then exit on its own.
  const script = `
    import WebSocket from 'ws';
    import { createRtcServer } from ${JSON.stringify(new URL('./index.js', import.meta.url).href)};
    const server = createRtcServer({ port: 0, host: '127.0.0.1' });
    const { port } = await server.listen();
    const socket = new WebSocket('ws://127.0.0.1:' + port + '/peerjs/peerjs?key=peerjs&id=ivan&token=t');
    await new Promise((resolve) => socket.once('message', resolve));
    await server.close();
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: path.dirname(fileURLToPath(import.meta.url)),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    assert.equal(await within(exited, 'the process to exit', 8000), 0, stderr);
  } finally {
    child.kill();
  }
});
