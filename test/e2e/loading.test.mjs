// The built script-tag bundle as an embedding site meets it: rtc-elements.js loads the lobby,
// and the chunks a join needs come from the script's own origin (another origin than the
// page's), only when an element joins. A chunk that cannot be fetched is an error the visitor
// reads, never an endless "Joining…". The bundle is served here by a plain static server with
// CORS, so this checks the bundle, not rtc-server's routes; rtc-server is the PeerServer.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { createRtcServer } from '../../server/index.js';
import { chromeArgs, chromePath, fakeDeviceArgs } from '../chrome.mjs';
import { serveBundle, servePages } from './origins.mjs';
import { until } from './page.mjs';

const NONCE = 'bm9uY2U';

describe('loading the script-tag bundle', () => {
  let rtc;
  let peerServer;
  let bundleServer;
  let bundleBase;
  let hold;
  let spoil;
  let pages;
  let pagesBase;
  let browser;
  const html = new Map();

  before(async () => {
    rtc = createRtcServer({ host: '127.0.0.1', port: 0 });
    ({ url: peerServer } = await rtc.listen());
    ({ server: bundleServer, base: bundleBase, hold, spoil } = await serveBundle());
    ({ server: pages, base: pagesBase } = await servePages(html));
    browser = await puppeteer.launch({ executablePath: chromePath, headless: true, args: [...chromeArgs, ...fakeDeviceArgs] });
  });

  after(async () => {
    await browser?.close();
    pages?.close();
    bundleServer?.closeAllConnections();
    bundleServer?.close();
    await rtc?.close();
  });

  /**
   * Opens a page with `body` after the script tag; counts RTCPeerConnections, rtc-error types and
   * Content-Security-Policy violations. With `csp`, the page is served with that policy, and the
   * script tag carries the nonce `NONCE`. `log` keeps what became of the page's requests for the
   * chunks, and its errors, with the time since it opened: for the message of a test that fails.
   */
  async function open(path, body, { block, csp, lang = 'en' } = {}) {
    html.set(path, {
      body: `<!doctype html><html lang="${lang}"><title>Embedder</title>
      <script type="module" nonce="${NONCE}" src="${bundleBase}/rtc-elements.js"></script>${body}</html>`,
      headers: csp ? { 'Content-Security-Policy': csp } : {},
    });
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    const opened = Date.now();
    const log = [];
    const note = (what) => log.push(`${Date.now() - opened} ms ${what}`);
    const chunk = (r) => r.url().startsWith(bundleBase) && r.url().slice(bundleBase.length);
    page.on('request', (r) => chunk(r) && note(`asked ${chunk(r)}`));
    page.on('requestfinished', (r) => chunk(r) && note(`came ${chunk(r)} ${r.response()?.status()}`));
    page.on('requestfailed', (r) => chunk(r) && note(`failed ${chunk(r)} ${r.failure()?.errorText}`));
    page.on('pageerror', (e) => note(`page error ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && note(`console ${m.text()}`));
    if (block) {
      await page.setRequestInterception(true);
      page.on('request', (r) => (block.test(r.url()) ? r.abort('internetdisconnected') : r.continue()));
    }
    await page.evaluateOnNewDocument(() => {
      window.rtcErrors = [];
      addEventListener('rtc-error', (e) => window.rtcErrors.push(e.detail), true);
      window.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
      window.peerConnections = 0;
      const Native = window.RTCPeerConnection;
      window.RTCPeerConnection = class extends Native {
        constructor(...args) {
          super(...args);
          window.peerConnections++;
        }
      };
    });
    await page.goto(`${pagesBase}${path}`);
    return { page, context, requests, log };
  }

  /** Runs in the page (serialised: no closure). */
  const state = () => {
    const el = document.querySelector('rtc-call, rtc-chat');
    return {
      phase: el?.phase,
      error: el?.shadowRoot?.querySelector('[part~="error"]')?.textContent.trim(),
      errors: window.rtcErrors,
      peerConnections: window.peerConnections,
    };
  };

  it('shows the lobby without the chunks a join needs and without an RTCPeerConnection; Join loads them from the script\'s origin', async () => {
    const { page, context, requests } = await open('/lobby', `<rtc-call room="e2e-lobby" server="${peerServer}/peerjs" audio-only></rtc-call>`);
    await page.waitForFunction(() => document.querySelector('rtc-call')?.shadowRoot?.querySelector('[part~="join-button"]'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await page.evaluate(() => window.peerConnections), 0);
    assert.deepEqual(requests.filter((u) => u.startsWith(bundleBase)), [`${bundleBase}/rtc-elements.js`]);
    await page.evaluate(() => document.querySelector('rtc-call').shadowRoot.querySelector('[part~="join-button"]').click());
    await until(page, (s) => s.phase === 'in-call', 'the call did not join', 20_000, state);
    assert.ok(requests.some((u) => u.startsWith(`${bundleBase}/rtc-elements-session-`)), 'the session chunk came from the script\'s origin');
    assert.ok(!requests.some((u) => u.includes('rtc-elements-chat-')), 'a call alone needs no chat chunk');
    await context.close();
  });

  it('a call whose page names its own ICE servers joins without asking its server for them', async () => {
    const { page, context, requests } = await open('/own-ice', `<rtc-call room="e2e-own-ice" server="${peerServer}/peerjs" ice-servers="[]" audio-only autojoin></rtc-call>`);
    await until(page, (s) => s.phase === 'in-call', 'the call did not join', 20_000, state);
    assert.ok(!requests.some((u) => u.endsWith('/ice-servers')), 'the ICE servers were asked for');
    await context.close();
  });

  it('loaded twice (the script tag and a copy that a bundle imports) keeps the first, and the page\'s own script runs on', async () => {
    const { page, context } = await open(
      '/twice',
      `<script type="module">import '${bundleBase}/rtc-elements.js?copy=2'; window.appRan = true;</script>
      <rtc-call room="e2e-twice" server="${peerServer}/peerjs" audio-only></rtc-call>`,
    );
    const failures = [];
    page.on('pageerror', (e) => failures.push(e.message));
    await page.waitForFunction(() => window.appRan === true, { timeout: 10_000 }).catch(() => {});
    assert.deepEqual(failures, []);
    assert.equal(await page.evaluate(() => window.appRan), true, "the page's own module ran");
    await page.waitForFunction(() => document.querySelector('rtc-call')?.shadowRoot?.querySelector('[part~="join-button"]'));
    await context.close();
  });

  for (const tag of ['rtc-call', 'rtc-chat']) {
    it(`<${tag}> whose chunk cannot be fetched says so and fires rtc-error (network)`, async () => {
      const { page, context } = await open(
        `/offline-${tag}`,
        `<${tag} room="e2e-offline" server="${peerServer}/peerjs" ${tag === 'rtc-call' ? 'autojoin' : ''}></${tag}>`,
        { block: /\/rtc-elements-session-/ },
      );
      const s = await until(page, (s) => s.phase === 'error', 'no error shown', 20_000, state);
      assert.match(s.error, /Could not load/);
      assert.deepEqual(
        s.errors.map((e) => [e.type, e.fatal]),
        [['network', true]],
      );
      assert.equal(s.peerConnections, 0);
      await context.close();
    });
  }

  it('joins a call and a chat on a page with the strict Content-Security-Policy that docs/hosting.md gives', async () => {
    // docs/hosting.md, "Your page's Content-Security-Policy", with default-src 'none' so that
    // anything else the elements needed would show as a violation.
    const rtcServer = new URL(peerServer);
    const csp = [
      "default-src 'none'",
      `script-src 'nonce-${NONCE}' ${bundleBase}`,
      "style-src 'self'",
      `connect-src ${rtcServer.origin} ws://${rtcServer.host}`,
      "img-src blob:",
      "require-trusted-types-for 'script'",
      'trusted-types lit-html',
    ].join('; ');
    const room = `room="e2e-csp" server="${peerServer}/peerjs"`;
    const strict = await open('/csp', `<rtc-call ${room} name="Ada" autojoin></rtc-call><rtc-chat ${room} name="Ada"></rtc-chat>`, { csp, lang: 'de' });
    const plain = await open('/plain', `<rtc-call ${room} name="Bob" autojoin></rtc-call><rtc-chat ${room} name="Bob"></rtc-chat>`);
    const seenHere = () => {
      const call = document.querySelector('rtc-call');
      const chat = document.querySelector('rtc-chat');
      return {
        call: call.phase,
        chat: chat.phase,
        videos: [...call.shadowRoot.querySelectorAll('video[part~="remote-video"]')].filter((v) => v.videoWidth > 0).length,
        messages: [...chat.shadowRoot.querySelectorAll('[part~="message"]')].map((m) => m.textContent),
        german: call.shadowRoot.textContent.includes('im Anruf'),
        errors: window.rtcErrors.map((e) => e.type),
        violations: window.violations,
      };
    };
    await until(strict.page, (s) => s.call === 'in-call' && s.videos === 1 && s.chat === 'joined', 'the strict page did not join and see Bob', 20_000, seenHere);
    await until(plain.page, (s) => s.chat === 'joined', 'Bob did not join the chat', 20_000, seenHere);
    await plain.page.evaluate(() => document.querySelector('rtc-chat').send('hello under a policy'));
    const s = await until(strict.page, (s) => s.messages.some((m) => m.includes('hello under a policy')) && s.german, 'the message or the German texts did not come', 20_000, seenHere);
    assert.deepEqual(s.violations, [], 'nothing the policy refused');
    assert.deepEqual(s.errors, []);
    await strict.context.close();
    await plain.context.close();
  });

  it('a Content-Security-Policy that leaves the call server out of connect-src is named at once, not "did not answer" after 10 s', async () => {
    const rtcServer = new URL(peerServer);
    // The ICE servers may be fetched; the WebSocket is refused.
    const csp = `connect-src ${rtcServer.origin}/ice-servers`;
    const { page, context } = await open('/csp-server', `<rtc-chat room="e2e-csp-server" server="${peerServer}/peerjs"></rtc-chat>`, { csp });
    const started = Date.now();
    const s = await until(page, (s) => s.phase === 'error', 'no error shown', 20_000, state);
    assert.ok(Date.now() - started < 8_000, `the policy was named after ${Date.now() - started} ms`);
    assert.match(s.error, /Content-Security-Policy does not allow connecting to the call server \(connect-src\)/);
    assert.deepEqual(
      s.errors.map((e) => [e.type, e.fatal]),
      [['network', true]],
    );
    await context.close();
  });

  it('a chunk that does not come (a server that stalls) is an error within 20 s, not an endless "Joining…"; Try again joins once it comes', async () => {
    const release = hold(/^rtc-elements-session-/);
    const { page, context, log } = await open(
      '/stalled',
      `<rtc-call room="e2e-stalled" server="${peerServer}/peerjs" audio-only autojoin></rtc-call>
      <rtc-chat room="e2e-stalled" server="${peerServer}/peerjs"></rtc-chat>`,
    );
    const both = () =>
      ['rtc-call', 'rtc-chat'].map((tag) => {
        const el = document.querySelector(tag);
        return { phase: el?.phase, error: el?.shadowRoot?.querySelector('[part~="error"]')?.textContent.trim(), errors: window.rtcErrors.map((e) => [e.type, e.fatal]) };
      });
    try {
      const started = Date.now();
      const [call, chat] = await until(page, (s) => s.every((e) => e.phase === 'error'), 'still joining', 30_000, both);
      assert.ok(Date.now() - started >= 15_000, 'a slow chunk has time to come');
      assert.match(call.error, /Could not load/);
      assert.match(chat.error, /Could not load/);
      assert.deepEqual(call.errors, [['network', true], ['network', true]], 'one rtc-error from each element');
    } finally {
      release();
    }
    await page.evaluate(() => {
      for (const el of document.querySelectorAll('rtc-call, rtc-chat')) el.shadowRoot.querySelector('[part~="join-button"], [part~="retry-button"]').click();
    });
    const [call] = await until(page, ([c, h]) => c.phase === 'in-call' && h.phase === 'joined', () => `Try again did not join (${log.join('; ')})`, 20_000, both);
    assert.equal(call.errors.length, 2, 'no further rtc-error');
    await context.close();
  });

  // A chunk that fails once and comes the next time: a network blip (a 503), or a Wi-Fi login page
  // or proxy that answers in its place with HTML labelled as JavaScript. The browser keeps a module
  // that failed to parse for the page's lifetime, so the next try must ask for the chunk under
  // another URL; a language's chunk is asked for again by itself. Nothing here reloads the page.
  describe('a chunk that fails once loads the next time', () => {
    /** Runs in the page: each element's phase, error panel, main button's words, and the rtc-errors. */
    const seen = () =>
      [...document.querySelectorAll('rtc-call, rtc-chat')].map((el) => ({
        phase: el.phase,
        error: el.shadowRoot?.querySelector('[part~="error"]')?.textContent.trim(),
        button: el.shadowRoot?.querySelector('[part~="join-button"]')?.textContent.trim(),
        errors: window.rtcErrors.map((e) => [e.type, e.fatal]),
      }));

    const tryAgain = (page) =>
      page.evaluate(() => {
        for (const el of document.querySelectorAll('rtc-call, rtc-chat')) el.shadowRoot.querySelector('[part~="join-button"], [part~="retry-button"]').click();
      });

    for (const how of ['unavailable', 'html']) {
      it(`a German page whose German texts came as ${how === 'html' ? 'a login page' : 'a 503'} speaks German a few seconds later, without a reload`, async () => {
        spoil(/^\/rtc-elements-lang-de-/, how);
        const { page, context, requests } = await open(`/de-${how}`, `<rtc-call room="e2e-again-de" server="${peerServer}/peerjs" audio-only></rtc-call>`, { lang: 'de' });
        await until(page, ([call]) => call.button === 'Join call', 'the lobby did not show (in English meanwhile)', 10_000, seen);
        await until(page, ([call]) => call.button === 'Anruf beitreten', 'the German texts never came', 20_000, seen);
        assert.equal(requests.filter((u) => u.startsWith(`${bundleBase}/rtc-elements-lang-de-`)).length, 2, 'asked for twice');
        await context.close();
      });
    }

    it('<rtc-call> whose session chunk came as a login page joins with Try again, without a reload', async () => {
      spoil(/^\/rtc-elements-session-/, 'html');
      const { page, context, requests } = await open('/call-login', `<rtc-call room="e2e-again-call" server="${peerServer}/peerjs" audio-only autojoin></rtc-call>`);
      const [failed] = await until(page, ([call]) => call.phase === 'error', 'no error shown', 20_000, seen);
      assert.match(failed.error, /Could not load/);
      await tryAgain(page);
      const [call] = await until(page, ([call]) => call.phase === 'in-call', 'Try again did not join', 20_000, seen);
      assert.deepEqual(call.errors, [['network', true]], 'one rtc-error, for the first try');
      assert.deepEqual(
        requests.filter((u) => u.startsWith(`${bundleBase}/rtc-elements-session-`)).map((u) => u.slice(bundleBase.length + 1).replace(/-[\w-]{8}\.js/, '.js')),
        ['rtc-elements-session.js', 'rtc-elements-session.js?retry=1'],
      );
      await context.close();
    });

    it('<rtc-call> whose own chunk came as a login page joins with Try again, and shows its stage at the first render in the call', async () => {
      spoil(/^\/rtc-elements-call-/, 'html');
      const { page, context, requests } = await open('/call-ui-login', `<rtc-call room="e2e-again-call-ui" server="${peerServer}/peerjs" audio-only autojoin></rtc-call>`);
      const [failed] = await until(page, ([call]) => call.phase === 'error', 'no error shown', 20_000, seen);
      assert.match(failed.error, /Could not load/);
      // rtc-joined comes as the phase turns to in-call: the render that follows is the first in the call.
      await page.evaluate(() => {
        const el = document.querySelector('rtc-call');
        const shown = () => ['grid', 'controls'].map((name) => !!el.shadowRoot.querySelector(`[part~="${name}"]`));
        el.addEventListener('rtc-joined', () => el.updateComplete.then(() => (window.firstInCall = shown())), { once: true });
      });
      await tryAgain(page);
      const [call] = await until(page, ([call]) => call.phase === 'in-call', 'Try again did not join', 20_000, seen);
      assert.deepEqual(call.errors, [['network', true]], 'one rtc-error, for the first try');
      await page.waitForFunction(() => window.firstInCall, { timeout: 5_000 });
      assert.deepEqual(await page.evaluate(() => window.firstInCall), [true, true], 'the stage and the controls at the first render in the call');
      const asked = (name) => requests.filter((u) => u.startsWith(`${bundleBase}/rtc-elements-${name}-`)).map((u) => u.slice(bundleBase.length + 1).replace(/-[\w-]{8}\.js/, '.js'));
      assert.deepEqual(asked('call'), ['rtc-elements-call.js', 'rtc-elements-call.js?retry=1']);
      assert.deepEqual(asked('session'), ['rtc-elements-session.js'], 'the session chunk, which came, is not asked for again');
      await context.close();
    });

    it('<rtc-chat> whose chat chunk came as a login page joins with Try again', async () => {
      spoil(/^\/rtc-elements-chat-/, 'html');
      const { page, context, requests } = await open('/chat-login', `<rtc-chat room="e2e-again-chat" server="${peerServer}/peerjs"></rtc-chat>`);
      const [failed] = await until(page, ([chat]) => chat.phase === 'error', 'no error shown', 20_000, seen);
      assert.match(failed.error, /Could not load/);
      await tryAgain(page);
      const [chat] = await until(page, ([chat]) => chat.phase === 'joined', 'Try again did not join', 20_000, seen);
      assert.deepEqual(chat.errors, [['network', true]]);
      // The session's chunk loaded the first time: the chat's, under its new URL, takes that one.
      assert.equal(requests.filter((u) => u.startsWith(`${bundleBase}/rtc-elements-session-`)).length, 1, 'one session layer');
      await context.close();
    });

    // The chat's chunk needs the session's: it must take the one the page has (under whichever URL
    // loaded), never the plain URL that failed to parse, nor a second copy of one that ran.
    it('<rtc-chat> and <rtc-call> whose session chunk came as a login page both join with Try again, without a reload', async () => {
      spoil(/^\/rtc-elements-session-/, 'html');
      const { page, context, requests } = await open(
        '/chat-session-login',
        `<rtc-call room="e2e-again-session" server="${peerServer}/peerjs" audio-only autojoin></rtc-call>
        <rtc-chat room="e2e-again-session" server="${peerServer}/peerjs"></rtc-chat>`,
      );
      const failed = await until(page, (els) => els.every((el) => el.phase === 'error'), 'no error shown', 20_000, seen);
      failed.forEach((el) => assert.match(el.error, /Could not load/));
      await tryAgain(page);
      const [, chat] = await until(page, ([call, chat]) => call.phase === 'in-call' && chat.phase === 'joined', 'Try again did not join both', 20_000, seen);
      assert.deepEqual(chat.errors, [['network', true], ['network', true]], 'one rtc-error from each element, for the first try');
      assert.deepEqual(
        requests.filter((u) => u.startsWith(`${bundleBase}/rtc-elements-session-`)).map((u) => u.slice(bundleBase.length + 1).replace(/-[\w-]{8}\.js/, '.js')),
        ['rtc-elements-session.js', 'rtc-elements-session.js?retry=1'],
        'one session layer',
      );
      await context.close();
    });

    it('<rtc-chat> whose session chunk came as a login page joins with Try again, without a reload', async () => {
      spoil(/^\/rtc-elements-session-/, 'html');
      const { page, context } = await open('/chat-alone-session-login', `<rtc-chat room="e2e-again-chat-session" server="${peerServer}/peerjs"></rtc-chat>`);
      await until(page, ([chat]) => chat.phase === 'error', 'no error shown', 20_000, seen);
      await tryAgain(page);
      await until(page, ([chat]) => chat.phase === 'joined', 'Try again did not join', 20_000, seen);
      await context.close();
    });

    it('<rtc-chat> whose chat chunk could not fetch the session\'s (a 503) joins with Try again', async () => {
      // The browser keeps a module whose own import() failed as failed, whatever the failure was.
      // The session's chunk fails for the element; fetched again by the chat's chunk, held until then, it fails there too.
      spoil(/^\/rtc-elements-session-/, 'unavailable');
      spoil(/^\/rtc-elements-session-/, 'unavailable');
      const release = hold(/^rtc-elements-chat-/);
      const { page, context, requests } = await open('/chat-session-503', `<rtc-chat room="e2e-again-chat-503" server="${peerServer}/peerjs"></rtc-chat>`);
      const sessionAsked = () => requests.filter((u) => u.includes('/rtc-elements-session-')).length;
      try {
        await until(page, ([chat]) => chat.phase === 'error', 'no error shown', 20_000, seen);
      } finally {
        release();
      }
      await until(page, () => sessionAsked() === 2, "the chat's chunk did not ask for the session's", 20_000, () => null);
      // A Try again that comes while the chat's chunk is still failing meets that failure too: a second one may be needed.
      for (let tries = 1; ; tries++) {
        await tryAgain(page);
        const [chat] = await until(page, ([chat]) => chat.phase === 'joined' || chat.phase === 'error', 'Try again did not end', 20_000, seen);
        if (chat.phase === 'joined') break;
        assert.ok(tries < 3, `still "${chat.error}" after ${tries} tries`);
      }
      assert.equal(sessionAsked(), 3, 'the session chunk under its plain URL: one session layer');
      await context.close();
    });

    it('a call whose speaker detection and quality judge did not load gets them a few seconds later, and goes on meanwhile', async () => {
      const room = `room="e2e-again-parts" server="${peerServer}/peerjs" autojoin`;
      const bob = await open('/parts-bob', `<rtc-call ${room} name="Bob"></rtc-call>`);
      const chunk = (name) => (u) => u.startsWith(`${bundleBase}/rtc-elements-${name}-`);
      await until(bob.page, () => bob.requests.some(chunk('speaker')) && bob.requests.some(chunk('quality')), 'Bob did not load them', 20_000, () => null);
      spoil(/^\/rtc-elements-speaker-/, 'html');
      spoil(/^\/rtc-elements-quality-/, 'unavailable');
      const ada = await open('/parts-ada', `<rtc-call ${room} name="Ada"></rtc-call>`);
      /** Runs in the page: the call's phase, whom it shows speaking, and the quality sign on Bob's tile. */
      const parts = () => {
        const call = document.querySelector('rtc-call');
        const tile = [...call.shadowRoot.querySelectorAll('[part~="tile"]')].find((t) => t.querySelector('[part~="name"]')?.textContent.trim() === 'Bob');
        return {
          phase: call.phase,
          withBob: Boolean(tile),
          speaking: call.shadowRoot.querySelector('[part~="speaking-tile"] [part~="name"]')?.textContent.trim() ?? null,
          quality: tile?.querySelector('[part~="quality"]')?.dataset.quality ?? null,
          errors: window.rtcErrors.map((e) => e.type),
        };
      };
      await until(ada.page, (s) => s.phase === 'in-call' && s.withBob, 'Ada did not meet Bob', 20_000, parts);
      await until(ada.page, () => ada.requests.filter(chunk('speaker')).length === 1 && ada.requests.filter(chunk('quality')).length === 1, 'Ada did not ask for them', 20_000, () => null);
      // The fake microphones beep: Ada's page shows who speaks, and how Bob's connection is.
      const s = await until(ada.page, (s) => s.speaking !== null && s.quality !== null, 'no speaker or quality sign came', 30_000, parts);
      assert.equal(s.phase, 'in-call');
      assert.deepEqual(s.errors, []);
      assert.equal(ada.requests.filter(chunk('speaker')).length, 2);
      assert.equal(ada.requests.filter(chunk('quality')).length, 2);
      await ada.context.close();
      await bob.context.close();
    });

    it('a login page in place of a retry is not the end: the next Try again asks anew', async () => {
      spoil(/^\/rtc-elements-session-[\w-]+\.js$/, 'html');
      spoil(/^\/rtc-elements-session-[\w-]+\.js\?retry=1$/, 'html');
      const { page, context } = await open('/call-login-twice', `<rtc-call room="e2e-again-twice" server="${peerServer}/peerjs" audio-only autojoin></rtc-call>`);
      await until(page, ([call]) => call.phase === 'error', 'no error shown', 20_000, seen);
      await tryAgain(page);
      await until(page, ([call]) => call.phase === 'error' && call.errors.length === 2, 'the second try did not fail', 20_000, seen);
      await tryAgain(page);
      await until(page, ([call]) => call.phase === 'in-call', 'the third try did not join', 20_000, seen);
      await context.close();
    });
  });
});

describe('the npm entry', () => {
  it('imports in Node, as a server render would, and leaves the session layer and PeerJS to a chunk of their own', async () => {
    const entry = new URL('../../dist/lib/index.js', import.meta.url);
    const module = await import(entry.href);
    assert.equal(typeof module.RtcCall, 'function');
    assert.equal(typeof module.loadSession, 'function');
    // What a bundler that splits puts in the page's first load.
    const { build } = await import('esbuild');
    const result = await build({ entryPoints: [fileURLToPath(entry)], bundle: true, splitting: true, format: 'esm', outdir: 'out', write: false, metafile: true, logLevel: 'silent' });
    // The entry's own output: each import() target is an entry point of its own too, in no set order.
    const first = Object.values(result.metafile.outputs).find((o) => o.entryPoint?.endsWith('dist/lib/index.js'));
    const inputs = Object.keys(first.inputs);
    assert.ok(inputs.some((i) => i.includes('components/call/call.js')), 'the elements are in the first load');
    assert.deepEqual(inputs.filter((i) => /node_modules\/peerjs|\/session\/room-session\.js/.test(i)), [], 'PeerJS and the session layer are not');
  });
});
