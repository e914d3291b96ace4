#!/usr/bin/env node
// `npm run bench`: measured speed and size of rtc-elements, side by side with raw PeerJS and
// raw WebRTC, in real headless Chromium on 127.0.0.1. Prints a table and writes
// bench-results/latest.json. docs/benchmarks.md says what each figure means.
//
//   node bench/run.mjs [--quick] [--only join,mesh,chat,file,server,size] [--mesh-runs N] [--diagnose] [--no-build]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from './lib/browser.mjs';
import { startBenchServer } from './lib/serve.mjs';
import { report } from './lib/report.mjs';
import { join } from './sections/join.mjs';
import { mesh } from './sections/mesh.mjs';
import { chatLatency, fileThroughput } from './sections/chat.mjs';
import { serverCapacity } from './sections/server.mjs';
import { size } from './sections/size.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const SECTIONS = ['join', 'mesh', 'chat', 'file', 'server', 'size'];

function parseArgs(argv) {
  const args = { quick: false, only: SECTIONS, build: true, diagnose: false, meshRuns: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--no-build') args.build = false;
    else if (a === '--diagnose') args.diagnose = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const list = (a.includes('=') ? a.slice(7) : argv[++i] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = list.filter((s) => !SECTIONS.includes(s));
      if (unknown.length || !list.length) usage(`unknown section ${unknown.join(', ') || '(none)'}`);
      args.only = SECTIONS.filter((s) => list.includes(s));
    } else if (a === '--mesh-runs' || a.startsWith('--mesh-runs=')) {
      const value = a.includes('=') ? a.slice(12) : argv[++i] ?? '';
      args.meshRuns = Number(value);
      if (!Number.isInteger(args.meshRuns) || args.meshRuns < 1 || args.meshRuns > 20) usage(`--mesh-runs takes a whole number from 1 to 20, not "${value}"`);
    } else if (a === '--help' || a === '-h') usage();
    else usage(`unknown option ${a}`);
  }
  return args;
}

function usage(problem) {
  const text = `usage: npm run bench -- [--quick] [--only ${SECTIONS.join(',')}] [--mesh-runs N] [--diagnose] [--no-build]
  --quick      fewer repetitions, mesh up to 4: a rough look in one to two minutes
  --only       run only these sections
  --mesh-runs  grow the mesh's rooms N times per side (1 unless told): medians of N per k
  --diagnose   also run the experiments behind docs/benchmarks.md's analysis
  --no-build   use dist/ as it is, even when src/ is newer
`;
  if (problem) {
    process.stderr.write(`bench: ${problem}\n${text}`);
    process.exit(2);
  }
  process.stdout.write(text);
  process.exit(0);
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when the bundle is missing or older than src/, as `npm start` does. */
function buildIfStale() {
  const bundle = path.join(root, 'dist/rtc-elements.js');
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= newestMtime(path.join(root, 'src'))) return;
  process.stderr.write('bench: dist/rtc-elements.js is missing or older than src/, running "npm run build"\n');
  const npm = process.env.npm_execpath;
  const [command, argv] = npm && /\.[cm]?js$/.test(npm) ? [process.execPath, [npm, 'run', 'build']] : ['npm', ['run', 'build']];
  const result = spawnSync(command, argv, { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) {
    process.stderr.write(`bench: "npm run build" failed (exit code ${result.status})\n`);
    process.exit(1);
  }
}

/** "Chromium 156.0.8078.79", from the browser or from its --version output. */
function chromiumVersion(browser) {
  if (browser) return browser.version().then((v) => v.replace(/^(Headless)?Chrome\//, 'Chromium '));
  const out = spawnSync(process.env.CHROME_PATH || '/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).stdout ?? '';
  return /Chromium [\d.]+/.exec(out)?.[0] ?? (out.trim() || 'unknown');
}

/** How busy the CPUs are (0..1) over `ms`, from /proc/stat: other work that would skew timings. */
async function cpuBusy(ms = 1_000) {
  const read = () => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { idle: f[3] + (f[4] ?? 0), total: f.reduce((a, b) => a + b, 0) };
  };
  try {
    const a = read();
    await new Promise((resolve) => setTimeout(resolve, ms));
    const b = read();
    return Math.round((1 - (b.idle - a.idle) / (b.total - a.total)) * 100) / 100;
  } catch {
    return null; // not Linux
  }
}

function machine(chromium, busy) {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    chromium,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    cpuBusyAtStart: busy,
    date: new Date().toISOString(),
  };
}

const args = parseArgs(process.argv.slice(2));
// Measured before this run starts anything of its own (a build included).
const busy = await cpuBusy();
if (args.build) buildIfStale();

const log = (line) => process.stderr.write(`${line}\n`);
const runId = Date.now().toString(36);
const started = performance.now();
const results = {};
const needsBrowser = args.only.some((s) => ['join', 'mesh', 'chat', 'file'].includes(s));

let server;
let browser;
try {
  server = await startBenchServer();
  browser = needsBrowser ? await launchBrowser() : null;
  const info = machine(await chromiumVersion(browser), busy);
  const ctx = { browser, base: server.url, port: server.port, runId, quick: args.quick, diagnose: args.diagnose, meshRuns: args.meshRuns, log, root };
  log(`bench: ${info.cpu}, ${info.cores} cores, ${info.chromium}; ${args.quick ? 'quick' : 'full'} run of ${args.only.join(', ')}`);
  if (info.cpuBusyAtStart > 0.2) {
    log(`bench: the CPUs are ${Math.round(info.cpuBusyAtStart * 100)} % busy with other work: figures will be noisy (ratios hold up best)`);
  }
  const sections = {
    join: () => join(ctx),
    mesh: () => mesh(ctx),
    chat: () => chatLatency(ctx),
    file: () => fileThroughput(ctx),
    server: () => serverCapacity(ctx),
    size: () => size(ctx),
  };
  for (const name of args.only) {
    log(`bench: ${name}…`);
    const t = performance.now();
    try {
      results[name] = await sections[name]();
    } catch (error) {
      results[name] = { error: String(error?.stack ?? error) };
      log(`bench: ${name} failed: ${error?.message ?? error}`);
    }
    results[name].seconds = Math.round((performance.now() - t) / 100) / 10;
  }
  const out = {
    machine: info,
    options: { quick: args.quick, diagnose: args.diagnose, only: args.only, meshRuns: args.meshRuns },
    seconds: Math.round((performance.now() - started) / 100) / 10,
    results,
  };
  mkdirSync(path.join(root, 'bench-results'), { recursive: true });
  writeFileSync(path.join(root, 'bench-results/latest.json'), `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(report(out));
  process.stdout.write(`\nWritten to bench-results/latest.json (${out.seconds} s).\n`);
} finally {
  await browser?.close().catch(() => {});
  await server?.close().catch(() => {});
}
