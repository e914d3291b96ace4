// 6. Size: what the script tag loads first (dist/rtc-elements.js and any chunk it imports
// statically), each chunk loaded on demand, the total, and the share of lit, peerjs and our own
// code in each.
//
// Every byte of the minified bundle is attributed to the source its source map says it came
// from (the mapping segment it falls in): exact for raw bytes. For gzip, each group's bytes are
// compressed on their own and the bundle's real gzip size is split in proportion to those.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readChunks, sum } from '../../scripts/chunks.mjs';

const BUDGET_GZIP = 40_000;

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/**
 * Decodes a source map's `mappings` into, per generated line, [column, sourceIndex] segments
 * (sourceIndex -1 for a segment without a source). Fields are deltas: column within the line,
 * source index across the whole map; original line, column and name are not needed here.
 */
function decodeMappings(mappings) {
  const lines = [];
  let source = 0;
  for (const line of mappings.split(';')) {
    const segments = [];
    let column = 0;
    for (const segment of line.split(',')) {
      if (!segment) continue;
      const values = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = DIGIT.get(char);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += values[0];
      if (values.length >= 4) {
        source += values[1];
        segments.push([column, source]);
      } else segments.push([column, -1]);
    }
    lines.push(segments);
  }
  return lines;
}

/** Which group a source belongs to. */
export function groupOf(source) {
  const s = source.replace(/\\/g, '/');
  if (/node_modules\/(lit|lit-html|lit-element|@lit\/[^/]+)\//.test(s)) return 'lit';
  if (/node_modules\/(peerjs|peerjs-js-binarypack|@msgpack\/msgpack|eventemitter3|webrtc-adapter|sdp)\//.test(s)) return 'peerjs';
  if (/scripts\/shims\//.test(s)) return 'peerjs';
  if (/node_modules\//.test(s)) return 'other dependencies';
  return 'ours';
}

/** Our sources by area: session, chat, components… (from dist/lib paths). */
function areaOf(source) {
  const m = /lib\/([^/]+)\/(?:([^/]+)\/)?/.exec(source.replace(/\\/g, '/'));
  if (!m) return path.basename(source);
  return m[1] === 'components' && m[2] ? `components/${m[2]}` : m[1];
}

export function analyse(code, map) {
  const lines = code.split('\n');
  const segments = decodeMappings(map.mappings);
  const bytes = new Map();
  const text = new Map();
  const add = (key, chunk) => {
    if (!chunk) return;
    bytes.set(key, (bytes.get(key) ?? 0) + Buffer.byteLength(chunk));
    text.set(key, (text.get(key) ?? '') + chunk);
  };
  // A segment runs to the next one, across line ends: lines that start without a segment are
  // the rest of a multi-line template literal (CSS, HTML) begun on an earlier line.
  let current = -1;
  lines.forEach((line, i) => {
    const segs = segments[i] ?? [];
    add(current, line.slice(0, segs[0]?.[0] ?? line.length));
    segs.forEach(([column, source], k) => {
      current = source;
      add(source, line.slice(column, segs[k + 1]?.[0] ?? line.length));
    });
    if (i < lines.length - 1) add(current, '\n');
  });
  const total = Buffer.byteLength(code);
  const totalGzip = gzipSync(code, { level: 9 }).length;
  const groups = new Map();
  const areas = new Map();
  for (const [source, n] of bytes) {
    const name = source === -1 ? 'unmapped' : map.sources[source];
    const group = source === -1 ? 'unmapped' : groupOf(name);
    const g = groups.get(group) ?? { bytes: 0, text: '' };
    g.bytes += n;
    g.text += text.get(source);
    groups.set(group, g);
    if (group === 'ours') {
      const a = areaOf(name);
      const entry = areas.get(a) ?? { bytes: 0, text: '' };
      entry.bytes += n;
      entry.text += text.get(source);
      areas.set(a, entry);
    }
  }
  const apportion = (parts) => {
    const alone = [...parts].map(([k, v]) => [k, v.bytes, gzipSync(v.text, { level: 9 }).length]);
    const sumAlone = alone.reduce((s, [, , z]) => s + z, 0);
    return alone
      .map(([name, raw, gz]) => ({ name, bytes: raw, gzip: Math.round((gz / sumAlone) * totalGzip), gzipAlone: gz, share: raw / total }))
      .sort((a, b) => b.bytes - a.bytes);
  };
  return { total, totalGzip, groups: apportion(groups), ours: apportion(areas) };
}

export async function size({ root }) {
  const dir = path.join(root, 'dist');
  const { chunks, firstLoad } = readChunks(dir);
  const analysed = chunks.map((c) => {
    const code = c.code.toString('utf8');
    const map = JSON.parse(readFileSync(path.join(dir, `${c.file}.map`), 'utf8'));
    return { ...c, code, ...analyse(code, map), gzip: c.gzip };
  });
  const first = analysed.filter((c) => c.firstLoad);
  // The groups of the first load, over all of its chunks (one file while nothing is shared).
  const merged = (key) => {
    const byName = new Map();
    for (const c of first) {
      for (const g of c[key]) {
        const m = byName.get(g.name) ?? { name: g.name, bytes: 0, gzip: 0, gzipAlone: 0 };
        m.bytes += g.bytes;
        m.gzip += g.gzip;
        m.gzipAlone += g.gzipAlone;
        byName.set(g.name, m);
      }
    }
    const total = sum(first, 'total');
    return [...byName.values()].map((g) => ({ ...g, share: g.bytes / total })).sort((a, b) => b.bytes - a.bytes);
  };
  // The same figure as `npm run size` (default gzip level), which CI checks.
  const gzip = sum(firstLoad, 'gzip');
  const hasChat = first.some((c) => c.code.includes('"rtc-chat"') || c.code.includes("'rtc-chat'"));
  return {
    file: first.map((c) => `dist/${c.file}`).join(' + ') + ' (first load)',
    bytes: sum(first, 'total'),
    gzip,
    gzipLevel9: sum(first, 'totalGzip'),
    budgetGzip: BUDGET_GZIP,
    hasChat,
    target: `first load gzip ≤ ${BUDGET_GZIP.toLocaleString('en-US')} bytes`,
    met: gzip <= BUDGET_GZIP,
    groups: merged('groups'),
    ours: merged('ours'),
    chunks: analysed.map((c) => ({ file: `dist/${c.file}`, firstLoad: c.firstLoad, bytes: c.bytes, gzip: c.gzip, groups: c.groups, ours: c.ours })),
    total: { bytes: sum(chunks, 'bytes'), gzip: sum(chunks, 'gzip') },
    method:
      'first load: rtc-elements.js and the chunks it imports statically; the other chunks are import()ed when an element joins. Raw bytes per source from each chunk’s source map (each mapping segment runs to the next); gzip split in proportion to each group’s bytes gzipped alone',
  };
}
