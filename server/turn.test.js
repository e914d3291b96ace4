import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, createRtcServer, resolveConfig } from './index.js';
import { RequestLimit, iceServersPathBeside, turnCredentials } from './turn.js';

const serverDir = path.dirname(fileURLToPath(import.meta.url));

/**
 * @param {import('node:test').TestContext} t
 * @param {Partial<import('./config.js').RtcServerConfig>} overrides
 */
async function startServer(t, overrides) {
  const server = createRtcServer({ port: 0, host: '127.0.0.1', ...overrides });
  t.after(() => server.close());
  const { url } = await server.listen();
  return url;
}

/** What coturn's use-auth-secret checks: the HMAC, and an expiry not yet past. */
function coturnAccepts(/** @type {string} */ secret, /** @type {{ username?: string, credential?: string }} */ server, now = Date.now()) {
  const { username = '', credential = '' } = server;
  const expiry = Number(username.split(':')[0]);
  return createHmac('sha1', secret).update(username).digest('base64') === credential && expiry * 1000 > now;
}

test('TURN settings come from flags, the environment or overrides, and are checked', () => {
  const config = resolveConfig({
    argv: ['--turn-url', 'turn:a.example:3478,turns:a.example:5349?transport=tcp', '--turn-url', 'stun:a.example', '--turn-ttl', '600'],
    env: { RTC_TURN_SECRET: 's3cret' },
  });
  assert.deepEqual(config.turnUrls, ['turn:a.example:3478', 'turns:a.example:5349?transport=tcp', 'stun:a.example']);
  assert.equal(config.turnSecret, 's3cret');
  assert.equal(config.turnTtl, 600);
  assert.deepEqual(resolveConfig({ env: { RTC_TURN_URL: 'turn:b:1, turn:c:2', RTC_TURN_SECRET: 'x' } }).turnUrls, ['turn:b:1', 'turn:c:2']);
  // A flag wins over the environment.
  assert.deepEqual(resolveConfig({ argv: ['--turn-url', 'turn:d'], env: { RTC_TURN_URL: 'turn:e', RTC_TURN_SECRET: 'x' } }).turnUrls, ['turn:d']);
  assert.equal(resolveConfig().turnTtl, 6 * 3600);
  assert.deepEqual(resolveConfig().turnUrls, []);

  assert.throws(() => resolveConfig({ argv: ['--turn-url', 'turn:a'] }), /without a secret/);
  assert.throws(() => resolveConfig({ env: { RTC_TURN_SECRET: 'x' } }), /without a URL.*|RTC_TURN_SECRET/);
  assert.throws(() => resolveConfig({ argv: ['--turn-url', 'https://a', '--turn-secret', 'x'] }), /Invalid TURN URL "https:\/\/a" \(from --turn-url\)/);
  assert.throws(() => resolveConfig({ argv: ['--turn-url', 'turn:a b', '--turn-secret', 'x'] }), ConfigError);
  assert.throws(() => resolveConfig({ argv: ['--turn-url', 'turn:a', '--turn-secret', 'x', '--turn-ttl', '0'] }), /turnTtl/);
});

test('--turn-ttl takes 60 s to 2 days; code that embeds the server may go shorter', () => {
  const turn = ['--turn-url', 'turn:a', '--turn-secret', 'x'];
  assert.equal(resolveConfig({ argv: [...turn, '--turn-ttl', '60'] }).turnTtl, 60);
  assert.equal(resolveConfig({ argv: [...turn, '--turn-ttl', '172800'] }).turnTtl, 172800);
  for (const ttl of ['1', '59', '172801', '99999999999']) {
    assert.throws(() => resolveConfig({ argv: [...turn, '--turn-ttl', ttl] }), {
      name: 'ConfigError',
      message: `Invalid turnTtl ${ttl} (from --turn-ttl): expected 60 to 172800 seconds (2 days)`,
    });
  }
  assert.equal(resolveConfig({ overrides: { turnTtl: 4 } }).turnTtl, 4);
  assert.throws(() => resolveConfig({ overrides: { turnTtl: 172801 } }), { name: 'ConfigError', message: /turnTtl 172801 \(from turnTtl\): expected 1 to 172800/ });
});

