// Real headless Chromium with a fake camera and microphone, one browser context per
// participant, and the CPU time of its whole process tree from /proc.
import { readFileSync, readdirSync } from 'node:fs';
import puppeteer from 'puppeteer-core';
import { chromeArgs, chromePath, fakeDeviceArgs } from '../../test/chrome.mjs';

export async function launchBrowser() {
  return puppeteer.launch({
    executablePath: chromePath,
    headless: true,
    args: [...chromeArgs, ...fakeDeviceArgs],
    protocolTimeout: 120_000,
  });
}

/**
 * Opens `url` in a fresh browser context (a separate visitor) and waits until the page's
 * benchmark script has loaded (the bundle is parsed and run) and the page has gone idle.
 */
export async function openParticipant(browser, url) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error?.message ?? error)));
  await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  await page.waitForFunction(() => window.bench?.ready === true, { timeout: 30_000 });
  await page.evaluate(() => window.bench.idle());
  return {
    page,
    context,
    errors,
    eval: (fn, ...args) => page.evaluate(fn, ...args),
    close: () => context.close().catch(() => {}),
  };
}

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ; 100 on Linux). */
const TICKS = 100;

function procStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

/** CPU ticks (user + system) of `root` and every descendant, per pid. */
export function treeTicks(root) {
  const stats = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = procStat(Number(name));
    if (s) stats.set(Number(name), s);
  }
  const children = new Map();
  for (const [pid, s] of stats) {
    if (!children.has(s.ppid)) children.set(s.ppid, []);
    children.get(s.ppid).push(pid);
  }
  const ticks = new Map();
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop();
    const s = stats.get(pid);
    if (!s) continue;
    ticks.set(pid, s.ticks);
    stack.push(...(children.get(pid) ?? []));
  }
  return ticks;
}

/**
 * CPU used by the process tree of `root` over `ms` milliseconds, as a percentage of one core.
 * Processes that exit during the window are not counted (none do while a call holds steady).
 */
export async function measureCpu(root, ms) {
  const before = treeTicks(root);
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = treeTicks(root);
  const seconds = (performance.now() - t0) / 1000;
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return { percentOfOneCore: ((ticks / TICKS) / seconds) * 100, seconds, processes: after.size };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The machine's CPU counters (all cores) from /proc/stat: idle and total ticks; null off Linux. */
function machineTicks() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { idle: fields[3] + fields[4], total: fields.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

/**
 * Waits until the machine is quiet: a 100 ms window in which its CPUs were less than `below`
 * busy, `within` ms at most. A browser context that was just opened or closed keeps 1–2 cores
 * busy for about half a second after the call that opened or closed it returns; a timing taken
 * then measures that work too. Resolves with the busy fraction of the last window (null off
 * Linux, where it does not wait).
 */
export async function settle({ below = 0.25, within = 3_000 } = {}) {
  const deadline = performance.now() + within;
  for (;;) {
    const a = machineTicks();
    if (!a) return null;
    await sleep(100);
    const b = machineTicks();
    const busy = b.total > a.total ? 1 - (b.idle - a.idle) / (b.total - a.total) : 0;
    if (busy < below || performance.now() > deadline) return busy;
  }
}
