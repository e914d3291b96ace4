// The benchmark's results as a readable table for the terminal.
import { round } from './stats.mjs';

const n = (v, digits = 0) =>
  Number.isFinite(v) ? round(v, digits).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–';
const spread = (s, digits = 0, unit = 'ms') =>
  s?.n ? `${n(s.median, digits)} ${unit}  (${n(s.min, digits)}–${n(s.max, digits)}, IQR ${n(s.p25, digits)}–${n(s.p75, digits)}, n=${s.n})` : 'n/a';
const verdict = (r) => (r.met ? 'met' : 'MISSED');
/** The stricter target of an open issue, where a section has one. */
const strict = (r) => (r.strict ? `; ${r.strict.target}: ${verdict(r.strict)}` : '');

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  return rows.map((r) => `   ${r.map((c, i) => String(c ?? '').padEnd(widths[i])).join('   ')}`.trimEnd()).join('\n');
}

function problem(r) {
  if (!r) return 'not run';
  if (r.error) return `FAILED: ${r.error.split('\n')[0]}`;
  if (r.skipped) return r.skipped;
  return null;
}

const SECTIONS = {
  join(r) {
    const lines = [
      table([
        ['<rtc-call>', spread(r.element)],
        ['raw PeerJS', spread(r.raw)],
        ['ratio of medians', `${n(r.ratio, 2)}   target ≤ 1.1: ${verdict(r)}${strict(r)}`],
      ]),
      '   where the time goes (median ms after t0):',
      table([['step', '<rtc-call>', 'raw PeerJS'], ...r.breakdown.map((b) => [b.step, n(b.element), n(b.raw)])]),
    ];
    return lines.join('\n');
  },
  mesh(r) {
    const extra = Object.keys(r.growth[0]?.experiments ?? {});
    const ms = (s) => (!s?.n ? '–' : s.n > 1 ? `${n(s.median)} ms (${n(s.min)}–${n(s.max)})` : `${n(s.median)} ms`);
    const rows = [
      ['k', '<rtc-call>', 'raw PeerJS', 'ratio', ...extra.map((x) => `diagnosis: ${x}`)],
      ...r.growth.map((g) => [g.k, ms(g.element), ms(g.raw), n(g.ratio, 2), ...extra.map((x) => ms(g.experiments[x]))]),
    ];
    const cpu = (x) => (x ? `${n(x.percentOfOneCore)} % (${n(x.perParticipant)} % each)` : 'n/a');
    return [
      `   time for the k-th participant to see everyone's video (${r.repetitions} run${r.repetitions > 1 ? 's' : ''} per side, median):`,
      table(rows),
      '   CPU of the whole Chromium process tree, % of one core:',
      table([
        ['in the call', '<rtc-call>', 'raw PeerJS', 'ratio', ...extra.map((x) => `diagnosis: ${x}`)],
        ...r.cpu.map((c) => [`${c.participants} for ${c.seconds} s`, cpu(c.element), cpu(c.raw), n(c.ratio, 2), ...extra.map((x) => cpu(c.experiments?.[x]))]),
      ]),
    ].join('\n');
  },
  chat(r) {
    const limit = (v) => 1.2 * v + 1;
    const lines = [
      `   one-way, ${r.messages} messages each, alternating:        median      p95`,
      table([
        ['<rtc-chat> (rtc-message event)', `${n(r.element.median, 2)} ms`, `${n(r.element.p95, 2)} ms`],
        ['raw RTCDataChannel', `${n(r.raw.median, 2)} ms`, `${n(r.raw.p95, 2)} ms`],
        ['limit: 1.2 × raw + 1 ms', `${n(limit(r.raw.median), 2)} ms`, `${n(limit(r.raw.p95), 2)} ms`],
        ['<rtc-chat> until rendered', `${n(r.rendered.median, 2)} ms`, `${n(r.rendered.p95, 2)} ms`],
      ]),
      `   target: ${verdict(r)} (median ${r.element.median <= limit(r.raw.median) ? 'met' : 'missed'}, p95 ${r.element.p95 <= limit(r.raw.p95) ? 'met' : 'missed'}); ` +
        `${r.strict ? `${r.strict.target}: ${verdict(r.strict)}; ` : ''}until rendered, first → last quarter: ${n(r.trend.renderedFirstQuarter, 1)} → ${n(r.trend.renderedLastQuarter, 1)} ms`,
    ];
    for (const [name, x] of Object.entries(r.experiments ?? {})) {
      lines.push(
        `   diagnosis, ${name}: event ${n(x.element.median, 2)} / ${n(x.element.p95, 2)} ms (raw ${n(x.raw.median, 2)} / ${n(x.raw.p95, 2)}), ` +
          `until rendered ${n(x.rendered.median, 2)} / ${n(x.rendered.p95, 2)} ms, first → last quarter ${n(x.trend.renderedFirstQuarter, 1)} → ${n(x.trend.renderedLastQuarter, 1)} ms`,
      );
    }
    return lines.join('\n');
  },
  file(r) {
    const cost = (c) =>
      `CPU ${n(c.cpuSeconds.median, 2)} s, main threads ${n(c.senderMainThreadSeconds.median, 2)} + ${n(c.receiverMainThreadSeconds.median, 2)} s`;
    return [
      table([
        ['<rtc-chat> sendFile', spread(r.element, 1, 'MiB/s'), cost(r.cost.element)],
        ['raw RTCDataChannel', spread(r.raw, 1, 'MiB/s'), cost(r.cost.raw)],
        ...Object.entries(r.cost)
          .filter(([k]) => k !== 'element' && k !== 'raw')
          .map(([k, c]) => [`diagnosis: ${k}`, spread(c.mibPerSecond, 1, 'MiB/s'), cost(c)]),
      ]),
      `   ratio of medians ${n(r.ratio, 2)}; target ≥ 0.8: ${verdict(r)}${strict(r)}   (CPU: whole browser per transfer; main threads: sender + receiver page)`,
      ...(r.messages ? [messagesDuring(r.messages)] : []),
      ...(r.first ? [firstTransfer(r.first)] : []),
    ].join('\n');
  },
  server(r) {
    const o = r.rtcServer;
    const s = r.stock;
    return [
      table([
        ['', 'rtc-server', 'stock peer', 'ratio'],
        ['peers connected', `${o.connected} / ${o.peers}`, `${s.connected} / ${s.peers}`, ''],
        ...[
          ['connections per second', 'connectsPerSecond', 0],
          ['server CPU µs per connection', 'cpuMicrosecondsPerConnection', 0],
          ['MiB per 1,000 peers (RSS)', 'mibPer1000', 1],
          ['V8 heap bytes per peer', 'heapBytesPerPeer', 0],
          ['OFFERs relayed per second', 'relayedPerSecond', 0],
          ['server CPU µs per relayed message', 'cpuMicrosecondsPerMessage', 1],
        ]
          .filter(([, f]) => o[f])
          .map(([label, f, digits]) => [
            label,
            `${n(o[f].median, digits)} (${n(o[f].min, digits)}–${n(o[f].max, digits)})`,
            `${n(s[f].median, digits)} (${n(s[f].min, digits)}–${n(s[f].max, digits)})`,
            `${n(r.ratios[f], 2)}${r.perRun?.[f] ? ` (runs: ${r.perRun[f].map((x) => n(x, 2)).join(', ')})` : ''}`,
          ]),
      ]),
      `   medians (min–max) of ${r.repetitions} alternating run${r.repetitions > 1 ? 's' : ''}; target ${r.target}: ${verdict(r)}`,
      ...(r.cluster
        ? [
            `   two rtc-server instances sharing one Redis, every pair across them (server CPU: both instances and redis-server): ` +
              `${r.cluster.connected} / ${r.cluster.peers} connected, ${n(r.cluster.connectsPerSecond.median)} connections/s (${n(r.clusterRatios.connectsPerSecond, 2)} of one instance), ` +
              `${n(r.cluster.mibPer1000.median, 1)} MiB per 1,000, ${n(r.cluster.relayedPerSecond.median)} relayed/s (${n(r.clusterRatios.relayedPerSecond, 2)}), ` +
              `${n(r.cluster.cpuMicrosecondsPerMessage.median, 1)} µs CPU per message`,
          ]
        : []),
      ...Object.entries(r.experiments ?? {}).map(
        ([name, x]) =>
          `   diagnosis, ${name}: ${n(x.connectsPerSecond.median)} connections/s, ${n(x.mibPer1000.median, 1)} MiB per 1,000, ` +
          `${n(x.relayedPerSecond.median)} relayed/s, ${n(x.cpuMicrosecondsPerMessage.median, 1)} µs CPU per message`,
      ),
    ].join('\n');
  },
  size(r) {
    return [
      `   ${r.file}: ${n(r.bytes)} bytes, ${n(r.gzip)} bytes gzip; budget ${n(r.budgetGzip)}: ${verdict(r)}` +
        (r.hasChat ? '' : ' (without <rtc-chat>)'),
      table([
        ['', 'bytes', 'gzip (share)'],
        ...r.groups.map((g) => [g.name, n(g.bytes), `${n(g.gzip)} (${n((g.gzip / r.gzipLevel9) * 100)} %)`]),
        ...r.ours.map((g) => [`  ours: ${g.name}`, n(g.bytes), n(g.gzip)]),
      ]),
    ].join('\n');
  },
};

