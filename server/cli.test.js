import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const serverDir = path.dirname(fileURLToPath(import.meta.url));
const START_LINE =
  /^rtc-server listening on (http:\/\/127\.0\.0\.1:(\d+)) \(PeerServer at \/peerjs, bundle at \/rtc-elements\.js\)$/m;

/**
 * Runs the CLI with `args` and collects its output.
 * @param {import('node:test').TestContext} t
 * @param {string[]} args
 * @param {{ env?: Record<string, string>, cli?: string, descriptors?: number }} [options]
 */
function runCli(t, args, { env = {}, cli = path.join(serverDir, 'cli.js'), descriptors } = {}) {
  // With `descriptors`, under that limit on open files, as `ulimit -n` sets it.
  const [command, commandArgs] = descriptors
    ? ['sh', ['-c', `ulimit -n ${descriptors} && exec "$0" "$@"`, process.execPath, cli, ...args]]
    : [process.execPath, [cli, ...args]];
  const child = spawn(command, commandArgs, {
    env: { ...process.env, PORT: '', HOST: '', npm_config_update_notifier: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (output.stdout += chunk));
  child.stderr.on('data', (chunk) => (output.stderr += chunk));
  /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
  const exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  return {
    child,
    output,
    /** Resolves with the exit code and the output once the process has ended. */
    async exit(ms = 10000) {
      const { code } = await within(exited, `rtc-server to exit (stderr: ${output.stderr})`, ms);
      return { code, ...output };
    },
    /**
     * Resolves once stderr matches `pattern`.
     * @param {RegExp} pattern
     */
    logged(pattern, ms = 5000) {
      const seen = new Promise((resolve) => {
        const check = () => pattern.test(output.stderr) && resolve(undefined);
        child.stderr.on('data', check);
        check();
      });
      return within(seen, `${pattern} on stderr (stderr: ${output.stderr})`, ms);
    },
    /** Resolves with the URL and port from the start line. */
    async started() {
      const line = new Promise((resolve, reject) => {
        const check = () => {
          const match = START_LINE.exec(output.stdout);
          if (match) resolve({ url: match[1], port: Number(match[2]) });
        };
        child.stdout.on('data', check);
        check();
        exited.then(({ code }) => reject(new Error(`rtc-server exited with ${code}: ${output.stderr}`)));
      });
      return /** @type {Promise<{ url: string, port: number }>} */ (
        within(line, `the start line (stdout: ${output.stdout}, stderr: ${output.stderr})`, 20000)
      );
    },
  };
}

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {string} what
 * @param {number} ms
 * @returns {Promise<T>}
 */
function within(promise, what, ms) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, deadline]).finally(() => clearTimeout(timer)));
}

/**
 * Waits for `condition`, checked every 10 ms, failing after `ms` with what `what` says then.
 * @param {() => boolean} condition
 * @param {() => string} what
 * @param {number} ms
 */
async function until(condition, what, ms) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Holds a port on 127.0.0.1, or checks that it can be held, then frees it.
 * @param {number} [port]
 * @returns {Promise<net.Server>}
 */
function occupy(port = 0) {
  return new Promise((resolve, reject) => {
    const blocker = net.createServer();
    blocker.once('error', reject);
    blocker.listen(port, '127.0.0.1', () => resolve(blocker));
  });
}

/** @param {net.Server} server */
const release = (server) => new Promise((resolve) => server.close(resolve));

test('starts on the requested port, prints one line and stops cleanly on SIGTERM', async (t) => {
  const cli = runCli(t, ['--port', '0', '--host', '127.0.0.1']);
  const { url, port } = await cli.started();
  assert.notEqual(port, 0, 'the printed port is the real one');

  const description = await fetch(`${url}/peerjs/`);
  assert.equal((await description.json()).name, 'PeerJS Server');

  cli.child.kill('SIGTERM');
  const { code, stdout, stderr } = await cli.exit();
  assert.equal(code, 0);
  assert.equal(stdout.split('\n').filter(Boolean).length, 1, stdout);
  assert.equal(stderr, '');
  await release(await occupy(port));
});

test('takes PORT and HOST from the environment and stops on SIGINT', async (t) => {
  const cli = runCli(t, [], { env: { PORT: '0', HOST: '127.0.0.1' } });
  const { port } = await cli.started();
  cli.child.kill('SIGINT');
  assert.equal((await cli.exit()).code, 0);
  await release(await occupy(port));
});

