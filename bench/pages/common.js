// Shared by the benchmark pages. Both sides of every comparison load the same bundle and use
// the same probes: the element through its public API, the baseline through `createPeer`,
// which is the very PeerJS build the elements run.
import { loadSession } from '/rtc-elements.js';

let lib = null;
/**
 * The session chunk (PeerJS inside), which the script tag loads only when an element joins. The
 * raw side loads it before its t0, as a hand-written page would have PeerJS in its bundle; the
 * element loads it itself after t0, so its join pays for the load.
 */
export const loadLib = async () => (lib ??= await loadSession());

/** Events on this page's clock (ms since `t0`), for the breakdown of a join. */
export const marks = [];
let t0 = performance.now();
export const start = () => {
  marks.length = 0;
  t0 = performance.now();
  // For traces (category blink.user_timing): where t0 is.
  performance.mark('bench-t0');
  return t0;
};
export const since = () => performance.now() - t0;
/** When t0 was, on a clock all the browser's pages share (ms since the epoch): lines pages up. */
export const startedAt = () => performance.timeOrigin + t0;
/** The marks so far, in the order of their times. */
export const allMarks = () => [...marks].sort((a, b) => a[1] - b[1]);

/**
 * For diagnosis: each long animation frame (50 ms or more) becomes a mark at its start, naming
 * what ran in it (a data channel's message, a WebSocket's, a timer; "rendering" when no script).
 */
export function watchLongTasks() {
  if (!PerformanceObserver.supportedEntryTypes?.includes('long-animation-frame')) return;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const scripts = e.scripts.map((s) => `${s.invoker} ${Math.round(s.duration)} ms`).join(', ');
      marks.push([`long task ${Math.round(e.duration)} ms: ${scripts || 'rendering'}`, Math.round((e.startTime - t0) * 10) / 10]);
    }
  }).observe({ type: 'long-animation-frame' });
}
export const mark = (what) => marks.push([what, Math.round(since() * 10) / 10]);

/** PeerJS options for the benchmark's own PeerServer: nothing leaves this machine. */
export const peerOptions = () => ({
  host: location.hostname,
  port: Number(location.port),
  path: '/peerjs',
  key: 'peerjs',
  config: { iceServers: [] },
});

/** Times getUserMedia with marks; the element asks for its media through it. Call pages only. */
export function instrument() {
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    mark('getUserMedia');
    try {
      return await getUserMedia(constraints);
    } finally {
      mark('getUserMedia done');
    }
  };
}

/** createPeer with marks at the signalling steps that matter for a join; behaviour unchanged. */
export function timedPeer(id, options) {
  if (!lib) throw new Error('timedPeer before loadLib()');
  const peer = lib.createPeer(id, options);
  const tag = id.startsWith('rtc-room-') ? 'beacon ' : '';
  mark(`${tag}peer`);
  peer.on('open', () => mark(`${tag}peer open`));
  // Signalling messages through the PeerServer (candidates and heartbeats left out).
  const socket = peer.socket;
  const quiet = (m) => m?.type === 'CANDIDATE' || m?.type === 'HEARTBEAT';
  const send = socket.send.bind(socket);
  socket.send = (m) => {
    if (!quiet(m)) mark(`${tag}→ ${m.type} ${m.payload?.type ?? ''}`.trim());
    return send(m);
  };
  socket.on('message', (m) => !quiet(m) && mark(`${tag}← ${m.type} ${m.payload?.type ?? ''}`.trim()));
  peer.on('error', (e) => mark(`${tag}peer error ${e.type}`));
  peer.on('connection', (c) => {
    mark(`${tag}data in (${c.metadata?.kind ?? '-'})`);
    c.on('open', () => mark(`data in open (${c.metadata?.kind ?? '-'})`));
    c.once('data', () => mark(`data in: first (${c.metadata?.kind ?? '-'})`));
  });
  // When a media call's ICE and DTLS are through (its peer connection exists by its first stream).
  const connected = (c) => {
    const pc = c.peerConnection;
    if (!pc || pc.connectionState === 'connected') return;
    pc.addEventListener('connectionstatechange', () => pc.connectionState === 'connected' && mark('media connected'));
  };
  peer.on('call', (c) => {
    mark('call in');
    c.once('stream', () => connected(c));
    c.on('stream', () => mark('call in: stream'));
  });
  const call = peer.call.bind(peer);
  peer.call = (...args) => {
    mark('call out');
    const c = call(...args);
    if (c) connected(c);
    c?.on('stream', () => mark('call out: stream'));
    return c;
  };
  const connect = peer.connect.bind(peer);
  peer.connect = (...args) => {
    const kind = args[1]?.metadata?.kind ?? '-';
    mark(`data out (${kind})`);
    const c = connect(...args);
    c?.on('open', () => mark(`data out open (${kind})`));
    c?.once('data', () => mark(`data out: first (${kind})`));
    return c;
  };
  return peer;
}

/**
 * Remote video arrival: for each remote party (by key), the page time (ms since `start()`)
 * of the first frame any of its videos presented (`requestVideoFrameCallback`).
 */
export const frames = new Map();
const watched = new WeakSet();
const waiters = new Set();
export function watchVideo(key, video) {
  if (watched.has(video)) return;
  watched.add(video);
  mark('remote video on the page');
  video.requestVideoFrameCallback(() => {
    if (frames.has(key)) return;
    frames.set(key, since());
    mark(`first frame ${frames.size}`);
    for (const waiter of waiters) waiter();
  });
}

/** Resolves when `n` remote parties have shown a frame: the time of the last of them. */
export function waitFrames(n, timeout = 30_000) {
  return new Promise((resolve) => {
    const done = (ok) => {
      waiters.delete(check);
      clearTimeout(timer);
      const times = [...frames.values()];
      resolve({ ok, ms: ok ? Math.max(...times.slice(0, n)) : null, frames: times.length, marks: allMarks() });
    };
    const check = () => frames.size >= n && done(true);
    const timer = setTimeout(() => done(false), timeout);
    waiters.add(check);
    check();
  });
}

/** Waits for the page to go idle: a freshly loaded page has finished its work. */
export const idle = () =>
  new Promise((resolve) => requestIdleCallback(() => setTimeout(resolve, 100), { timeout: 1_000 }));


