// <rtc-chat> and a raw RTCDataChannel side by side in the same two pages: one-way message
// latency and a file transfer through each. The raw connection is one RTCPeerConnection per page,
// signalled by the benchmark driver passing the offer and answer between the pages (complete
// ICE gathering first, so no trickling); it has two ordered, reliable channels, `ping` for
// messages and `bulk` for files.
import { idle } from './common.js';

const hasChat = !!customElements.get('rtc-chat');

// Diagnosis only (chat.html?experiment=cached-time): the same toLocaleTimeString output from
// one cached Intl.DateTimeFormat per set of options, to measure what formatting costs the chat.
if (new URLSearchParams(location.search).get('experiment') === 'cached-time') {
  const formats = new Map();
  const original = Date.prototype.toLocaleTimeString;
  Date.prototype.toLocaleTimeString = function (locales, options) {
    const key = JSON.stringify([locales, options]);
    let format = formats.get(key);
    if (!format) {
      if (formats.size > 20) return original.call(this, locales, options);
      // As toLocaleTimeString does: the time fields asked for, or else hours, minutes and seconds.
      const time = options && ['hour', 'minute', 'second'].some((f) => options[f] !== undefined);
      format = new Intl.DateTimeFormat(locales, time ? options : { hour: 'numeric', minute: 'numeric', second: 'numeric', ...options });
      formats.set(key, format);
    }
    return format.format(this);
  };
}

let chat = null;
let pc = null;
const channels = {};

/** Both pages' clock: ms since the epoch, sub-millisecond. `sync` measures the pages' offset. */
const clock = () => performance.timeOrigin + performance.now();

const text = (i) => `ping ${i} ${'lorem ipsum dolor sit amet '.repeat(2)}`.trim();
const number = (t) => Number(t.split(' ')[1]);

/** Runs `fn` once the page has painted what it just did and is idle again. */
const afterPaint = (fn) => requestAnimationFrame(() => setTimeout(fn));

/** Receiver side: when each message arrived (event) and when the chat showed it (rendered). */
const arrivals = { chat: {}, rendered: {}, raw: {} };
/** Sender side: acknowledgements awaited, by `${kind} ${i}`. */
const acks = new Map();

/**
 * Joins the room with <rtc-chat>. The receiver notes when each "ping" arrives (the
 * `rtc-message` event) and when the element has rendered it, and acknowledges it over the raw
 * channel once the page has painted: the sender sends the next message only then, so every
 * message, chat or raw, meets two idle pages.
 */
function join({ room, name }) {
  chat = document.createElement('rtc-chat');
  chat.setAttribute('room', room);
  chat.setAttribute('name', name);
  // Messages are paced well under this; the default (20 per 10 s) would drop them.
  chat.setAttribute('max-message-rate', '1000');
  chat.addEventListener('rtc-message', (e) => {
    const { text: t, history } = e.detail;
    if (history || !t.startsWith('ping ')) return;
    const i = number(t);
    arrivals.chat[i] = clock();
    // The element asks for its update after this event: wait for that one, not the last one.
    Promise.resolve()
      .then(() => chat.updateComplete)
      .then(() => {
        arrivals.rendered[i] = clock();
        afterPaint(() => channels.ping?.send(`ack chat ${i}`));
      });
  });
  document.body.append(chat);
}

function waitFor(check, timeout = 20_000) {
  return new Promise((resolve) => {
    const deadline = performance.now() + timeout;
    const poll = () => (check() ? resolve(true) : performance.now() > deadline ? resolve(false) : setTimeout(poll, 10));
    poll();
  });
}

const joined = () => waitFor(() => chat?.phase === 'joined' && chat.participants.length > 0);

/** Sends message `i` through <rtc-chat> or the raw channel; resolves with the send time once acknowledged (null after 5 s). */
function send(kind, i) {
  return new Promise((resolve) => {
    const key = `${kind} ${i}`;
    const timer = setTimeout(() => {
      acks.delete(key);
      resolve(null);
    }, 5_000);
    const at = clock();
    acks.set(key, () => {
      clearTimeout(timer);
      resolve(at);
    });
    if (kind === 'chat') chat.send(text(i));
    else channels.ping.send(text(i));
  });
}