const TITLES = {
  join: '1. Join: attach → first remote video frame, 2 participants',
  mesh: '2. Mesh growth',
  chat: '3. Chat latency',
  file: '4. File throughput, 50 MiB',
  server: '5. Server capacity',
  size: '6. Size',
};

/** The file section's chat messages sent during a transfer. */
function messagesDuring(m) {
  const figures = (x) => `median ${n(x.median, 2)} ms, worst ${n(x.max, 2)} ms`;
  return (
    `   a chat message one-way while <rtc-chat> sends the file (${m.sentDuring} sent, transfer ${m.transfer ?? 'failed'}): ${figures(m.during)}; ` +
    `without a transfer: ${figures(m.without)}; target ${m.target}: ${verdict(m)}`
  );
}

/** The file section's first transfer on a new pair. */
function firstTransfer(f) {
  return (
    `   the first 50 MiB on a new pair (transfer ${f.transfer ?? 'failed'}): <rtc-chat> ${n(f.elementSeconds, 2)} s, raw ${n(f.rawSeconds, 2)} s; ` +
    `a chat message sent 200 ms in took ${n(f.firstMessage, 1)} ms, all ${f.messages.n} sent meanwhile median ${n(f.messages.median, 2)} ms`
  );
}

export function report({ machine: m, options, results }) {
  const out = [
    '',
    `rtc-elements benchmark (${options.quick ? 'quick' : 'full'} run), ${m.date}`,
    `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, ${m.chromium}; ` +
      `at the start, CPUs ${m.cpuBusyAtStart == null ? '?' : `${Math.round(m.cpuBusyAtStart * 100)} %`} busy, load average ${m.loadAverageAtStart.join(' ')}`,
  ];
  if (options.quick) out.push('Quick run: few repetitions, so the verdicts are only indicative.');
  for (const [name, r] of Object.entries(results)) {
    out.push('', `${TITLES[name]}${r?.seconds ? `  [${r.seconds} s]` : ''}`);
    const p = problem(r);
    out.push(p ? `   ${p}` : SECTIONS[name](r));
    if (r?.failures?.length) out.push(`   failures: ${r.failures.join('; ')}`);
  }
  return `${out.join('\n')}\n`;
}
