// 2. Mesh growth: one room, participants added one at a time (k = 2 … 6); each newcomer is
// timed from attaching to seeing every other participant's video (a first frame from each).
// With 4 participants in the call, the CPU of Chromium's whole process tree is sampled.
// The same with raw PeerJS: each newcomer calls every id already in the room.
// With --diagnose, two more sides split the difference: `session`, the element's RoomSession
// with the raw page's plain videos (the protocol without the element), and `raw + data`, raw
// PeerJS with a data connection per pair beside the call (two peer connections per pair, as
// the protocol has); and for the first room of `<rtc-call>` and raw PeerJS, every page's marks
// and long tasks on the newcomer's clock, each time someone joins (`rooms` in the JSON).
import { measureCpu, openParticipant, settle, sleep } from '../lib/browser.mjs';
import { ratio, summary } from '../lib/stats.mjs';

const TIMEOUT = 25_000;

/** How each side joins: `wait` for the first participant, who is in the room before anyone else. */
const JOIN = {
  element: (p, { room, name }) => p.eval((room, name) => window.bench.attach({ room, name }), room, name),
  session: (p, { room, name, wait }) => p.eval((room, name, wait) => (wait ? window.bench.session({ room, name }) : void window.bench.session({ room, name })), room, name, wait),
  raw: (p, { id, dial, wait }, data = false) =>
    p.eval((id, dial, wait, data) => (wait ? window.bench.raw({ id, dial, data }) : void window.bench.raw({ id, dial, data })), id, dial, wait, data),
  'raw + data': (p, args) => JOIN.raw(p, args, true),
};

/**
 * Every page's marks on the newcomer's clock (the last of `people`), up to just after it saw
 * everyone: [ms, the page's name (P1 is the first in the room), what].
 */
async function oneClock(people, until) {
  const pages = await Promise.all(people.map((p) => p.eval(() => ({ at: window.bench.startedAt(), marks: window.bench.marks() }))));
  const t0 = pages.at(-1).at;
  const events = pages.flatMap(({ at, marks }, i) => marks.map(([what, ms]) => [Math.round((ms + at - t0) * 10) / 10, `P${i + 1}`, what]));
  return events.filter(([ms]) => ms >= 0 && ms <= until + 50).sort((a, b) => a[0] - b[0]);
}

export async function mesh({ browser, base, runId, quick, diagnose, meshRuns = 1, log }) {
  // One room per side unless told: growing to 6 takes a minute or more per side on 2 cores.
  const reps = meshRuns;
  // A quick run stops at 4: on 2 cores, 5 and 6 take tens of seconds each.
  const sizes = quick ? [2, 3, 4] : [2, 3, 4, 5, 6];
  // CPU with 4 in the call, and with 3: on 2 cores, 4 participants with video nearly saturate
  // the machine, which caps the figure.
  const cpuPoints = quick ? { 3: 10, 4: 10 } : { 3: 10, 4: 20 };
  const url = `${base}/bench/call.html`;
  const sides = ['element', 'raw', ...(diagnose ? ['session', 'raw + data'] : [])];
  const times = Object.fromEntries(sides.map((side) => [side, {}]));
  const cpu = Object.fromEntries(sides.map((side) => [side, {}]));
  const failures = [];
  const failureMarks = [];
  const timelines = [];
  const rooms = [];
  const pid = browser.process().pid;

  async function grow(side, rep) {
    const room = `bench-mesh-${runId}-${rep}-${side}`;
    const onOneClock = diagnose && rep === 0 && (side === 'element' || side === 'raw');
    const ids = [];
    const people = [];
    try {
      for (let k = 1; k <= sizes.at(-1); k++) {
        const p = await openParticipant(browser, url);
        people.push(p);
        if (onOneClock) await p.eval(() => window.bench.watchLongTasks());
        // Opening a page leaves 300–400 ms of work behind on both cores, which no member of a
        // real room shares: let it pass (as the join does), or 1 s, since with a call under way
        // the machine is never quiet.
        await settle({ within: 1_000 });
        const id = `bench-${runId}-m${rep}-${k}`;
        await JOIN[side](p, { room, name: `P${k}`, id, dial: [...ids], wait: k === 1 });
        ids.push(id);
        // The first one is in the room before anyone else comes.
        if (side === 'element' && k === 1 && (await p.eval(() => window.bench.joined())) !== 'in-call') throw new Error('the first participant did not join');
        const result = await p.eval((n, timeout) => window.bench.waitFrames(n, timeout), k - 1, TIMEOUT);
        if (!result.ok) {
          const phase = await p.eval(() => window.bench.phase?.());
          const last = result.marks.slice(-6).map(([what, t]) => `${what} @${Math.round(t)}`).join(', ');
          failureMarks.push({ side, k, phase, marks: result.marks });
          throw new Error(`participant ${k} saw ${result.frames} of ${k - 1} within ${TIMEOUT / 1000} s (phase ${phase ?? '-'}; last: ${last})`);
        }
        if (k >= 2) {
          (times[side][k] ??= []).push(result.ms);
          timelines.push({ side, k, ms: result.ms, marks: result.marks });
          if (onOneClock) rooms.push({ side, k, ms: result.ms, events: await oneClock(people, result.ms) });
          log(`  mesh ${side.padEnd(7)} #${rep + 1}: k=${k} sees everyone after ${result.ms.toFixed(0)} ms`);
        }
        if (cpuPoints[k] && rep === 0) {
          // Let bandwidth estimation and encoders settle, then sample.
          await sleep(2_000);
          const c = await measureCpu(pid, cpuPoints[k] * 1000);
          // Headless Chromium composites in software: the CPU grows with the pixels shown.
          const videoPixels = await p.eval(() =>
            [...document.querySelectorAll('video'), ...(document.querySelector('rtc-call')?.shadowRoot?.querySelectorAll('video') ?? [])]
              .map((v) => v.getBoundingClientRect())
              .reduce((sum, r) => sum + r.width * r.height, 0),
          );
          cpu[side][k] = { ...c, perParticipant: c.percentOfOneCore / k, videoPixels };
          log(`  mesh ${side.padEnd(7)}: videos on the last page: ${Math.round(videoPixels).toLocaleString('en')} pixels`);
          log(`  mesh ${side.padEnd(7)}: ${k} in the call, Chromium uses ${c.percentOfOneCore.toFixed(0)}% of one core`);
        }
      }
    } catch (error) {
      failures.push(`${side} #${rep + 1}: ${error.message}`);
      log(`  mesh ${side} #${rep + 1} failed: ${error.message}`);
    } finally {
      for (const p of people) await p.close();
    }
  }

  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 ? [...sides].reverse() : sides;
    for (const side of order) await grow(side, rep);
  }

  const growth = sizes.map((k) => {
    const element = summary(times.element[k] ?? []);
    const raw = summary(times.raw[k] ?? []);
    const experiments = Object.fromEntries(sides.slice(2).map((side) => [side, summary(times[side][k] ?? [])]));
    return { k, element, raw, ratio: ratio(element.median, raw.median), experiments };
  });
  const cpuRows = Object.keys(cpuPoints).map((k) => {
    const element = cpu.element[k] ?? null;
    const raw = cpu.raw[k] ?? null;
    const experiments = Object.fromEntries(sides.slice(2).map((side) => [side, cpu[side][k] ?? null]));
    return { participants: Number(k), seconds: cpuPoints[k], element, raw, ratio: ratio(element?.percentOfOneCore, raw?.percentOfOneCore), experiments };
  });
  return { repetitions: reps, growth, cpu: cpuRows, failures, timelines, failureMarks, ...(diagnose && { rooms }) };
}
