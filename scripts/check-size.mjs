// Fails when what the script tag loads before the lobby shows outgrows its budget: every byte
// of it is paid by every visitor of every page that embeds rtc-elements. That is
// dist/rtc-elements.js and any chunk it imports statically; the chunks the elements import()
// when they join (the session with PeerJS, the chat) are reported, not budgeted.
// Deterministic, so CI checks it (timings are not). Also fails when
// - PeerJS is part of the first load: it builds an RTCPeerConnection as it loads, which a page
//   that never joins must not pay for (and must not show in chrome://webrtc-internals);
// - a chunk imports rtc-elements.js: a page that loads the bundle by another URL (a `?v=2`
//   cache buster) would then evaluate a second copy of it, whose elements cannot register.
import { fileURLToPath } from 'node:url';
import { ENTRY, readChunks, sourcesOf, sum } from './chunks.mjs';

const BUDGET_GZIP = 40_000;
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const { chunks, firstLoad } = readChunks(dist);

const n = (x) => x.toLocaleString('en-US');
for (const c of chunks) {
  console.log(`${c.firstLoad ? 'first load' : 'on demand '}  dist/${c.file}: ${n(c.bytes)} bytes, ${n(c.gzip)} bytes gzip`);
}
const first = sum(firstLoad, 'gzip');
const line = `first load: ${n(first)} bytes gzip (budget ${n(BUDGET_GZIP)}); all chunks: ${n(sum(chunks, 'bytes'))} bytes, ${n(sum(chunks, 'gzip'))} bytes gzip`;

const problems = [];
if (first > BUDGET_GZIP) problems.push(`the first load is over budget by ${n(first - BUDGET_GZIP)} bytes gzip`);
for (const c of firstLoad) {
  if (sourcesOf(dist, c.file).some((s) => /node_modules\/peerjs\//.test(s))) problems.push(`PeerJS is in the first load (dist/${c.file})`);
}
for (const c of chunks) {
  if (c.imports.includes(ENTRY)) problems.push(`dist/${c.file} imports ${ENTRY}: move what it shares with the entry into a lazy chunk`);
}
if (problems.length) {
  console.error(`${line}\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(line);