test('a port in use gives a one-line message and exit code 1', async (t) => {
  const blocker = await occupy();
  t.after(() => release(blocker));
  const { port } = /** @type {net.AddressInfo} */ (blocker.address());

  const { code, stderr } = await runCli(t, ['--port', String(port), '--host', '127.0.0.1']).exit();
  assert.equal(code, 1);
  assert.equal(stderr, `rtc-server: port ${port} is already in use; set PORT or --port\n`);
});

test('invalid settings give a message without a stack trace and exit code 2', async (t) => {
  const badPort = await runCli(t, ['--port', 'abc']).exit();
  assert.equal(badPort.code, 2);
  assert.match(badPort.stderr, /^rtc-server: Invalid port "abc" \(from --port\): expected an integer from 0 to 65535\n/);
  assert.doesNotMatch(badPort.stderr, /\n\s+at /);

  const badPath = await runCli(t, ['--path', 'peerjs'], { env: { PORT: '0' } }).exit();
  assert.equal(badPath.code, 2);
  assert.match(badPath.stderr, /must start with "\/"/);

  // A key the elements refuse would start a server every page fails on.
  const badKey = await runCli(t, ['--key', 'team.key'], { env: { PORT: '0' } }).exit();
  assert.equal(badKey.code, 2);
  assert.match(badKey.stderr, /^rtc-server: Invalid key "team\.key" \(from --key\): expected 1 to 64 letters, digits, "-" or "_"/);

  const badEnv = await runCli(t, [], { env: { PORT: '99999' } }).exit();
  assert.equal(badEnv.code, 2);
  assert.match(badEnv.stderr, /\(from PORT\)/);
});

test('--help prints usage and exits 0', async (t) => {
  const { code, stdout } = await runCli(t, ['--help']).exit();
  assert.equal(code, 0);
  assert.match(stdout, /^Usage: rtc-server/);
  assert.match(stdout, /--port/);
  assert.match(stdout, /--key K +PeerServer API key, 1 to 64 letters, digits, "-" or "_"/);
});

/**
 * A copy of the package's server, removed when the test ends: dist/ and the rest are the test's.
 * @param {import('node:test').TestContext} t
 * @returns {Promise<string>} its root
 */
