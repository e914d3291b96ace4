// 1. Join: from attaching <rtc-call autojoin> to the first remote video frame, against a page
// that does the same with raw PeerJS calls between known ids. Two participants, separate
// browser contexts; a fresh room (or fresh ids) and fresh contexts every repetition.
import { openParticipant, settle } from '../lib/browser.mjs';
import { median, ratio, summary } from '../lib/stats.mjs';

export async function join({ browser, base, runId, quick, log }) {
  const reps = quick ? 3 : 11;
  const url = `${base}/bench/call.html`;
  const samples = { element: [], raw: [] };
  const timelines = { element: [], raw: [] };
  const failures = [];

  async function once(side, i) {
    const host = await openParticipant(browser, url);
    let guest;
    try {
      const room = `bench-join-${runId}-${i}`;
      const hostId = `bench-${runId}-${i}-host`;
      if (side === 'element') {
        await host.eval((room) => window.bench.attach({ room, name: 'Host' }), room);
        const phase = await host.eval(() => window.bench.joined());
        if (phase !== 'in-call') throw new Error(`the host did not join (${phase})`);
      } else {
        await host.eval((id) => window.bench.raw({ id }), hostId);
      }
      guest = await openParticipant(browser, url);
      // Both sides start on a quiet machine: opening the pages leaves work behind (settle).
      await settle();
      if (side === 'element') await guest.eval((room) => window.bench.attach({ room, name: 'Guest' }), room);
      else await guest.eval((id, hostId) => void window.bench.raw({ id, dial: [hostId] }), `bench-${runId}-${i}-guest`, hostId);
      const result = await guest.eval(() => window.bench.waitFrames(1, 20_000));
      const errors = [...host.errors, ...guest.errors];
      if (!result.ok) throw new Error(`no remote frame within 20 s${errors.length ? `; page errors: ${errors.join('; ')}` : ''}`);
      samples[side].push(result.ms);
      timelines[side].push({ ms: result.ms, marks: result.marks });
      log(`  join ${side.padEnd(7)} #${i + 1}: ${result.ms.toFixed(0)} ms`);
    } catch (error) {
      failures.push(`${side} #${i + 1}: ${error.message}`);
      log(`  join ${side} #${i + 1} failed: ${error.message}`);
    } finally {
      await guest?.close();
      await host.close();
    }
  }

  for (let i = 0; i < reps; i++) {
    // Alternate which side goes first, so drift over the run falls on both alike.
    const order = i % 2 ? ['raw', 'element'] : ['element', 'raw'];
    for (const side of order) await once(side, i);
  }

  const element = summary(samples.element);
  const raw = summary(samples.raw);
  const r = ratio(element.median, raw.median);
  // Where the time goes: the median page time of each step, on each side.
  const breakdown = MILESTONES.map(([step, ...names]) => {
    const at = (side) => median(timelines[side].map(({ marks }) => marks.find(([what]) => matches(names, what))?.[1] ?? NaN));
    return { step, element: at('element'), raw: at('raw') };
  });
  // The repetition whose time is the median of its side, with all its marks.
  const typical = (list, s) => list.slice().sort((a, b) => Math.abs(a.ms - s.median) - Math.abs(b.ms - s.median))[0] ?? null;
  return {
    element,
    raw,
    ratio: r,
    target: 'ratio ≤ 1.1',
    met: r <= 1.1,
    strict: { target: 'ratio ≤ 1.0 (issue 13)', met: r <= 1.0 },
    breakdown,
    typicalTimeline: { element: typical(timelines.element, element), raw: typical(timelines.raw, raw) },
    failures,
  };
}

/**
 * Steps of a join, by the marks the pages set (bench/pages/common.js); a name ending in `*`
 * matches any mark it begins (the room protocol's version is in the question's label).
 */
const MILESTONES = [
  ['getUserMedia called', 'getUserMedia'],
  ['member peer created', 'peer'],
  ['member peer open', 'peer open'],
  ['question sent (a signal to the beacon id)', '→ OFFER rtc-room/*'],
  ['camera and microphone ready', 'getUserMedia done'],
  ['connection with the other placed or received (the welcome)', 'data in (mesh)', 'call out'],
  ['offer sent or received', '← OFFER data', '→ OFFER media'],
  ['answer sent or received', '→ ANSWER data', '← ANSWER media'],
  ['connection up (data channel open; raw: ICE and DTLS)', 'data in open (mesh)', 'media connected'],
  ["the other's first frame on it (its hello)", 'data in: first (mesh)'],
  ['remote stream', 'call out: stream', 'call in: stream'],
  ['remote video on the page', 'remote video on the page'],
  ['first remote frame', 'first frame 1'],
];

/** Whether mark `what` is one of `names`. */
const matches = (names, what) => names.some((n) => (n.endsWith('*') ? what.startsWith(n.slice(0, -1)) : n === what));
