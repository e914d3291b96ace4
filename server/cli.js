#!/usr/bin/env node
// rtc-server: serves the rtc-elements bundle, the demo pages and a PeerServer.

import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, packageRoot, resolveConfig } from './config.js';
import { helpText, parseFlags } from './flags.js';
import { createRtcServer } from './index.js';
import { iceServersPathBeside } from './turn.js';

const argv = process.argv.slice(2);

let flags;
let config;
try {
  flags = parseFlags(argv);
  if (flags.help) {
    process.stdout.write(helpText());
    process.exit(0);
  }
  config = resolveConfig({ argv, env: process.env });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  fail(2, `${error.message}\nRun "rtc-server --help" for usage.`);
}

if (flags.buildIfStale) await buildIfStale(path.join(config.distDir, 'rtc-elements.js'));

// Warnings (a state file not restored or not saved, refused connections, the Redis link lost and
// back) go to stderr, one line each; stdout carries the start line.
const logger = { warn: (/** @type {string} */ message) => process.stderr.write(`rtc-server: ${logLine(message)}\n`) };
const server = createRtcServer(config, { logger });

let stopping = false;
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => {
    // A second Ctrl-C does not wait for the clean shutdown.
    if (stopping) process.exit(130);
    stopping = true;
    server.close().then(() => process.exit(0));
  });
}

try {
  const { url } = await server.listen();
  process.stdout.write(
    `rtc-server listening on ${url} (PeerServer at ${config.path}, bundle at /rtc-elements.js` +
      `${config.turnUrls.length ? `, TURN credentials for ${config.turnUrls.join(' ')} at ${iceServersPaths(config.path)}` : ''}` +
      `${server.cluster ? `, ${server.cluster.up ? 'one of the instances sharing' : 'alone until it reaches'} ${redactedUrl(config.redisUrl)}` : ''})\n`,
  );
} catch (error) {
  await server.close();
  fail(1, listenErrorMessage(/** @type {NodeJS.ErrnoException} */ (error), config));
}

/**
 * Where TURN credentials are served: at the root, and beside the PeerServer when that differs.
 * @param {string} peerPath
 */
function iceServersPaths(peerPath) {
  const beside = iceServersPathBeside(peerPath);
  return beside === '/ice-servers' ? beside : `/ice-servers and ${beside}`;
}

/**
 * Runs `npm run build` when the bundle is missing or older than a file under
 * src/. Without src/ (an installed package) there is nothing to build.
 * @param {string} bundlePath
 */
async function buildIfStale(bundlePath) {
  const newestSource = await newestMtime(path.join(packageRoot, 'src'));
  if (newestSource === undefined) return;
  const bundleTime = await stat(bundlePath).then((s) => s.mtimeMs, () => -Infinity);
  if (bundleTime >= newestSource) return;

  process.stderr.write('rtc-server: dist/rtc-elements.js is missing or older than src/, running "npm run build"\n');
  // Under `npm start`, npm_execpath is the npm that started us: run its CLI with this Node.
  const npmCli = process.env.npm_execpath;
  const [command, args] =
    npmCli && /\.[cm]?js$/.test(npmCli)
      ? [process.execPath, [npmCli, 'run', 'build']]
      : [process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build']];
  const exitCode = await new Promise((resolve) => {
    // The build's output goes to stderr: stdout carries only the start line, for scripts that read the port.
    const child = spawn(command, args, { cwd: packageRoot, stdio: ['ignore', 2, 2], shell: false });
    child.on('error', (error) => {
      process.stderr.write(`rtc-server: could not run npm: ${error.message}\n`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
  if (exitCode !== 0) fail(1, `"npm run build" failed (exit code ${exitCode})`);
}

/**
 * Latest modification time of any file under `dir`, or undefined if `dir` does not exist.
 * @param {string} dir
 * @returns {Promise<number | undefined>}
 */
async function newestMtime(dir) {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  let newest = -Infinity;
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    const time = entry.isDirectory() ? await newestMtime(full) : (await stat(full)).mtimeMs;
    if (time !== undefined && time > newest) newest = time;
  }
  return newest;
}

/**
 * @param {NodeJS.ErrnoException} error
 * @param {{ port: number, host?: string }} config
 */
function listenErrorMessage(error, { port, host }) {
  switch (error.code) {
    case 'EADDRINUSE':
      return `port ${port} is already in use; set PORT or --port`;
    case 'EACCES':
      return `no permission to listen on port ${port}; choose a port above 1023 with PORT or --port`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `cannot listen on host ${host}: ${error.code}; set HOST or --host`;
    default:
      return error.message;
  }
}

/**
 * A Redis URL without its password, for the start line.
 * @param {string | undefined} url
 */
function redactedUrl(url) {
  const parsed = new URL(url ?? '');
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/**
 * A warning as one line of the log: a warning may quote what a client sent (the PeerServer's
 * error for a message that is not JSON does), which must not start a line of its own or steer
 * the terminal. Control characters are written as escapes.
 * @param {string} message
 */
function logLine(message) {
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  return message.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) =>
    c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Prints a one-line message (no stack trace) and exits.
 * @param {number} code
 * @param {string} message
 * @returns {never}
 */
function fail(code, message) {
  process.stderr.write(`rtc-server: ${message}\n`);
  process.exit(code);
}