test('credentials are what coturn use-auth-secret expects, and expire after the TTL', () => {
  const now = Date.UTC(2030, 0, 1);
  const { iceServers, ttl } = turnCredentials({ urls: ['turn:t:3478', 'turns:t:5349', 'stun:t:3478'], secret: 'S', ttl: 60 }, now);
  assert.equal(ttl, 60);
  assert.deepEqual(iceServers[0], { urls: ['stun:t:3478'] });
  const turn = iceServers[1];
  assert.deepEqual(turn.urls, ['turn:t:3478', 'turns:t:5349']);
  assert.match(turn.username ?? '', /^\d+:[\w-]{16}$/);
  assert.equal(Number(turn.username?.split(':')[0]), now / 1000 + 60);
  assert.ok(coturnAccepts('S', turn, now));
  assert.ok(!coturnAccepts('other', turn, now));
  assert.ok(!coturnAccepts('S', turn, now + 61_000), 'expired');
  const again = turnCredentials({ urls: ['turn:t'], secret: 'S', ttl: 60 }, now).iceServers[0];
  assert.notEqual(again.username, turn.username, 'a random part in each username');
});

test('GET /ice-servers answers any origin, uncached, with fresh credentials', async (t) => {
  const url = await startServer(t, { turnUrls: ['turn:127.0.0.1:3478'], turnSecret: 'S', turnTtl: 120 });
  const before = Date.now();
  const response = await fetch(`${url}/ice-servers`, { headers: { Origin: 'https://elsewhere.example' } });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  const body = await response.json();
  assert.equal(body.ttl, 120);
  assert.equal(body.iceServers.length, 1);
  assert.deepEqual(body.iceServers[0].urls, ['turn:127.0.0.1:3478']);
  assert.ok(coturnAccepts('S', body.iceServers[0], before));
  const expiry = Number(body.iceServers[0].username.split(':')[0]);
  assert.ok(expiry >= Math.floor(before / 1000) + 120 && expiry <= Math.ceil(Date.now() / 1000) + 120);
});

test('with a --path under a folder, GET /ice-servers answers beside it too, where the elements ask', async (t) => {
  const url = await startServer(t, { path: '/rtc/peerjs', turnUrls: ['turn:127.0.0.1:3478'], turnSecret: 'S', iceServersPerMinute: 3 });
  // An element with server="…/rtc/peerjs" asks …/rtc/ice-servers (src/controllers/ice-servers-url.ts,
  // which this test cannot import).
  for (const at of ['/rtc/ice-servers', '/ice-servers']) {
    const before = Date.now();
    const response = await fetch(`${url}${at}`, { headers: { Origin: 'https://elsewhere.example' } });
    assert.equal(response.status, 200, at);
    assert.equal(response.headers.get('access-control-allow-origin'), '*', at);
    assert.equal(response.headers.get('access-control-expose-headers'), 'Retry-After', at);
    assert.equal(response.headers.get('cache-control'), 'no-store', at);
    const body = await response.json();
    assert.deepEqual(body.iceServers[0].urls, ['turn:127.0.0.1:3478'], at);
    assert.ok(coturnAccepts('S', body.iceServers[0], before), at);
  }
  // One rate per address for both, not one each.
  assert.equal((await fetch(`${url}/rtc/ice-servers`).then((r) => r.arrayBuffer().then(() => r.status))), 200);
  assert.equal((await fetch(`${url}/rtc/ice-servers`).then((r) => r.arrayBuffer().then(() => r.status))), 429);
  assert.equal((await fetch(`${url}/ice-servers`).then((r) => r.arrayBuffer().then(() => r.status))), 429);
  // Nothing else beside it: the PeerServer still answers at --path only.
  assert.equal((await fetch(`${url}/rtc/peerjs`)).status, 200);
  assert.equal((await fetch(`${url}/rtc/peerjs/ice-servers`).then((r) => r.arrayBuffer().then(() => r.status))), 404);
});

test('ice-servers beside --path is where the elements look for it', () => {
  // What src/controllers/ice-servers-url.ts makes of server="https://host<path>", by path.
  for (const [peerPath, expected] of [
    ['/peerjs', '/ice-servers'],
    ['/', '/ice-servers'],
    ['/rtc/peerjs', '/rtc/ice-servers'],
    ['/rtc/peerjs/', '/rtc/ice-servers'],
    ['/a/b/peerjs//', '/a/b/ice-servers'],
    ['/rtc/', '/ice-servers'],
  ]) {
    assert.equal(iceServersPathBeside(peerPath), expected, peerPath);
  }
});

