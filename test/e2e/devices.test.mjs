// Real Chromium launches without the fake camera, with camera and microphone permission denied,
// and on a page that is not a secure context: each visitor still joins (receive-only), sees the
// others, and is told why, in the element and as rtc-error.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeDeviceArgs } from '../chrome.mjs';
import { localServer } from './local-server.mjs';
import { pressJoin, seen, until } from './page.mjs';

describe('visitors whose camera and microphone cannot be used', () => {
  const local = localServer();

  async function open(args, url, name) {
    const browser = await local.launch(args);
    const page = await browser.newPage();
    await page.evaluateOnNewDocument((n) => {
      localStorage.setItem('rtc-demo-name', n);
      window.rtcErrors = [];
      addEventListener('rtc-error', (e) => window.rtcErrors.push(e.detail), true);
    }, name);
    await page.goto(url);
    await pressJoin(page);
    return page;
  }

  const cases = [
    ['has no camera or microphone', [], 'localhost', 'media-missing', 'No camera and microphone was found'],
    ['denies the permission', [...fakeDeviceArgs.slice(0, 1), '--deny-permission-prompts'], 'localhost', 'media-denied', 'is blocked'],
    [
      'is on a page that is not a secure context',
      [...fakeDeviceArgs, '--host-resolver-rules=MAP insecure.test 127.0.0.1'],
      'insecure.test',
      'insecure-context',
      'not served over https://',
    ],
  ];
  for (const [label, args, host, type, text] of cases) {
    it(`lets a visitor who ${label} join receive-only and says why`, async () => {
      const room = `devices-${type}`;
      const host1 = await open(fakeDeviceArgs, `http://localhost:${local.port}/?room=${room}`, 'Camera');
      const visitor = await open(args, `http://${host}:${local.port}/?room=${room}`, 'Visitor');
      const state = await until(visitor, (s) => s.phase === 'in-call' && s.withVideo.includes('Camera'), 'the visitor does not see the other participant');
      assert.ok(state.errors.includes(type), `rtc-error types ${state.errors}`);
      assert.ok(state.notices.some((n) => n.includes(text) && n.includes('see and hear the others')), `notices: ${state.notices}`);
      await until(host1, (s) => s.phase === 'in-call' && s.names.includes('Visitor'), 'the other participant does not see the visitor').catch(async (error) => {
        // What the visitor shows by then, for the failure's message.
        error.message += `; the visitor's page shows ${JSON.stringify(await visitor.evaluate(seen))}`;
        throw error;
      });
      const names = await host1.evaluate(() => document.querySelector('rtc-call').participants.map((p) => p.name));
      assert.deepEqual(names, ['Visitor']);
    });
  }

  it('tells a visitor on a page that is not a secure context that a room with a password cannot open there, and only that', async () => {
    const browser = await local.launch([...fakeDeviceArgs, '--host-resolver-rules=MAP insecure.test 127.0.0.1']);
    const page = await browser.newPage();
    await page.evaluateOnNewDocument(() => {
      window.rtcErrors = [];
      addEventListener('rtc-error', (e) => window.rtcErrors.push(e.detail), true);
    });
    await page.goto(`http://insecure.test:${local.port}/?room=devices-password`);
    await page.evaluate(() => (document.querySelector('rtc-call').password = 'secret'));
    await pressJoin(page);
    const shown = () => {
      const call = document.querySelector('rtc-call');
      return {
        phase: call.phase,
        notices: [...call.shadowRoot.querySelectorAll('[part~="notice"]')].map((n) => n.textContent.trim()),
        errors: window.rtcErrors.map((e) => e.type),
        fatal: window.rtcErrors.map((e) => e.fatal),
        error: call.shadowRoot.querySelector('[part~="error"]')?.textContent.trim() ?? '',
      };
    };
    const state = await until(page, (s) => s.phase === 'error', 'the join is not refused', 20_000, shown);
    assert.match(state.error, /password need a secure page/);
    assert.deepEqual(state.errors, ['insecure-context']);
    assert.deepEqual(state.fatal, [true]);
    assert.ok(!state.notices.some((n) => n.includes('see and hear the others')), `notices: ${state.notices}`);
  });
});
