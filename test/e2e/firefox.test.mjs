// Chromium and Firefox in one call: two visitors in different browsers join the same room, in
// either order, and see each other's video (a playing video, not covered by its placeholder,
// for longer than the element's stall check takes to give up on a video), and each is in the
// other's `participants`; each shares a screen with the other. Firefox's stand-in for a frozen
// remote camera is checked too, and each stopping its camera to the other's page while that page
// is in the background. A call of three and four with two and three Firefox pages:
// everyone sees everyone, a Firefox newcomer, a microphone and camera switched off and on, the
// Firefox page holding the beacon leaving, one closed, and the newcomer after them. And in one
// chat: messages both ways, and a file each way at once, checked byte for byte, with a message
// that arrives while they are on their way; in a room with a password, with two Firefox pages,
// a file from Firefox to both others, and a page with another password that does not meet
// them; and a call whose path is down for 10 s (nft drops UDP in the test's namespace), which
// comes back whole, and a file from Firefox that such an outage cuts off, which ends as
// interrupted on both sides. In a room that knocks, each lets the other in.
//
// Firefox gathers no usable ICE candidate in a namespace with only loopback. The test runs only
// where the caller says the network is fit for it, RTC_TEST_FIREFOX_NET=1, as .ci/run sets in a
// sealed namespace that also has a veth pair and a default route leading nowhere:
//   unshare -n sh -c 'ip link set lo up; ip link add v0 type veth peer name v1;
//     ip addr add 10.213.0.1/24 dev v0; ip link set v0 up; ip link set v1 up;
//     ip route add default dev v0; RTC_TEST_FIREFOX_NET=1 node --test test/e2e/firefox.test.mjs'
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { networkInterfaces } from 'node:os';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import puppeteer from 'puppeteer-core';
import { createRtcServer } from '../../server/index.js';
import { chromeArgs, chromePath, fakeDeviceArgs } from '../chrome.mjs';
import { until as untilSeen } from './page.mjs';

const firefoxPath = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';
const hasRoute = Object.values(networkInterfaces())
  .flat()
  .some((a) => a && !a.internal && a.family === 'IPv4');
const skip = !existsSync(firefoxPath)
  ? `no Firefox at ${firefoxPath} (apt-get install firefox-esr)`
  : process.env.RTC_TEST_FIREFOX_NET !== '1'
    ? 'needs RTC_TEST_FIREFOX_NET=1: a sealed network namespace with a non-loopback interface (see .ci/run)'
    : !hasRoute
      ? 'RTC_TEST_FIREFOX_NET=1 but no non-loopback IPv4 interface: Firefox would gather no ICE candidate'
      : false;

const firefoxPrefs = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  // A page that captures the camera or microphone may play sound on its own, in Firefox as in
  // Chromium; Firefox counts a fake device's capture only with this. Without it a page plays the
  // others only because puppeteer's evaluate() counts as a press, or shows its play button.
  'media.navigator.permission.fake': true,
};

/** Runs in the page: the remote tiles, each with whether its video plays uncovered and for how long. */
function remotes() {
  const call = document.querySelector('rtc-call');
  return {
    phase: call.phase,
    status: call.shadowRoot.querySelector('[part~="status"]')?.textContent.trim(),
    errors: (window.rtcErrors ?? []).map((e) => e.type),
    participants: call.participants.map((p) => p.name).sort(),
    knocking: call.knocking.map((k) => k.name),
    tiles: [...call.shadowRoot.querySelectorAll('[part~="tile"]:not([part~="local-tile"])')].map((t) => {
      const v = t.querySelector('video[part~="remote-video"], video[part~="screen-video"]');
      const sound = t.querySelector('audio[part~="screen-audio"]');
      return {
        name: t.querySelector('[part~="name"]').textContent.trim(),
        screen: t.matches('[part~="screen-tile"]'),
        // A shared tab's sound: playing, unmuted, for how long.
        sound: !!sound && !sound.paused && !sound.muted && sound.srcObject?.getAudioTracks()[0]?.readyState === 'live' ? sound.currentTime : null,
        playing: !!v && v.readyState >= 2 && v.videoWidth > 0 && !v.paused,
        playedFor: v ? v.currentTime : 0,
        placeholder: !!t.querySelector('[part~="placeholder"]'),
        speaking: t.matches('[part~="speaking-tile"]'),
        micOff: !!t.querySelector('[part~="mic-off"]'),
        hand: !!t.querySelector('[part~="hand"]'),
        reactions: [...t.querySelectorAll('[part~="reaction"]')].map((r) => r.textContent),
        connection: t.dataset.connection,
      };
    }),
  };
}

/**
 * Runs in the page: opens People (from More where the bar holds it there), presses the other's
 * connection sign, and gives the figures shown under their row, once there are five of them.
 */