test('--turn-origin lists the page origins GET /ice-servers answers, as browsers send them', () => {
  const turn = ['--turn-url', 'turn:a', '--turn-secret', 'x'];
  assert.deepEqual(
    resolveConfig({ argv: [...turn, '--turn-origin', 'https://App.example:443/, http://localhost:8080', '--turn-origin', 'https://b.example'] }).turnOrigins,
    ['https://app.example', 'http://localhost:8080', 'https://b.example'],
  );
  assert.deepEqual(resolveConfig().turnOrigins, []);
  for (const origin of ['https://a.example/page', 'app.example', 'ftp://a.example', 'https://user@a.example', 'https://a.example/?x=1', 'null', '*']) {
    assert.throws(() => resolveConfig({ argv: [...turn, '--turn-origin', origin] }), {
      name: 'ConfigError',
      message: `Invalid TURN origin ${JSON.stringify(origin)} (from --turn-origin): expected a page's origin, such as https://app.example.com (no path)`,
    });
  }
});

test('with --turn-origin, GET /ice-servers answers only pages on those origins, and names the origin back', async (t) => {
  const url = await startServer(t, { turnUrls: ['turn:127.0.0.1:3478'], turnSecret: 'S', turnOrigins: ['https://app.example', 'http://localhost:8080'] });
  const ask = (/** @type {Record<string, string>} */ headers) => fetch(`${url}/ice-servers`, { headers });

  for (const origin of ['https://app.example', 'http://localhost:8080']) {
    const response = await ask({ Origin: origin });
    assert.equal(response.status, 200, origin);
    assert.equal(response.headers.get('access-control-allow-origin'), origin);
    assert.match(response.headers.get('vary') ?? '', /\bOrigin\b/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.ok(coturnAccepts('S', (await response.json()).iceServers[0]));
  }
  for (const origin of ['https://elsewhere.example', 'https://app.example.evil.example', 'http://app.example', 'null']) {
    const response = await ask({ Origin: origin });
    assert.equal(response.status, 403, origin);
    // The page may read why; it gets nothing else.
    assert.equal(response.headers.get('access-control-allow-origin'), origin);
    assert.match(response.headers.get('vary') ?? '', /\bOrigin\b/);
    assert.equal(await response.text(), 'Pages on this origin get no TURN credentials here\n');
  }
  // A page on the server's own origin: browsers send no Origin with its GET.
  const own = await ask({});
  assert.equal(own.status, 200);
  assert.equal(own.headers.get('access-control-allow-origin'), null);
  assert.match(own.headers.get('vary') ?? '', /\bOrigin\b/);
  assert.equal((await own.json()).iceServers.length, 1);
});

test('without TURN URLs, GET /ice-servers answers an empty list', async (t) => {
  const url = await startServer(t, {});
  const response = await fetch(`${url}/ice-servers`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
  assert.deepEqual(await response.json(), { iceServers: [], ttl: 6 * 3600 });
});

test('GET /ice-servers is limited per address, with Retry-After, and the count is bounded', async (t) => {
  const url = await startServer(t, { turnUrls: ['turn:127.0.0.1:3478'], turnSecret: 'S', iceServersPerMinute: 3 });
  const statuses = [];
  for (let i = 0; i < 5; i++) {
    const response = await fetch(`${url}/ice-servers`);
    statuses.push(response.status);
    if (response.status === 429) {
      assert.equal(response.headers.get('access-control-allow-origin'), '*', 'the page can read why');
      assert.equal(response.headers.get('access-control-expose-headers'), 'Retry-After', 'and how long to wait');
      assert.ok(Number(response.headers.get('retry-after')) >= 1);
    }
    await response.arrayBuffer();
  }
  assert.deepEqual(statuses, [200, 200, 200, 429, 429]);

  let now = 0;
  const limit = new RequestLimit({ perMinute: 2, maxAddresses: 100, now: () => now });
  for (let i = 0; i < 1000; i++) limit.take(`10.0.${i >> 8}.${i & 255}`);
  assert.equal(limit.size, 100);
  assert.equal(limit.take('a'), 0);
  assert.equal(limit.take('a'), 0);
  assert.equal(limit.take('a'), 60);
  now = 30_000;
  assert.equal(limit.take('a'), 30);
  now = 60_000;
  assert.equal(limit.take('a'), 0, 'a new minute');
});

/**
 * GET /ice-servers with exactly these headers (fetch() adds Sec-Fetch-Mode of its own).
 * @param {string} url
 * @param {Record<string, string>} headers
 * @returns {Promise<number | undefined>} the status
 */
function askAsBrowser(url, headers) {
  return new Promise((resolve, reject) => {
    http.get(`${url}/ice-servers`, { headers }, (res) => res.resume().on('end', () => resolve(res.statusCode))).on('error', reject);
  });
}

test("another site's page cannot use up its visitors' GET /ice-servers rate with requests it cannot read", async (t) => {
  const url = await startServer(t, { turnUrls: ['turn:127.0.0.1:3478'], turnSecret: 'S', iceServersPerMinute: 3 });
  // What browsers send for an <img>, a no-cors fetch, a link or a frame on another site, and a
  // no-cors request from a sibling subdomain: none carries Origin, and none can read the answer.
  const unreadable = [
    { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'image' },
    { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'empty' },
    { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'iframe' },
    { 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'image' },
    { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors', Origin: 'https://elsewhere.example' },
  ];
  for (let i = 0; i < 4; i++) {
    for (const headers of unreadable) assert.equal(await askAsBrowser(url, headers), 403, JSON.stringify(headers));
  }
  // The visitors' own requests: a page on the server's origin, a page on another origin that
  // embeds the elements, a program; the rate is still whole, and counts them.
  assert.equal(await askAsBrowser(url, { 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'cors' }), 200);
  assert.equal(await askAsBrowser(url, { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'cors', Origin: 'https://embedder.example' }), 200);
  assert.equal(await askAsBrowser(url, {}), 200);
  assert.equal(await askAsBrowser(url, {}), 429);
});

test('with --turn-origin, a listed page on another site still gets credentials; an unreadable request from it does not', async (t) => {
  const url = await startServer(t, { turnUrls: ['turn:127.0.0.1:3478'], turnSecret: 'S', turnOrigins: ['https://app.example'] });
  const fromApp = { Origin: 'https://app.example', 'Sec-Fetch-Mode': 'cors' };
  assert.equal(await askAsBrowser(url, { ...fromApp, 'Sec-Fetch-Site': 'cross-site' }), 200);
  assert.equal(await askAsBrowser(url, { ...fromApp, 'Sec-Fetch-Site': 'same-site' }), 200);
  assert.equal(await askAsBrowser(url, { 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'no-cors' }), 403);
  assert.equal(await askAsBrowser(url, { 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'cors', Origin: 'https://other.app.example' }), 403);
  assert.equal(await askAsBrowser(url, { 'Sec-Fetch-Site': 'none', 'Sec-Fetch-Mode': 'navigate' }), 200, 'the address typed into the browser');
});

test('the CLI reads RTC_TURN_URL and RTC_TURN_SECRET, and says where the credentials are', { timeout: 15_000 }, async (t) => {
  const child = spawn(process.execPath, [path.join(serverDir, 'cli.js'), '--port', '0', '--host', '127.0.0.1', '--turn-ttl', '60', '--path', '/rtc/peerjs'], {
    env: { ...process.env, PORT: '', HOST: '', RTC_TURN_URL: 'turn:127.0.0.1:3478', RTC_TURN_SECRET: 'from-env' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill('SIGKILL'));
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  const deadline = Date.now() + 10_000;
  while (!/listening on (\S+)/.test(stdout)) {
    assert.ok(Date.now() < deadline && child.exitCode === null, `rtc-server did not start: ${stdout}`);
    await once(child.stdout, 'data');
  }
  assert.match(stdout, /TURN credentials for turn:127\.0\.0\.1:3478 at \/ice-servers and \/rtc\/ice-servers\)/);
  assert.doesNotMatch(stdout, /from-env/, 'the secret is never printed');
  const url = /listening on (\S+)/.exec(stdout)?.[1];
  const body = await (await fetch(`${url}/rtc/ice-servers`)).json();
  assert.equal(body.ttl, 60);
  assert.ok(coturnAccepts('from-env', body.iceServers[0]));
});
