// Joins a call two ways on the same page: with <rtc-call> (attach) or with raw PeerJS calls
// between known ids (raw), and reports when remote video frames arrive. For diagnosis, also with
// the element's RoomSession and plain videos (session), and raw PeerJS with a data connection
// per pair beside each call (raw with `data`).
import { allMarks, frames, idle, instrument, loadLib, mark, peerOptions, start, startedAt, timedPeer, waitFrames, watchLongTasks, watchVideo } from './common.js';

instrument();

const REMOTE_TILES = '[part~="tile"]:not([part~="local-tile"])';
/** What <rtc-call> asks getUserMedia for (src/media/local-media.ts): the baseline asks the same. */
const CONSTRAINTS = { audio: true, video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24 } } };

let call = null;

/** t0: <rtc-call autojoin> is put on the page. */
function attach({ room, name }) {
  start();
  // The same chunk the element is loading: ready by the time the element makes its first peer.
  void loadLib();
  call = document.createElement('rtc-call');
  call.peerFactory = timedPeer;
  call.setAttribute('room', room);
  call.setAttribute('name', name);
  call.setAttribute('autojoin', '');
  document.body.append(call);
  mark('attached');
  const root = call.shadowRoot;
  const scan = () => {
    for (const tile of root.querySelectorAll(REMOTE_TILES)) {
      const video = tile.querySelector('video');
      const key = tile.getAttribute('data-peer-id') ?? tile.querySelector('[part~="name"]')?.textContent.trim();
      if (video && key) watchVideo(key, video);
    }
  };
  new MutationObserver(scan).observe(root, { childList: true, subtree: true });
  scan();
}

/** Resolves once the element is in the call. */
function joined(timeout = 20_000) {
  return new Promise((resolve) => {
    const deadline = performance.now() + timeout;
    const check = () => {
      if (call?.phase === 'in-call' || call?.phase === 'error' || performance.now() > deadline) resolve(call?.phase);
      else setTimeout(check, 10);
    };
    check();
  });
}

/**
 * t0: a hand-written PeerJS client starts. getUserMedia and the Peer open side by side; once
 * both are there it calls every id in `dial` with its camera and microphone. It answers every
 * call with them, and shows its own preview and every remote video, as a call page would.
 * Resolves when its peer is open and its media is there.
 */
async function raw({ id, dial = [], data = false }) {
  await loadLib();
  start();
  const grid = document.createElement('div');
  grid.className = 'raw';
  document.body.append(grid);
  const media = navigator.mediaDevices.getUserMedia(CONSTRAINTS);
  const peer = timedPeer(id, peerOptions());
  const opened = new Promise((resolve, reject) => {
    peer.on('open', resolve);
    peer.on('error', reject);
  });
  const show = (key, stream, muted = false) => {
    const video = document.createElement('video');
    Object.assign(video, { autoplay: true, playsInline: true, muted, srcObject: stream });
    grid.append(video);
    if (!muted) watchVideo(key, video);
  };
  const shown = new Set();
  const onStream = (key) => (stream) => {
    if (shown.has(key)) return;
    shown.add(key);
    show(key, stream);
  };
  // With `data`, a data connection per pair beside the call, pinged every second as the mesh is.
  const link = (c) => c.on('open', () => setInterval(() => c.open && c.send('{"v":1,"t":"ping"}'), 1_000));
  if (data) peer.on('connection', link);
  peer.on('call', async (c) => {
    c.answer(await media);
    c.on('stream', onStream(c.peer));
  });
  const [stream] = await Promise.all([media, opened]);
  for (const other of dial) {
    peer.call(other, stream).on('stream', onStream(other));
    if (data) link(peer.connect(other, { serialization: 'raw', reliable: true }));
  }
  show('local', stream, true);
  window.rawPeer = peer;
}

/**
 * t0: the element's session joins, without the element: the same protocol, devices asked for
 * as the element asks, every remote stream in a plain video as on the raw page.
 */
async function session({ room, name }) {
  const { RoomSession, parseServerUrl } = await loadLib();
  start();
  const grid = document.createElement('div');
  grid.className = 'raw';
  document.body.append(grid);
  const s = new RoomSession({ room, name, server: parseServerUrl(`${location.origin}/peerjs`), iceServers: [], peerFactory: timedPeer });
  const shown = new Map();
  const show = () => {
    for (const { id, stream } of s.participants) {
      if (!stream || shown.get(id) === stream) continue;
      shown.set(id, stream);
      const video = document.createElement('video');
      Object.assign(video, { autoplay: true, playsInline: true, srcObject: stream });
      grid.append(video);
      watchVideo(id, video);
    }
  };
  for (const e of ['participant-joined', 'participant-updated']) s.on(e, show);
  const media = navigator.mediaDevices.getUserMedia(CONSTRAINTS);
  s.expectMedia();
  const joined = s.join();
  const stream = await media;
  s.enableMedia(stream);
  const video = document.createElement('video');
  Object.assign(video, { autoplay: true, playsInline: true, muted: true, srcObject: stream });
  grid.append(video);
  await joined;
}

window.bench = {
  ready: true,
  idle,
  attach,
  joined,
  phase: () => call?.phase,
  raw,
  session,
  waitFrames,
  frames: () => Object.fromEntries(frames),
  mark,
  marks: allMarks,
  startedAt,
  watchLongTasks,
};