async function connectionFigures() {
  const root = document.querySelector('rtc-call').shadowRoot;
  const $ = (part) => root.querySelector(`[part~="${part}"]`);
  const soon = async (get) => {
    const deadline = Date.now() + 15_000;
    let found;
    while (!(found = get()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    return found;
  };
  if (!$('people-button')) $('more-button')?.click();
  (await soon(() => $('people-button')))?.click();
  (await soon(() => $('person-quality-button')))?.click();
  const read = () => Object.fromEntries([...root.querySelectorAll('[part~="connection-details"] dt')].map((dt) => [dt.textContent.trim(), dt.nextElementSibling.textContent.trim()]));
  await soon(() => Object.keys(read()).length >= 5);
  return read();
}

/** Runs in the page: getDisplayMedia gives a 640×360 canvas that changes every frame. */
function fakeScreen() {
  navigator.mediaDevices.getDisplayMedia = async () => {
    const canvas = Object.assign(document.createElement('canvas'), { width: 640, height: 360 });
    const g = canvas.getContext('2d');
    let n = 0;
    setInterval(() => {
      g.fillStyle = `hsl(${(n += 7) % 360} 60% 50%)`;
      g.fillRect(0, 0, 640, 360);
    }, 50);
    return canvas.captureStream(20);
  };
}

const until = (page, check, what, timeout) => untilSeen(page, check, what, timeout, remotes);

// The element covers a video whose frames stop for 1.5 s (checked every 250 ms): a video that
// has played 2.5 s and is still uncovered got past that check.
const seesVideoOf = (name) => (s) =>
  s.errors.length === 0 &&
  s.participants.join() === name &&
  s.tiles.some((t) => t.name === name && !t.screen && t.playing && !t.placeholder && t.playedFor >= 2.5);

describe('Chromium and Firefox in one room', { skip }, () => {
  let server;
  let host;
  let hostUrl;
  let chromium;
  let firefox;

  before(async () => {
    server = createRtcServer({ host: '127.0.0.1', port: 0 });
    const { url: base } = await server.listen();
    // A page that embeds the element, as a website does, and records its errors.
    host = http.createServer((req, res) => {
      const { searchParams: q } = new URL(req.url, 'http://localhost');
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      const password = q.get('password') ? ` password="${q.get('password')}"` : '';
      const element = q.get('chat')
        ? `<rtc-chat room="${q.get('room')}" name="${q.get('name')}"${password}></rtc-chat>`
        : `<rtc-call room="${q.get('room')}" name="${q.get('name')}" autojoin${q.has('audio-only') ? ' audio-only' : ''}${q.has('knock') ? ' knock' : ''}></rtc-call>`;
      res.end(`<!doctype html><html lang="en"><title>Call</title>
        <script>
          window.rtcErrors = []; addEventListener('rtc-error', (e) => rtcErrors.push(e.detail));
          window.rtcLeft = []; addEventListener('rtc-participant-left', (e) => rtcLeft.push(e.detail));
        </script>
        <script type="module" src="${base}/rtc-elements.js"></script>
        ${element}</html>`);
    });
    host.listen(0, '127.0.0.1');
    await once(host, 'listening');
    hostUrl = (room, name, chat = false, password = '', extra = '') =>
      `http://localhost:${host.address().port}/?room=${room}&name=${name}${chat ? '&chat=1' : ''}${password ? `&password=${password}` : ''}${extra}`;
    [chromium, firefox] = await Promise.all([
      puppeteer.launch({ executablePath: chromePath, headless: true, args: [...chromeArgs, ...fakeDeviceArgs] }),
      puppeteer.launch({ browser: 'firefox', executablePath: firefoxPath, headless: true, extraPrefsFirefox: firefoxPrefs }),
    ]);
  });

  after(async () => {
    await chromium?.close();
    await firefox?.close();
    host?.close();
    await server?.close();
  });

  // A test that fails half-way leaves its pages open: they would go on sending video, and load
  // the machine for every test after it until they too miss their deadlines.
  const contexts = new Set();
  const openContext = async (browser) => {
    const context = await browser.createBrowserContext();
    contexts.add(context);
    return context;
  };
  afterEach(async () => {
    await Promise.all([...contexts].filter((c) => !c.closed).map((c) => c.close().catch(() => {})));
    contexts.clear();
  });

  // Each visitor in a window of their own: a page in a background tab shows nobody's video (it
  // draws no frames) and may not start playing, as no visitor's page in front of them would.
  const newPage = (browser, context) => context.newPage(browser === firefox ? { type: 'window' } : undefined);

  async function visitor(browser, room, name, extra = '', { wait = true } = {}) {
    const context = await openContext(browser);
    const page = await newPage(browser, context);
    const errors = [];
    page.on('pageerror', (error) => errors.push(error));
    await page.goto(hostUrl(room, name, false, '', extra));
    // Generous deadlines, which a passing run does not wait out: the first case missed the
    // earlier 10 and 15 s ones once in 22 runs, for a reason its output did not keep.
    if (wait) await until(page, (s) => s.phase === 'in-call', `${name} did not join`, 20_000);
    return { page, context, errors };
  }

  for (const [first, second] of [
    ['Chromium', 'Firefox'],
    ['Firefox', 'Chromium'],
  ]) {
    it(`${first} joins first, ${second} second: each sees the other's video, and the figures of their connection`, async () => {
      const room = `e2e-ff-${first}-${Date.now()}`;
      const browsers = { Chromium: chromium, Firefox: firefox };
      const a = await visitor(browsers[first], room, first);
      const b = await visitor(browsers[second], room, second);
      await until(a.page, seesVideoOf(second), `${first} does not see ${second}'s video`, 30_000);
      await until(b.page, seesVideoOf(first), `${second} does not see ${first}'s video`, 30_000);
      // Each reads the figures of its connection with the other in People: each browser's statistics.
      for (const [v, name] of [
        [a, first],
        [b, second],
      ]) {
        const figures = await v.page.evaluate(connectionFigures);
        assert.match(figures['Round trip'] ?? '', /^\d+ ms$/, `${name}'s round trip: ${JSON.stringify(figures)}`);
        assert.match(figures['Data'] ?? '', /^\d+(\.\d)? [kM]b\/s in, \d+(\.\d)? [kM]b\/s out$/, `${name}'s data: ${JSON.stringify(figures)}`);
        assert.match(figures['Their camera'] ?? '', /^\d+ × \d+/, `${name}'s camera figures: ${JSON.stringify(figures)}`);
        assert.equal(figures['Route'], 'Direct', `${name}'s route: ${JSON.stringify(figures)}`);
      }
      assert.deepEqual([...a.errors, ...b.errors], []);
      await a.context.close();
      await b.context.close();
    });
  }

  it("Firefox keeps the call's control bar in one row: words where they fit, icons, then More", async () => {
    const v = await visitor(firefox, `e2e-ff-bar-${Date.now()}`, 'Firefox');
    /** Runs in the page: the bar at `width` px, once the element had a moment to fit it. */
    const barAt = (width) =>
      v.page.evaluate(async (width) => {
        const call = document.querySelector('rtc-call');
        call.style.width = `${width}px`;
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        const bar = call.shadowRoot.querySelector('[part~="controls"]');
        const buttons = [...bar.querySelectorAll(':scope > button')];
        return {
          rows: new Set(buttons.map((b) => Math.round(b.getBoundingClientRect().top))).size,
          words: buttons[buttons.length - 1].querySelector('.text').getBoundingClientRect().width > 10,
          more: buttons.some((b) => b.matches('[part~="more-button"]')),
        };
      }, width);
    const wait = async (width, check, what) => {
      const deadline = Date.now() + 10_000;
      let seen;
      while (!check((seen = await barAt(width)))) if (Date.now() > deadline) assert.fail(`${what}: ${JSON.stringify(seen)}`);
    };
    await wait(1100, (b) => b.rows === 1 && b.words && !b.more, 'at 1100 px, not one row with words');
    await wait(560, (b) => b.rows === 1 && !b.words && !b.more, 'at 560 px, not one row of icons');
    await wait(250, (b) => b.rows === 1 && b.more, 'at 250 px, not one row with More');
    assert.deepEqual(v.errors, []);
  });

  // Firefox plays a video element whose stream has a video track only once that track has a
  // frame: the sound of someone without a camera must not ride on it.
  it('Firefox hears someone who joined without a camera, and Chromium hears Firefox', async () => {
    const room = `e2e-ff-sound-${Date.now()}`;
    const ada = await visitor(chromium, room, 'Ada', '&audio-only');
    const bob = await visitor(firefox, room, 'Bob');
    /** Runs in the page: whether the sound of the remote tile named `name` plays, and how far it got (s). */
    const heard = (name) => {
      const tile = [...document.querySelector('rtc-call').shadowRoot.querySelectorAll('[part~="tile"]')].find((t) => t.querySelector('[part~="name"]')?.textContent.trim() === name);
      const playing = [...(tile?.querySelectorAll('audio, video') ?? [])].filter(
        (m) => !m.muted && !m.paused && m.srcObject?.getAudioTracks().some((t) => t.readyState === 'live'),
      );
      return Math.max(0, ...playing.map((m) => m.currentTime));
    };
    for (const [page, name] of [
      [bob.page, 'Ada'],
      [ada.page, 'Bob'],
    ]) {
      const deadline = Date.now() + 20_000;
      while ((await page.evaluate(heard, name)) < 1.5) {
        if (Date.now() > deadline) assert.fail(`${name}'s sound does not play (${await page.evaluate(heard, name)} s)`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    assert.deepEqual([...ada.errors, ...bob.errors], []);
    await ada.context.close();
    await bob.context.close();
  });

  // A group with more than one Firefox: Firefox pairs with Firefox as well as with Chromium. A
  // Firefox page holds the beacon (it came first); a Firefox page and a Chromium page join at
  // once, a Firefox newcomer joins the running call of three; a Firefox page's microphone and
  // camera go off and on; then the beacon holder leaves, a Firefox page is closed, and the next
  // newcomer still gets in. Everyone sees everyone's video, and the status line agrees.
  it('two and three Firefox pages with Chromium in one call: everyone sees everyone, leaves are seen, the room heals', async () => {
    const room = `e2e-ff-group-${Date.now()}`;
    const people = [];
    const came = [];
    const seesAll = (v) => (s) =>
      s.errors.length === 0 &&
      s.status === `${people.length} in call` &&
      s.participants.join() === people.filter((o) => o !== v).map((o) => o.name).sort().join() &&
      s.tiles.filter((t) => !t.screen && t.playing && !t.placeholder && t.playedFor >= 2.5).length === people.length - 1;
    const everyone = (what) => Promise.all(people.map((v) => until(v.page, seesAll(v), `${v.name} ${what}`, 30_000)));
    const come = async (browser, name) => {
      const v = { name, ...(await visitor(browser, room, name)) };
      people.push(v);
      came.push(v);
      return v;
    };
    const go = (v) => people.splice(people.indexOf(v), 1);
    const ada = await come(firefox, 'Ada');
    const [bob] = await Promise.all([come(firefox, 'Bob'), come(chromium, 'Cyd')]);
    await everyone('does not see the other two');
    const dan = await come(firefox, 'Dan');
    await everyone('does not see the Firefox newcomer, or is not seen by all');

    const toggle = (on) => bob.page.evaluate(async (on) => {
      const call = document.querySelector('rtc-call');
      await call.toggleMicrophone(on);
      await call.toggleCamera(on);
    }, on);
    await toggle(false);
    const others = people.filter((v) => v !== bob);
    await Promise.all(others.map((v) =>
      until(v.page, (s) => s.tiles.some((t) => t.name === 'Bob' && t.placeholder && t.micOff), `${v.name} does not show Bob's microphone and camera off`, 10_000),
    ));
    await toggle(true);
    await everyone("does not see Bob's camera back");

    // The beacon holder leaves, and a page is closed: both are gone for everyone left.
    await ada.page.evaluate(() => document.querySelector('rtc-call').leave());
    go(ada);
    await dan.page.close();
    go(dan);
    await Promise.all(people.map((v) =>
      until(v.page, (s) => s.status === '2 in call' && s.participants.length === 1, `${v.name} still shows Ada or Dan`, 10_000),
    ));
    for (const v of people) assert.deepEqual((await v.page.evaluate(() => window.rtcLeft.map((l) => l.participant.name))).sort(), ['Ada', 'Dan']);
    await come(chromium, 'Eve');
    await everyone('does not see the newcomer who came after the beacon holder left');
    assert.deepEqual(came.flatMap((v) => v.errors), []);
    for (const v of came) await v.context.close();
  });

  // Who speaks is read from the level each audio packet carries (RFC 6464): each browser's
  // packets must carry it, and each must read it from the other's. A visitor with the microphone
  // off is nobody's speaker on their own page, so the other one is all that can be heard there.
  it("each shows the other speaking while its own microphone is off, the other's raised hand and reactions", async () => {
    const room = `e2e-ff-speaking-${Date.now()}`;
    const a = await visitor(chromium, room, 'Chromium');
    const b = await visitor(firefox, room, 'Firefox');
    await until(a.page, seesVideoOf('Firefox'), 'Chromium does not see Firefox', 30_000);
    await until(b.page, seesVideoOf('Chromium'), 'Firefox does not see Chromium', 30_000);
    const microphone = (v, on) => v.page.evaluate((on) => document.querySelector('rtc-call').toggleMicrophone(on), on);
    const shows = (name) => (s) => s.tiles.some((t) => t.name === name && t.speaking);
    await microphone(a, false);
    await until(a.page, shows('Firefox'), 'Chromium does not show Firefox speaking', 15_000);
    await microphone(a, true);
    await microphone(b, false);
    await until(b.page, shows('Chromium'), 'Firefox does not show Chromium speaking', 15_000);
    const hand = (v, up) => v.page.evaluate((up) => document.querySelector('rtc-call').toggleHand(up), up);
    const raised = (name) => (s) => s.tiles.some((t) => t.name === name && t.hand);
    await hand(a, true);
    await until(b.page, raised('Chromium'), 'Firefox does not show the hand Chromium raised', 10_000);
    await hand(b, true);
    await until(a.page, raised('Firefox'), 'Chromium does not show the hand Firefox raised', 10_000);
    await hand(a, false);
    await until(b.page, (s) => !raised('Chromium')(s), 'Firefox still shows the hand Chromium lowered', 10_000);
    const react = (v, emoji) => v.page.evaluate((emoji) => document.querySelector('rtc-call').react(emoji), emoji);
    const reacted = (name, emoji) => (s) => s.tiles.some((t) => t.name === name && t.reactions.includes(emoji));
    assert.equal(await react(a, '👍'), true);
    await until(b.page, reacted('Chromium', '👍'), 'Firefox does not show the reaction of Chromium', 10_000);
    assert.equal(await react(b, '🎉'), true);
    await until(a.page, reacted('Firefox', '🎉'), 'Chromium does not show the reaction of Firefox', 10_000);
    assert.deepEqual([...a.errors, ...b.errors], []);
    await a.context.close();
    await b.context.close();
  });

  it('in a room that knocks, Chromium lets Firefox in, and Firefox lets the next Chromium page in with its button', async () => {
    const room = `e2e-ff-knock-${Date.now()}`;
    const a = await visitor(chromium, room, 'Chromium', '&knock');
    const b = await visitor(firefox, room, 'Firefox', '&knock', { wait: false });
    await until(b.page, (s) => s.phase === 'joining' && s.status === 'Waiting to be let in', 'Firefox does not say that it waits', 20_000);
    await until(a.page, (s) => s.knocking.join() === 'Firefox', 'Chromium does not see Firefox knock', 10_000);
    assert.equal(await a.page.evaluate(() => document.querySelector('rtc-call').letIn(document.querySelector('rtc-call').knocking[0].id)), true);
    await until(a.page, seesVideoOf('Firefox'), 'Chromium does not see Firefox', 30_000);
    await until(b.page, seesVideoOf('Chromium'), 'Firefox does not see Chromium', 30_000);
    const c = await visitor(chromium, room, 'Cy', '&knock', { wait: false });
    await until(b.page, (s) => s.knocking.join() === 'Cy', 'Firefox does not see Cy knock', 20_000);
    await b.page.click('rtc-call >>> [part~="let-in-button"]');
    await until(c.page, (s) => s.participants.join() === 'Chromium,Firefox', 'Cy is not let in', 30_000);
    await until(b.page, (s) => s.knocking.length === 0 && s.participants.join() === 'Chromium,Cy', 'Firefox does not meet Cy', 30_000);
    assert.deepEqual([...a.errors, ...b.errors, ...c.errors], []);
    for (const v of [a, b, c]) await v.context.close();
  });

  // A shared screen comes on the pair's one connection by renegotiation, between two browsers
  // whose offers differ; the other side shows it as a screen tile (and plays its sound, where it
  // has one), and it goes when sharing stops, and again when it is shared a second time.
  for (const [sharer, viewer] of [
    ['Chromium', 'Firefox'],
    ['Firefox', 'Chromium'],
  ]) {
    it(`${sharer} shares a screen: ${viewer} sees it beside the camera, until sharing stops`, async () => {
      const room = `e2e-ff-screen-${sharer}-${Date.now()}`;
      const browsers = { Chromium: chromium, Firefox: firefox };
      const a = await visitor(browsers[sharer], room, sharer);
      const b = await visitor(browsers[viewer], room, viewer);
      await until(b.page, seesVideoOf(sharer), `${viewer} does not see ${sharer}'s video`, 30_000);
      // Headless Firefox has no screen to capture (getDisplayMedia: NotFoundError), as Chromium
      // has its fake one: its "screen" is a moving canvas, a real video track all the same.
      if (sharer === 'Firefox') await a.page.evaluate(fakeScreen);
      // A real click: Firefox asks for a user's gesture before it shares a screen.
      const button = 'rtc-call >>> [part~="screen-button"]';
      await a.page.click(button);
      const screenOf = (s) => s.tiles.find((t) => t.name === `${sharer}'s screen`);
      // Chromium's fake capture has a sound, as a tab shared with its sound; Firefox shares none.
      const heard = (s) => (sharer === 'Chromium' ? screenOf(s)?.sound > 0.5 : screenOf(s)?.sound === null);
      await until(b.page, (s) => screenOf(s)?.screen === true && screenOf(s)?.playing === true && heard(s), `${viewer} does not see ${sharer}'s screen, or hear it`, 20_000);
      await until(b.page, seesVideoOf(sharer), `${viewer} lost ${sharer}'s camera while the screen is shared`, 10_000);
      await a.page.click(button);
      await until(b.page, (s) => !screenOf(s), `${viewer} still shows ${sharer}'s screen`, 10_000);
      // Shared again: on the same sender, so without a renegotiation.
      await a.page.click(button);
      await until(b.page, (s) => screenOf(s)?.screen === true && screenOf(s)?.playing === true && heard(s), `${viewer} does not see ${sharer}'s screen shared again, or hear it`, 20_000);
      await a.page.click(button);
      await until(b.page, (s) => !screenOf(s), `${viewer} still shows ${sharer}'s screen shared again`, 10_000);
      assert.deepEqual([...a.errors, ...b.errors], []);
      await a.context.close();
      await b.context.close();
    });
  }

  it("Firefox covers a Chromium camera that stops sending within 2 s, and uncovers it when it is back", async () => {
    const room = `e2e-ff-frozen-${Date.now()}`;
    const ada = await visitor(chromium, room, 'Ada');
    const bob = await visitor(firefox, room, 'Bob');
    await until(bob.page, seesVideoOf('Ada'), "Firefox does not see Chromium's video", 30_000);
    await ada.page.evaluate(() => document.querySelector('rtc-call').localStream.getVideoTracks()[0].stop());
    await until(bob.page, (s) => s.tiles.some((t) => t.name === 'Ada' && t.placeholder), 'frozen video: no placeholder', 2_000);
    await ada.page.evaluate(() => document.querySelector('rtc-call').shadowRoot.querySelector('[part~="camera-button"]').click());
    await ada.page.evaluate(() => document.querySelector('rtc-call').shadowRoot.querySelector('[part~="camera-button"]').click());
    await until(bob.page, (s) => s.tiles.some((t) => t.name === 'Ada' && t.playing && !t.placeholder), 'camera back: no video', 10_000);
    await ada.context.close();
    await bob.context.close();
  });

  it("Chromium covers a Firefox camera that stops sending, though Firefox sends its last picture again once a second", async () => {
    const room = `e2e-ff-frozen-back-${Date.now()}`;
    const ada = await visitor(chromium, room, 'Ada');
    const bob = await visitor(firefox, room, 'Bob');
    await until(ada.page, seesVideoOf('Bob'), "Chromium does not see Firefox's video", 30_000);
    await bob.page.evaluate(() => document.querySelector('rtc-call').localStream.getVideoTracks()[0].stop());
    await until(ada.page, (s) => s.tiles.some((t) => t.name === 'Bob' && t.placeholder), 'frozen video: no placeholder', 5_000);
    await ada.context.close();
    await bob.context.close();
  });

  it('each stops its camera to the other while the other is in the background, and sends it again once it is back', async () => {
    const room = `e2e-ff-background-${Date.now()}`;
    const ada = await visitor(chromium, room, 'Ada');
    const bob = await visitor(firefox, room, 'Bob');
    await until(ada.page, seesVideoOf('Bob'), "Chromium does not see Firefox's video", 30_000);
    await until(bob.page, seesVideoOf('Ada'), "Firefox does not see Chromium's video", 30_000);
    // Runs in the page: puts it in the background, or back, as switching tabs does.
    const setHidden = (hidden) => {
      if (hidden) Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      else delete document.visibilityState;
      document.dispatchEvent(new Event('visibilitychange'));
    };
    for (const [away, other] of [
      [ada, bob],
      [bob, ada],
    ]) {
      const [awayName, otherName] = away === ada ? ['Ada', 'Bob'] : ['Bob', 'Ada'];
      await away.page.evaluate(setHidden, true);
      // The other's camera stops coming (its tile is covered), while this page's still goes to the other.
      await until(away.page, (s) => s.tiles.some((t) => t.name === otherName && t.placeholder), `${otherName}'s camera still comes to ${awayName}'s page in the background`, 20_000);
      const { tiles } = await other.page.evaluate(remotes);
      const still = tiles.find((t) => t.name === awayName);
      assert.ok(still?.playing && !still.placeholder, `${otherName} no longer sees ${awayName}: ${JSON.stringify(still)}`);
      await away.page.evaluate(setHidden, false);
      const { tiles: back } = await away.page.evaluate(remotes);
      const since = back.find((t) => t.name === otherName)?.playedFor ?? 0;
      // Uncovered for longer than the element's stall check: the camera came back.
      await until(away.page, (s) => s.tiles.some((t) => t.name === otherName && t.playing && !t.placeholder && t.playedFor >= since + 2.5), `${otherName}'s camera does not come back to ${awayName}`, 15_000);
    }
    assert.deepEqual([...ada.errors, ...bob.errors], []);
    await ada.context.close();
    await bob.context.close();
  });

  // Firefox plays sound on its own only after a press, or while it captures a device. A page that
  // joins by itself with no device allowed shows a button that plays the others. The page reports
  // through its console: puppeteer's evaluate() in Firefox counts as a press.
  it('a Firefox visitor who joins on their own with no device allowed gets a button that plays the others', async () => {
    const blocked = await puppeteer.launch({
      browser: 'firefox',
      executablePath: firefoxPath,
      headless: true,
      extraPrefsFirefox: { ...firefoxPrefs, 'media.navigator.permission.disabled': false, 'permissions.default.camera': 2, 'permissions.default.microphone': 2 },
    });
    try {
      const room = `e2e-ff-autoplay-${Date.now()}`;
      const ada = await visitor(chromium, room, 'Ada');
      const page = await (await openContext(blocked)).newPage();
      let state = {};
      page.on('console', (m) => m.text().startsWith('STATE ') && (state = JSON.parse(m.text().slice(6))));
      await page.evaluateOnNewDocument(() =>
        setInterval(() => {
          const root = document.querySelector('rtc-call')?.shadowRoot;
          const sound = root?.querySelector('audio[part~="remote-audio"]');
          console.info(`STATE ${JSON.stringify({ phase: root?.host.phase, button: !!root?.querySelector('[part~="play-button"]'), playing: !!sound && !sound.paused && sound.currentTime > 0 })}`);
        }, 250),
      );
      await page.goto(hostUrl(room, 'Bob'));
      const wait = async (check, what, timeout = 20_000) => {
        for (const end = Date.now() + timeout; !check(state); await new Promise((r) => setTimeout(r, 100))) {
          if (Date.now() > end) throw new Error(`${what}: ${JSON.stringify(state)}`);
        }
      };
      await wait((s) => s.phase === 'in-call' && s.button && !s.playing, 'no button while the browser holds the others back');
      await page.click('rtc-call >>> [part~="play-button"]');
      await wait((s) => s.playing && !s.button, "pressing it does not play Ada's sound");
      await ada.context.close();
    } finally {
      await blocked.close();
    }
  });

  /** Runs in the page: what the chat shows, and the files it received (name, size and SHA-256). */
  function chatState() {
    const chat = document.querySelector('rtc-chat');
    return {
      phase: chat.phase,
      errors: (window.rtcErrors ?? []).map((e) => `${e.type}: ${e.message}`),
      participants: chat.participants.map((p) => p.name),
      texts: chat.messages.map((m) => m.text),
      typing: chat.shadowRoot.querySelector('[part~="typing"]')?.textContent ?? '',
      received: window.received ?? [],
      ended: window.ended ?? [],
    };
  }

  /** Runs in the page: records each file received as its name, size and SHA-256, and each transfer that ended, with its state and reason. */
  function recordFiles() {
    window.received = [];
    window.ended = [];
    addEventListener('rtc-file-progress', ({ detail: { file } }) => {
      if (['done', 'canceled', 'failed'].includes(file.state)) window.ended.push(`${file.name} ${file.state} ${file.reason}`);
    });
    addEventListener('rtc-file-received', async (e) => {
      const bytes = await e.detail.blob.arrayBuffer();
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      window.received.push(`${e.detail.file.name} ${bytes.byteLength} ${[...digest].map((x) => x.toString(16).padStart(2, '0')).join('')}`);
    });
  }

  /** Runs in the page: sends `size` random bytes as a file, with a chat message while it goes; its record as the other side makes it, and how it ended. */
  async function sendRandomFile(name, size) {
    const bytes = new Uint8Array(size);
    for (let at = 0; at < size; at += 65_536) crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65_536)));
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    const chat = document.querySelector('rtc-chat');
    const sent = chat.sendFile(new File([bytes], name));
    chat.send(`${name} is on its way`);
    const result = await sent;
    return { record: `${name} ${size} ${[...digest].map((x) => x.toString(16).padStart(2, '0')).join('')}`, state: result?.state };
  }

  const untilChat = (page, check, what, timeout) => untilSeen(page, check, what, timeout, chatState);

  async function chatter(browser, room, name, password = '') {
    const context = await openContext(browser);
    const page = await newPage(browser, context);
    const errors = [];
    page.on('pageerror', (error) => errors.push(error));
    await page.goto(hostUrl(room, name, true, password));
    await page.evaluate(recordFiles);
    await untilChat(page, (s) => s.phase === 'joined', `${name}'s chat did not join`, 20_000);
    return { page, context, errors };
  }

  // File bytes ride a second, negotiated data channel on the pair's connection, under a window
  // of what the recipient acknowledged: between the two browsers, both ways at once, with chat
  // messages beside them. 3 MB is 46 chunks, many times the smallest window.
  it('Chromium and Firefox chat, each sees the other typing, and each sends the other a file at the same time', async () => {
    const room = `e2e-ff-chat-${Date.now()}`;
    const a = await chatter(chromium, room, 'Chromium');
    const b = await chatter(firefox, room, 'Firefox');
    await untilChat(a.page, (s) => s.participants.join() === 'Firefox', 'Chromium does not see Firefox in the chat', 30_000);
    await untilChat(b.page, (s) => s.participants.join() === 'Chromium', 'Firefox does not see Chromium in the chat', 30_000);
    await a.page.evaluate(() => document.querySelector('rtc-chat').send('hello from Chromium'));
    await b.page.evaluate(() => document.querySelector('rtc-chat').send('hello from Firefox'));
    const hasAll = (texts) => (s) => texts.every((t) => s.texts.includes(t));
    const hellos = ['hello from Chromium', 'hello from Firefox'];
    await untilChat(a.page, hasAll(hellos), 'Chromium lacks a message', 10_000);
    await untilChat(b.page, hasAll(hellos), 'Firefox lacks a message', 10_000);
    // Typed on the keyboard: the other sees it, until the message comes.
    for (const [writer, reader, name] of [
      [b, a, 'Firefox'],
      [a, b, 'Chromium'],
    ]) {
      await writer.page.click('rtc-chat >>> textarea');
      await writer.page.keyboard.type(`typed in ${name}`);
      await untilChat(reader.page, (s) => s.typing === `${name} is typing…`, `the other does not see ${name} typing`, 10_000);
      await writer.page.keyboard.press('Enter');
      await untilChat(reader.page, (s) => s.texts.includes(`typed in ${name}`) && s.typing === '', `${name}'s message did not end the sign`, 10_000);
    }

    const size = 3_000_000;
    const [fromA, fromB] = await Promise.all([
      a.page.evaluate(sendRandomFile, 'from-chromium.bin', size),
      b.page.evaluate(sendRandomFile, 'from-firefox.bin', size),
    ]);
    assert.equal(fromA.state, 'done', 'Chromium\'s file was not delivered');
    assert.equal(fromB.state, 'done', 'Firefox\'s file was not delivered');
    // A sender's transfer is done once the recipient confirmed the file: its record is there.
    const onTheirWay = [...hellos, 'from-chromium.bin is on its way', 'from-firefox.bin is on its way'];
    await untilChat(b.page, (s) => s.received.includes(fromA.record) && hasAll(onTheirWay)(s), 'Firefox did not get Chromium\'s file intact', 10_000);
    await untilChat(a.page, (s) => s.received.includes(fromB.record) && hasAll(onTheirWay)(s), 'Chromium did not get Firefox\'s file intact', 10_000);
    for (const v of [a, b]) assert.deepEqual((await v.page.evaluate(chatState)).errors, []);
    assert.deepEqual([...a.errors, ...b.errors], []);
    await a.context.close();
    await b.context.close();
  });

  // A private room's key derivation and each pair's proof of the password run in each browser's
  // own WebCrypto and libraries: both browsers must derive the same keys and accept each other's
  // proofs (Firefox's of Firefox's too), and a page with another password must not meet them.
  // A file from Firefox goes to both others at once, each on its own pair.
  it('Chromium and two Firefox pages meet in a room with a password, a file from Firefox reaches both; Firefox with another password does not meet them', async () => {
    const room = `e2e-ff-private-${Date.now()}`;
    const a = await chatter(chromium, room, 'Chromium', 'correct-horse');
    const [b, c] = await Promise.all([chatter(firefox, room, 'Firefox', 'correct-horse'), chatter(firefox, room, 'Fennec', 'correct-horse')]);
    const names = new Map([[a, 'Fennec,Firefox'], [b, 'Chromium,Fennec'], [c, 'Chromium,Firefox']]);
    for (const [v, others] of names) {
      await untilChat(v.page, (s) => [...s.participants].sort().join() === others, `${others} do not both see the third in the private room`, 30_000);
    }
    const { record, state } = await b.page.evaluate(sendRandomFile, 'private.bin', 3_000_000);
    assert.equal(state, 'done', "Firefox's file was not delivered to both");
    for (const v of [a, c]) {
      await untilChat(v.page, (s) => s.received.includes(record) && s.texts.includes('private.bin is on its way'), `${v === a ? 'Chromium' : 'Fennec'} did not get Firefox's file intact`, 10_000);
    }
    // Another password is another beacon id: Eve claims her own and is alone, and told why that may be.
    const eve = await chatter(firefox, room, 'Eve', 'wrong-horse');
    const status = () => document.querySelector('rtc-chat').shadowRoot.querySelector('[part~="status"]').textContent;
    await untilChat(eve.page, (s) => s.phase === 'joined' && s.participants.length === 0, 'Eve did not end up alone', 20_000);
    assert.match(await eve.page.evaluate(status), /same room name and password/);
    for (const [v, others] of names) assert.equal([...(await v.page.evaluate(chatState)).participants].sort().join(), others);
    assert.deepEqual([a, b, c, eve].flatMap((v) => v.errors), []);
    for (const v of [a, b, c, eve]) await v.context.close();
  });

  /** Drops every UDP packet this namespace receives (the pair's path; the PeerServer's TCP goes on), or lets them through again. */
  function udp(action) {
    const nft = (...args) => assert.equal(spawnSync('nft', args).status, 0, `nft ${args.join(' ')}`);
    if (action === 'restore') return void spawnSync('nft', ['delete', 'table', 'inet', 'rtc_ff_test']);
    nft('add', 'table', 'inet', 'rtc_ff_test');
    nft('add', 'chain', 'inet', 'rtc_ff_test', 'input', '{ type filter hook input priority 0; }');
    nft('add', 'rule', 'inet', 'rtc_ff_test', 'input', 'meta', 'l4proto', 'udp', 'drop');
  }

  // After 10 s without a path, the pair comes back and nobody leaves. Between two Chromiums it
  // is the same peer connection, mended by ICE restarts (test/resilience.test.ts). Firefox fails
  // a connection whose restarted ICE finds no path within about 4 s, and closes its channels, so
  // a restart made while the path is still down ends in a fresh connection here.
  it('Chromium and Firefox come back after their path is down for 10 s, and nobody leaves', { skip: spawnSync('nft', ['list', 'tables']).status !== 0 && 'needs nft and CAP_NET_ADMIN' }, async () => {
    const room = `e2e-ff-outage-${Date.now()}`;
    const a = await visitor(chromium, room, 'Chromium');
    const b = await visitor(firefox, room, 'Firefox');
    await until(a.page, seesVideoOf('Firefox'), 'Chromium does not see Firefox', 30_000);
    await until(b.page, seesVideoOf('Chromium'), 'Firefox does not see Chromium', 30_000);
    const connection = (name) => (s) => s.tiles.find((t) => t.name === name)?.connection;
    try {
      udp('drop');
      await until(a.page, (s) => connection('Firefox')(s) === 'reconnecting', 'Chromium does not show Firefox reconnecting', 15_000);
      await until(b.page, (s) => connection('Chromium')(s) === 'reconnecting', 'Firefox does not show Chromium reconnecting', 15_000);
      // The path stays down 10 s in all (a bounded wait: the outage is the scenario, not a check).
      await new Promise((resolve) => setTimeout(resolve, 10_000));
    } finally {
      udp('restore');
    }
    await until(a.page, (s) => connection('Firefox')(s) === 'connected' && seesVideoOf('Firefox')(s), 'Firefox does not come back on Chromium', 30_000);
    await until(b.page, (s) => connection('Chromium')(s) === 'connected' && seesVideoOf('Chromium')(s), 'Chromium does not come back on Firefox', 30_000);
    for (const v of [a, b]) assert.deepEqual(await v.page.evaluate(() => window.rtcLeft.map((p) => p.name)), [], 'someone was shown leaving');
    assert.deepEqual([...a.errors, ...b.errors], []);
    await a.context.close();
    await b.context.close();
  });

  // Firefox closes the channels of a connection whose ICE failed: a file it was sending ends
  // there as interrupted before the fresh connection exists, and the file-cancel that says so
  // has no connection to go on. It must reach the recipient on the fresh connection, so that
  // Chromium ends the transfer as interrupted too, not as stalled 30 s after its last chunk.
  it("a file from Firefox cut off by a broken path ends as interrupted in Chromium as soon as they are back", { skip: spawnSync('nft', ['list', 'tables']).status !== 0 && 'needs nft and CAP_NET_ADMIN' }, async () => {
    const room = `e2e-ff-cut-file-${Date.now()}`;
    const a = await chatter(chromium, room, 'Chromium');
    const b = await chatter(firefox, room, 'Firefox');
    await untilChat(a.page, (s) => s.participants.join() === 'Firefox', 'Chromium does not see Firefox in the chat', 30_000);
    await untilChat(b.page, (s) => s.participants.join() === 'Chromium', 'Firefox does not see Chromium in the chat', 30_000);
    // 95 MiB: far more than goes in the seconds before the path is cut.
    void b.page.evaluate(() => document.querySelector('rtc-chat').sendFile(new File([new Uint8Array(95 * 1024 * 1024)], 'big.bin')));
    const receiving = () => document.querySelector('rtc-chat').shadowRoot.querySelector('progress')?.value ?? 0;
    await untilSeen(a.page, (bytes) => bytes > 0, 'Chromium receives nothing', 20_000, receiving);
    try {
      udp('drop');
      // Down until Firefox gives the file up (its connection failed), or 15 s at most.
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && !(await b.page.evaluate(chatState)).ended.length) await new Promise((resolve) => setTimeout(resolve, 250));
    } finally {
      udp('restore');
    }
    await untilChat(b.page, (s) => s.ended.join() === 'big.bin failed interrupted', 'Firefox does not end the file as interrupted', 15_000);
    await untilChat(a.page, (s) => s.ended.length > 0, 'Chromium still receives the file Firefox gave up', 10_000);
    assert.deepEqual((await a.page.evaluate(chatState)).ended, ['big.bin failed interrupted']);
    assert.deepEqual([...a.errors, ...b.errors], []);
    await a.context.close();
    await b.context.close();
  });
});