async function packageCopy(t) {
  const root = await mkdtemp(path.join(tmpdir(), 'rtc-server-cli-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await cp(serverDir, path.join(root, 'server'), { recursive: true, filter: (file) => !file.endsWith('.test.js') });
  await symlink(path.join(serverDir, '..', 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return root;
}

test('--build-if-stale builds only when src/ is newer than the bundle', async (t) => {
  // A copy of the package whose build script writes a known bundle and counts its runs.
  const root = await packageCopy(t);
  await writeFile(
    path.join(root, 'package.json'),
    JSON.stringify({ name: 'rtc-build-check', type: 'module', private: true, scripts: { build: 'node build.mjs' } }),
  );
  await writeFile(
    path.join(root, 'build.mjs'),
    `import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
mkdirSync('dist', { recursive: true });
writeFileSync('dist/rtc-elements.js', 'export const built = true;\\n');
appendFileSync('builds.log', 'built\\n');
`,
  );
  const cliPath = path.join(root, 'server', 'cli.js');
  const builds = () => readFile(path.join(root, 'builds.log'), 'utf8').then((log) => log.split('\n').length - 1, () => 0);

  /** Starts the copied CLI, fetches the bundle, stops it. */
  const startAndFetchBundle = async () => {
    const cli = runCli(t, ['--build-if-stale', '--port', '0', '--host', '127.0.0.1'], { cli: cliPath });
    const { url } = await cli.started();
    const response = await fetch(`${url}/rtc-elements.js`);
    const body = { status: response.status, text: await response.text() };
    cli.child.kill('SIGTERM');
    const { code, stdout } = await cli.exit();
    assert.equal(code, 0);
    assert.match(stdout, /^rtc-server listening on .*\n$/, 'stdout holds only the start line');
    return body;
  };

  // No src/ (as in an installed package): nothing to build.
  assert.equal((await startAndFetchBundle()).status, 503);
  assert.equal(await builds(), 0);

  await mkdir(path.join(root, 'src', 'components'), { recursive: true });
  const source = path.join(root, 'src', 'components', 'call.ts');
  await writeFile(source, 'export {};\n');
  assert.deepEqual(await startAndFetchBundle(), { status: 200, text: 'export const built = true;\n' });
  assert.equal(await builds(), 1);

  await startAndFetchBundle();
  assert.equal(await builds(), 1, 'an up-to-date bundle is not rebuilt');

  const later = new Date(Date.now() + 60_000);
  await utimes(source, later, later);
  await startAndFetchBundle();
  assert.equal(await builds(), 2, 'a newer source file triggers a build');
});

test('warnings reach stderr without --redis, one line each, with what a client wrote escaped', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'rtc-server-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const stateFile = path.join(dir, 'ids.json');
  await writeFile(stateFile, 'not a state file\n');
  const cli = runCli(t, ['--port', '0', '--host', '127.0.0.1', '--state-file', stateFile]);
  const { port } = await cli.started();

  // A message that is not JSON: the PeerServer's warning quotes it, newline and all.
  const socket = new WebSocket(`ws://127.0.0.1:${port}/peerjs/peerjs?key=peerjs&id=a&token=t`);
  t.after(() => socket.terminate());
  await within(new Promise((resolve) => socket.once('message', resolve)), 'OPEN', 5000);
  socket.send('x\nrtc-server: forged');
  const warned = new Promise((resolve) => {
    const check = () => /PeerServer/.test(cli.output.stderr) && resolve(undefined);
    cli.child.stderr.on('data', check);
    check();
  });
  await within(warned, `the PeerServer's warning (stderr: ${cli.output.stderr})`, 5000);

  cli.child.kill('SIGTERM');
  const { code, stderr } = await cli.exit();
  assert.equal(code, 0);
  assert.match(stderr, /^rtc-server: id bindings not restored: .*ids\.json is not an rtc-server state file$/m);
  assert.match(stderr, /^rtc-server: PeerServer: .*x\\nrtc-server: forged/m);
  assert.doesNotMatch(stderr, /^rtc-server: forged/m);
  assert.ok(stderr.split('\n').slice(0, -1).every((line) => line.startsWith('rtc-server: ')), stderr);
});

test('out of file descriptors, a connection is refused with a line in the log, and served again once they are free', async (t) => {
  const cli = runCli(t, ['--port', '0', '--host', '127.0.0.1'], { descriptors: 64 });
  const { url, port } = await cli.started();
  // A visitor whose connection was open before the rush.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const get = (/** @type {http.Agent | undefined} */ via) =>
    within(
      new Promise((resolve, reject) => {
        http.get(`${url}/`, { agent: via }, (res) => res.resume().on('end', () => resolve(res.statusCode))).on('error', reject);
      }),
      'an answer for the demo page',
      5000,
    );
  assert.equal(await get(agent), 200);

  /** @type {net.Socket[]} */
  const rush = [];
  t.after(() => rush.forEach((socket) => socket.destroy()));
  for (let i = 0; i < 100; i++) rush.push(net.connect(port, '127.0.0.1').on('error', () => {}));
  await cli.logged(/^rtc-server: connection refused: \d+ connections are open, as many as the limit of 64 file descriptors leaves room for; raise it/m);
  assert.equal(await get(agent), 200, 'a connection already open is still served, files and all');

  rush.forEach((socket) => socket.destroy());
  const deadline = Date.now() + 5000;
  for (;;) {
    const status = await get(undefined).catch((/** @type {Error} */ error) => error.message);
    if (status === 200) break;
    assert.ok(Date.now() < deadline, `new connections served again (last: ${status})`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  cli.child.kill('SIGTERM');
  const { code, stderr } = await cli.exit();
  assert.equal(code, 0);
  assert.equal(stderr.match(/file descriptors/g)?.length, 1, `one line for the whole rush: ${stderr}`);
});

test('one address that opens connections and sends nothing cannot take them all: past four times the WebSocket limit it is refused, others are served', async (t) => {
  const cli = runCli(t, ['--port', '0', '--host', '127.0.0.1', '--max-connections-per-address', '10'], { descriptors: 200 });
  const { url, port } = await cli.started();
  // Slowloris: each connection would stay open for Node's headersTimeout (60 s) and more.
  /** @type {net.Socket[]} */
  const silent = [];
  t.after(() => silent.forEach((socket) => socket.destroy()));
  const opened = [];
  for (let i = 0; i < 200; i++) {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.2' }).on('error', () => {});
    silent.push(socket);
    opened.push(new Promise((resolve) => socket.once('connect', resolve).once('close', resolve)));
  }
  await Promise.all(opened);
  const status = await within(
    new Promise((resolve) => {
      http.get(`${url}/`, (res) => res.resume().on('end', () => resolve(res.statusCode))).on('error', (error) => resolve(error.message));
    }),
    'an answer for the demo page',
    5000,
  );
  assert.equal(status, 200);
  // The server closes each connection past the limit as it takes it; the client hears of the
  // last of them a moment later, the more so on a busy machine. Those within it stay open.
  const open = () => silent.filter((socket) => !socket.destroyed).length;
  await until(() => open() <= 40, () => `the connections past the limit closed: ${open()} open`, 5000);
  assert.equal(open(), 40);
  await cli.logged(/^rtc-server: refused a connection from 127\.0\.0\.2: 40 open, the most from one address$/m);
});

const BIG_REQUEST = 'GET /rtc-elements.js HTTP/1.1\r\nHost: localhost\r\n\r\n';

/**
 * Sends `request` and pauses the socket once the answer begins, as a slow reader would.
 * @param {net.Socket} socket
 * @param {string} request
 * @returns {Promise<string>} the status line, or 'refused' when the connection closed first
 */
function statusLine(socket, request) {
  socket.write(request);
  const answer = new Promise((resolve) => {
    socket.once('data', (chunk) => resolve(chunk.toString('latin1').split('\r\n')[0]));
    socket.once('error', () => resolve('refused')).once('close', () => resolve('refused'));
  });
  return within(answer.finally(() => socket.pause()), 'an answer or a refusal', 5000);
}

/**
 * A copy of the package whose bundle is far larger than the sockets' buffers, so that each slow
 * reader holds it open, and a small chunk beside it, under a limit of `limit` file descriptors.
 * @param {import('node:test').TestContext} t
 * @param {number} limit
 */
async function startWithBigBundle(t, limit) {
  const root = await packageCopy(t);
  await mkdir(path.join(root, 'dist'));
  await writeFile(path.join(root, 'dist', 'rtc-elements.js'), Buffer.alloc(16 * 1024 * 1024, 'x'));
  await writeFile(path.join(root, 'dist', 'rtc-elements-small-0.js'), 'export const small = 1;\n');
  const cli = runCli(t, ['--port', '0', '--host', '127.0.0.1'], { cli: path.join(root, 'server', 'cli.js'), descriptors: limit });
  return { cli, ...(await cli.started()) };
}

test('files sent to slow readers count against the file descriptors: connections are refused with a line in the log, and one already open is served', async (t) => {
  const limit = 200;
  const { cli, url, port } = await startWithBigBundle(t, limit);
  // A visitor whose connection was open before the slow readers came; no Accept-Encoding, so
  // that the file is read from disk.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const getSmall = () =>
    within(
      new Promise((resolve, reject) => {
        http.get(`${url}/rtc-elements-small-0.js`, { agent }, (res) => res.resume().on('end', () => resolve(res.statusCode))).on('error', reject);
      }),
      'an answer for a small file',
      5000,
    );
  assert.equal(await getSmall(), 200);

  /** @type {net.Socket[]} */
  const readers = [];
  t.after(() => readers.forEach((socket) => socket.destroy()));
  /** @type {string[]} */
  const answers = [];
  while (readers.length < limit) {
    const reader = net.connect(port, '127.0.0.1');
    readers.push(reader);
    const answer = await statusLine(reader, BIG_REQUEST);
    if (answer === 'refused') break;
    answers.push(answer);
  }
  assert.ok(answers.length > 10, `slow readers were served (${answers.length})`);
  assert.deepEqual(new Set(answers), new Set(['HTTP/1.1 200 OK']), 'every accepted reader gets the file, none a 500');
  await cli.logged(/^rtc-server: connection refused: \d+ connections are open and \d+ files? (?:is|are) being sent, as many as the limit of 200 file descriptors leaves room for; raise it/m);
  assert.equal(await getSmall(), 200, 'a connection already open still gets its file');

  readers.forEach((socket) => socket.destroy());
  const deadline = Date.now() + 5000;
  for (;;) {
    const status = await fetch(`${url}/rtc-elements-small-0.js`).then((response) => response.status, (/** @type {Error} */ error) => error.message);
    if (status === 200) break;
    assert.ok(Date.now() < deadline, `new connections served again (last: ${status})`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.doesNotMatch(cli.output.stderr, /EMFILE/);
});

test('connections already open that all start files at once get 503 before the file descriptors run out', async (t) => {
  const limit = 200;
  const { cli, port } = await startWithBigBundle(t, limit);
  /** @type {net.Socket[]} */
  const open = [];
  t.after(() => open.forEach((socket) => socket.destroy()));
  // As many idle connections as the server takes; a small file on each keeps it alive.
  for (;;) {
    const socket = net.connect(port, '127.0.0.1');
    open.push(socket);
    if ((await statusLine(socket, 'GET /rtc-elements-small-0.js HTTP/1.1\r\nHost: localhost\r\n\r\n')) === 'refused') break;
    assert.ok(open.length < limit, 'connections are capped');
    socket.resume();
  }
  open.pop();
  /** @type {Record<string, number>} */
  const answers = {};
  for (const socket of open) {
    const answer = await statusLine(socket, BIG_REQUEST);
    answers[answer] = (answers[answer] ?? 0) + 1;
  }
  assert.deepEqual(Object.keys(answers).sort(), ['HTTP/1.1 200 OK', 'HTTP/1.1 503 Service Unavailable'], JSON.stringify(answers));
  await cli.logged(/^rtc-server: request refused: \d+ connections are open and \d+ files? (?:is|are) being sent, as many as the limit of 200 file descriptors/m);
  assert.doesNotMatch(cli.output.stderr, /EMFILE/);
});

test('a file descriptor limit lowered under the running server (prlimit) is followed, with a line in the log', async (t) => {
  const { cli, port } = await startWithBigBundle(t, 200);
  execFileSync('prlimit', ['--pid', String(cli.child.pid), '--nofile=100:200']);
  await cli.logged(/^rtc-server: the file descriptor limit is now 100 \(was 200\)$/m, 10_000);

  /** @type {net.Socket[]} */
  const open = [];
  t.after(() => open.forEach((socket) => socket.destroy()));
  /** @type {string[]} */
  const answers = [];
  while (open.length < 200) {
    const socket = net.connect(port, '127.0.0.1');
    open.push(socket);
    const answer = await statusLine(socket, 'GET /rtc-elements-small-0.js HTTP/1.1\r\nHost: localhost\r\n\r\n');
    if (answer === 'refused') break;
    answers.push(answer);
    socket.resume();
  }
  assert.ok(answers.length > 10 && answers.length < 100, `connections were capped below the new limit (${answers.length})`);
  assert.deepEqual(new Set(answers), new Set(['HTTP/1.1 200 OK']), 'every accepted connection gets its file, none a 500');
  await cli.logged(/^rtc-server: connection refused: \d+ connections are open(?: and \d+ files? (?:is|are) being sent)?, as many as the limit of 100 file descriptors leaves room for/m);
});

test('SIGTERM lets a response under way finish, and takes no new connection', async (t) => {
  // A bundle far larger than the sockets' buffers, to a reader that has stopped reading.
  const root = await packageCopy(t);
  const size = 16 * 1024 * 1024;
  await mkdir(path.join(root, 'dist'));
  await writeFile(path.join(root, 'dist', 'rtc-elements.js'), Buffer.alloc(size, 'x'));
  const cli = runCli(t, ['--port', '0', '--host', '127.0.0.1'], { cli: path.join(root, 'server', 'cli.js') });
  const { port } = await cli.started();

  const reader = net.connect(port, '127.0.0.1');
  t.after(() => reader.destroy());
  reader.write('GET /rtc-elements.js HTTP/1.1\r\nHost: localhost\r\n\r\n');
  /** @type {Buffer[]} */
  const received = [];
  await within(new Promise((resolve) => reader.once('data', (chunk) => resolve(received.push(chunk)))), 'the response to start', 5000);
  reader.pause();

  cli.child.kill('SIGTERM');
  const refused = async () => {
    for (;;) {
      const code = await new Promise((resolve) => {
        const probe = net.connect(port, '127.0.0.1');
        probe.once('connect', () => resolve(probe.destroy() && 'connected')).once('error', (error) => resolve(/** @type {NodeJS.ErrnoException} */ (error).code));
      });
      if (code === 'ECONNREFUSED') return;
    }
  };
  await within(refused(), 'new connections to be refused', 5000);

  reader.on('data', (chunk) => received.push(chunk)).resume();
  await within(new Promise((resolve) => reader.once('end', resolve)), 'the whole response', 15000);
  const response = Buffer.concat(received);
  const bodyStart = response.indexOf('\r\n\r\n') + 4;
  assert.match(response.subarray(0, bodyStart).toString(), new RegExp(`^HTTP/1.1 200 OK\r\n[^]*content-length: ${size}\r\n`, 'i'));
  assert.equal(response.length - bodyStart, size, 'the whole bundle arrived');
  assert.equal((await cli.exit()).code, 0);
});
