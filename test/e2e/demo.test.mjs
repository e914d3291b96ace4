// A newcomer's path, end to end: rtc-server serves the built bundle and the demo; two separate
// browser contexts (two visitors) open the demo, press Join and see each other; a page on
// another origin embeds the bundle with one script tag and one element, and joins too; a tab
// that slept in the background comes back into the call.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import puppeteer from 'puppeteer-core';
import { createRtcServer } from '../../server/index.js';
import { chromeArgs, chromePath, fakeDeviceArgs } from '../chrome.mjs';
import { pressJoin, seen, until } from './page.mjs';

describe('the demo, as a newcomer uses it', () => {
  let server;
  let base;
  let browser;
  let embedder;
  let embedderUrl;

  before(async () => {
    server = createRtcServer({ host: '127.0.0.1', port: 0 });
    ({ url: base } = await server.listen());
    // Another website: its own origin, loading the bundle from rtc-server with a script tag.
    embedder = http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html lang="en"><title>Embedder</title>
        <script type="module" src="${base}/rtc-elements.js"></script>
        <rtc-call room="e2e-embed" name="Embedded" autojoin></rtc-call></html>`);
    });
    embedder.listen(0, '127.0.0.1');
    await once(embedder, 'listening');
    embedderUrl = `http://localhost:${embedder.address().port}/`;
    browser = await puppeteer.launch({
      executablePath: chromePath,
      headless: true,
      args: [...chromeArgs, ...fakeDeviceArgs],
    });
  });

  after(async () => {
    await browser?.close();
    embedder?.close();
    await server?.close();
  });

  async function visitor(path, name) {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error));
    // rtc-server's pages allow no inline styles: nothing the elements draw may need one.
    page.on('console', (message) => message.type() === 'error' && message.text().includes('Content Security Policy') && errors.push(message.text()));
    // Nothing the demo loads is missing (a 404 shows as an error in every visitor's console).
    page.on('response', (response) => response.status() >= 400 && errors.push(`${response.status()} ${response.url()}`));
    await page.evaluateOnNewDocument((n) => localStorage.setItem('rtc-demo-name', n), name);
    await page.goto(new URL(path, `${base}/`).href);
    return { page, context, errors };
  }

  it('two tabs of the demo join the same room and see each other; a closed tab disappears within 5 s', async () => {
    const ada = await visitor('/?room=e2e-demo', 'Ada');
    const bob = await visitor('/?room=e2e-demo', 'Bob');
    assert.equal((await ada.page.evaluate(seen)).phase, 'idle', 'the demo waits for the Join button');
    await pressJoin(ada.page);
    await pressJoin(bob.page);
    await until(ada.page, (s) => s.withVideo.join() === 'Bob', 'Ada does not see Bob');
    await until(bob.page, (s) => s.withVideo.join() === 'Ada', 'Bob does not see Ada');

    await bob.context.close();
    await until(ada.page, (s) => s.names.length === 0, "Bob's tile stayed after his tab closed", 5_000);
    assert.deepEqual([...ada.errors, ...bob.errors], []);
    await ada.context.close();
  });

  it('a tab asleep for longer than the room waits (a phone with the page in the background) is back in the call once it wakes', async () => {
    const [ada, bob, cy] = [await visitor('/?room=e2e-asleep', 'Ada'), await visitor('/?room=e2e-asleep', 'Bob'), await visitor('/?room=e2e-asleep', 'Cy')];
    for (const v of [ada, bob, cy]) await pressJoin(v.page);
    await until(ada.page, (s) => s.withVideo.join() === 'Bob,Cy', 'Ada does not see Bob and Cy');
    await until(bob.page, (s) => s.withVideo.join() === 'Ada,Cy', 'Bob does not see Ada and Cy');
    await until(cy.page, (s) => s.withVideo.join() === 'Ada,Bob', 'Cy does not see Ada and Bob');
    // The page that embeds the call is told the id it is known by, again when it changes.
    const firstId = await ada.page.evaluate(() => {
      const call = document.querySelector('rtc-call');
      window.joinedIds = [];
      call.addEventListener('rtc-joined', (e) => window.joinedIds.push(e.detail.id));
      return call.peerId;
    });
    // Frozen as a browser freezes a page in the background: no task runs, its sockets close.
    const cdp = await ada.page.createCDPSession();
    await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
    // The others hear nothing from Ada for 20 s and let her go.
    await until(bob.page, (s) => s.names.join() === 'Cy', 'Bob still shows Ada', 30_000);
    await until(cy.page, (s) => s.names.join() === 'Bob', 'Cy still shows Ada', 10_000);
    await cdp.send('Page.setWebLifecycleState', { state: 'active' });
    // Awake, and shown again as a phone's page is when it wakes: Chromium leaves a page it froze
    // hidden (document.visibilityState) once it runs again, and a hidden call receives no cameras.
    await ada.page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await until(ada.page, (s) => s.withVideo.join() === 'Bob,Cy', 'Ada is not back with Bob and Cy', 15_000);
    await until(bob.page, (s) => s.withVideo.join() === 'Ada,Cy', 'Bob does not see Ada again', 5_000);
    await until(cy.page, (s) => s.withVideo.join() === 'Ada,Bob', 'Cy does not see Ada again', 5_000);
    await until(ada.page, (s) => s.notices.length === 0, 'Ada still shows a notice', 5_000);
    const ids = await ada.page.evaluate(() => ({ told: window.joinedIds, now: document.querySelector('rtc-call').peerId }));
    assert.notEqual(ids.now, firstId, 'Ada is back under a fresh id');
    assert.deepEqual(ids.told, [ids.now], 'the page was told the fresh id once');
    assert.deepEqual([...ada.errors, ...bob.errors, ...cy.errors], []);
    for (const v of [ada, bob, cy]) await v.context.close();
  });

  it('a page on another origin embeds the bundle and joins with no server attribute', async () => {
    const host = await visitor('/?room=e2e-embed', 'Host');
    await pressJoin(host.page);
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.goto(embedderUrl);
    await until(page, (s) => s.withVideo.join() === 'Host', 'the embedded call does not see the demo visitor');
    await until(host.page, (s) => s.withVideo.join() === 'Embedded', 'the demo visitor does not see the embedded call');
    await context.close();
    await host.context.close();
  });
});
