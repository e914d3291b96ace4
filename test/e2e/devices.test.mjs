// Real Chromium launches without the fake camera, with camera and microphone permission denied,
// and on a page that is not a secure context: each visitor still joins (receive-only), sees the
// others, and is told why, in the element and as rtc-error.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import puppeteer from 'puppeteer-core';
import { createRtcServer } from '../../server/index.js';

const executablePath = process.env.CHROME_PATH || '/usr/bin/chromium';
const common = [
  '--no-sandbox',
  '--disable-gpu',
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];
const fakeDevices = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

const seen = () => {
  const call = document.querySelector('rtc-call');
  const tiles = [...call.shadowRoot.querySelectorAll('[part~="tile"]:not([part~="local-tile"])')];
  return {
    phase: call.phase,
    notices: [...call.shadowRoot.querySelectorAll('[part~="notice"]')].map((n) => n.textContent.trim()),
    errors: (window.rtcErrors ?? []).map((e) => e.type),
    withVideo: tiles
      .filter((t) => {
        const v = t.querySelector('video');
        return v && v.readyState >= 2 && v.videoWidth > 0;
      })
      .map((t) => t.querySelector('[part~="name"]').textContent.trim()),
  };
};

async function until(page, check, what, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await page.evaluate(seen);
    if (check(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`${what}; the page shows ${JSON.stringify(last)}`);
}

describe('visitors whose camera and microphone cannot be used', () => {
  let server;
  let port;
  const browsers = [];

  before(async () => {
    server = createRtcServer({ host: '127.0.0.1', port: 0 });
    ({ port } = await server.listen());
  });
  after(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server.close();
  });

  async function open(args, url, name) {
    const browser = await puppeteer.launch({ executablePath, headless: true, args: [...common, ...args] });
    browsers.push(browser);
    const page = await browser.newPage();
    await page.evaluateOnNewDocument((n) => {
      localStorage.setItem('rtc-demo-name', n);
      window.rtcErrors = [];
      addEventListener('rtc-error', (e) => window.rtcErrors.push(e.detail), true);
    }, name);
    await page.goto(url);
    await page.evaluate(() => document.querySelector('rtc-call').shadowRoot.querySelector('[part~="join-button"]').click());
    return page;
  }

  const cases = [
    ['has no camera or microphone', [], 'localhost', 'media-missing', 'No camera and microphone was found'],
    ['denies the permission', [...fakeDevices.slice(0, 1), '--deny-permission-prompts'], 'localhost', 'media-denied', 'is blocked'],
    [
      'is on a page that is not a secure context',
      [...fakeDevices, '--host-resolver-rules=MAP insecure.test 127.0.0.1'],
      'insecure.test',
      'insecure-context',
      'not served over https://',
    ],
  ];
  for (const [label, args, host, type, text] of cases) {
    it(`lets a visitor who ${label} join receive-only and says why`, async () => {
      const room = `devices-${type}`;
      const host1 = await open(fakeDevices, `http://localhost:${port}/?room=${room}`, 'Camera');
      const visitor = await open(args, `http://${host}:${port}/?room=${room}`, 'Visitor');
      const state = await until(visitor, (s) => s.phase === 'in-call' && s.withVideo.includes('Camera'), 'the visitor does not see the other participant');
      assert.ok(state.errors.includes(type), `rtc-error types ${state.errors}`);
      assert.ok(state.notices.some((n) => n.includes(text) && n.includes('see and hear the others')), `notices: ${state.notices}`);
      await until(host1, (s) => s.phase === 'in-call', 'the other participant is not in the call');
      const names = await host1.evaluate(() => document.querySelector('rtc-call').participants.map((p) => p.name));
      assert.deepEqual(names, ['Visitor']);
    });
  }
});
