// Chromium flags shared by the browser tests (web-test-runner.config.mjs) and the end-to-end
// tests (test/e2e): calls without a person in front of the screen, and nothing that phones home.
export const chromePath = process.env.CHROME_PATH || '/usr/bin/chromium';

export const chromeArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // A page without camera permission hides its host candidates behind mDNS names, which only
  // multicast DNS resolves; the loopback-only namespace of the tests has none.
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  // Participants run side by side in background pages; keep their timers and media running.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  // gc(), for the tests that check that a transfer survives garbage collection.
  '--js-flags=--expose-gc',
];

/** A fake camera and microphone, granted without a prompt. */
export const fakeDeviceArgs = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];