/** Sends `count` messages each way, alternating: sent times by kind and number. */
async function series(count, first = 0) {
  const sent = { chat: {}, raw: {} };
  for (let i = first; i < first + count; i++) {
    for (const kind of i % 2 ? ['raw', 'chat'] : ['chat', 'raw']) {
      sent[kind][i] = await send(kind, i);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  return sent;
}

/**
 * The receiver's clock minus the sender's, NTP-style over the raw channel: from the exchange
 * with the shortest round trip, assuming its two halves took equally long.
 */
async function sync(rounds = 30) {
  let best = null;
  for (let i = 0; i < rounds; i++) {
    const t0 = clock();
    const tb = await new Promise((resolve) => {
      acks.set(`sync ${i}`, resolve);
      channels.ping.send(`sync ${i}`);
    });
    const t1 = clock();
    if (!best || t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: tb - (t0 + t1) / 2 };
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return best;
}

// ------------------------------------------------------------------ the raw connection

function setUpChannel(channel, echo) {
  channel.binaryType = 'arraybuffer';
  channels[channel.label] = channel;
  if (channel.label === 'ping') {
    channel.onmessage = ({ data }) => {
      const [kind, a, b] = data.split(' ');
      if (kind === 'ping') {
        arrivals.raw[Number(a)] = clock();
        afterPaint(() => channel.send(`ack raw ${a}`));
      } else if (kind === 'sync' && echo) channel.send(`synced ${a} ${clock()}`);
      else if (kind === 'synced') acks.get(`sync ${a}`)?.(Number(b));
      else if (kind === 'ack') acks.get(`${a} ${b}`)?.();
    };
  } else receiveBulk(channel);
}

async function gathered(description) {
  await pc.setLocalDescription(description);
  if (pc.iceGatheringState !== 'complete') {
    await new Promise((resolve) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve()));
  }
  return pc.localDescription.toJSON();
}

const opened = () => waitFor(() => channels.ping?.readyState === 'open' && channels.bulk?.readyState === 'open');

async function rawOffer() {
  pc = new RTCPeerConnection({ iceServers: [] });
  setUpChannel(pc.createDataChannel('ping'), false);
  setUpChannel(pc.createDataChannel('bulk'), false);
  return gathered(await pc.createOffer());
}

async function rawAnswer(offer) {
  pc = new RTCPeerConnection({ iceServers: [] });
  pc.ondatachannel = ({ channel }) => setUpChannel(channel, true);
  await pc.setRemoteDescription(offer);
  return gathered(await pc.createAnswer());
}

async function rawAccept(answer) {
  await pc.setRemoteDescription(answer);
  return opened();
}

// ------------------------------------------------------------------ files

const blobs = new Map();
/** A file of `size` pseudo-random (incompressible) bytes, the same for both sides; made once. */
function file(size) {
  if (blobs.has(size)) return blobs.get(size);
  const words = new Uint32Array(size / 4);
  let x = 2463534242;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
  const blob = new File([words], 'bench.bin', { type: 'application/octet-stream' });
  blobs.set(size, blob);
  return blob;
}

/** Sends a file with <rtc-chat>: ms until the receiver has verified it (sendFile settles). */
async function sendChatFile(size) {
  const f = file(size);
  const t0 = performance.now();
  const result = await chat.sendFile(f);
  const ms = performance.now() - t0;
  return { ms, state: result?.state ?? null };
}

/**
 * Chat messages one after the other, each once the one before has arrived and 100 ms have
 * passed, numbered from `first`: `count` of them, or, with a file of `size` bytes, as many as fit
 * while <rtc-chat> sends it (the first 200 ms after the transfer starts). Sent times by number,
 * and the ms from sendFile() until the transfer settled.
 */
async function messagesDuringFile(size, count, first) {
  const t0 = performance.now();
  const transfer = size ? chat.sendFile(file(size)) : null;
  let settled = !transfer;
  let ms = null;
  transfer?.then(() => {
    settled = true;
    ms = performance.now() - t0;
  });
  if (transfer) await new Promise((resolve) => setTimeout(resolve, 200));
  const sent = {};
  for (let i = first; i < first + count && (!transfer || !settled); i++) {
    sent[i] = await send('chat', i);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const result = await transfer;
  return { sent, state: result?.state ?? null, ms };
}

// The fastest plain transfer: the whole file read at once, sent in the largest messages
// Chromium takes (256 KiB), keeping the channel's buffer between 4 and 12 MiB (Chromium closes a
// channel whose buffer passes 16 MiB); the receiver keeps the chunks and makes a Blob of them.
const RAW_CHUNK = 256 * 1024;
const RAW_HIGH = 12 * 1024 * 1024;
const RAW_LOW = 4 * 1024 * 1024;

function receiveBulk(channel) {
  let expected = -1;
  let bytes = 0;
  let parts = [];
  channel.onmessage = ({ data }) => {
    if (typeof data === 'string') {
      expected = Number(data.slice(5));
      bytes = 0;
      parts = [];
      return;
    }
    parts.push(data);
    bytes += data.byteLength;
    if (bytes === expected) {
      window.received = new Blob(parts);
      parts = [];
      channel.send('done');
    }
  };
}

/** Sends a file over the raw `bulk` channel: ms until the receiver has all of it. */
async function sendRawFile(size, chunk = RAW_CHUNK, high = RAW_HIGH, low = RAW_LOW) {
  const f = file(size);
  const channel = channels.bulk;
  const t0 = performance.now();
  const done = new Promise((resolve) => {
    channel.onmessage = ({ data }) => data === 'done' && resolve();
  });
  channel.bufferedAmountLowThreshold = low;
  channel.send(`size ${size}`);
  const bytes = await f.arrayBuffer();
  for (let at = 0; at < size; at += chunk) {
    if (channel.bufferedAmount > high) {
      await new Promise((resolve) => channel.addEventListener('bufferedamountlow', resolve, { once: true }));
    }
    channel.send(new Uint8Array(bytes, at, Math.min(chunk, size - at)));
  }
  await done;
  return { ms: performance.now() - t0, state: 'done' };
}

window.bench = {
  ready: true,
  hasChat,
  idle,
  join,
  joined,
  send,
  series,
  sync,
  arrivals: () => arrivals,
  rawOffer,
  rawAnswer,
  rawAccept,
  file: (size) => void file(size),
  sendChatFile,
  sendRawFile,
  messagesDuringFile,
};
