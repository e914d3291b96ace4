import { expect } from '@open-wc/testing';
import { until } from '../../test/helpers.js';
import { IceServers } from './ice-servers.js';
import { askAhead, askIceServers, iceServersUrl } from './ice-servers-url.js';
import { RETRY_AFTER_MAX, RETRY_MAX, retryAfter, retryDelay, type Timing } from './refresh-schedule.js';

/** Answers every fetch with `respond()`, counting the requests. */
function stubFetch(respond: () => Response | Promise<Response>): { count: number; restore(): void } {
  const original = window.fetch;
  const stub = { count: 0, restore: () => (window.fetch = original) };
  window.fetch = () => (stub.count++, Promise.resolve(respond()));
  return stub;
}

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
/** An answer with a TURN credential that lasts `ttl` seconds; `id` tells the answers apart. */
const grant = (ttl: number, id: number) => json({ iceServers: [{ urls: ['turn:127.0.0.1:3478'], username: `${id}:x`, credential: 'c' }], ttl });
const usernames = (servers: RTCIceServer[]) => servers.map((s) => s.username);

/**
 * Clocks and timers moved by hand. Timers count monotonic time, as the browser's do; `sleep`
 * moves the wall clock alone, as a machine's sleep does on most systems.
 */
function fakeTiming() {
  const t = { monotonic: 1_000, wall: 1_750_000_000_000 };
  const timers = new Map<number, { at: number; fn: () => void }>();
  let ids = 0;
  const timing: Timing = {
    monotonic: () => t.monotonic,
    wall: () => t.wall,
    setTimeout: (fn, ms) => (timers.set(++ids, { at: t.monotonic + ms, fn }), ids as unknown as ReturnType<typeof setTimeout>),
    clearTimeout: (timer) => void timers.delete(timer as unknown as number),
    random: () => 0.5,
  };
  return {
    timing,
    timers,
    /** Moves the wall clock alone (back, with a negative `ms`). */
    sleep: (ms: number) => void (t.wall += ms),
    /** Runs the timer due next, both clocks moved to it; the wait, in ms. */
    next(): number {
      const [id, due] = [...timers].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
      if (!due) throw new Error('no timer set');
      const wait = due.at - t.monotonic;
      t.wall += wait;
      t.monotonic = due.at;
      timers.delete(id);
      due.fn();
      return wait;
    },
  };
}

type Fake = ReturnType<typeof fakeTiming>;

/**
 * Runs the timers due next until one fetches, and waits until its answer was handled and the
 * next timer set; the time that passed, in ms.
 */
async function nextFetch(fake: Fake, stub: { count: number }): Promise<number> {
  const asked = stub.count;
  let waited = 0;
  while (stub.count === asked) waited += fake.next();
  await until(() => fake.timers.size === 1, `no timer after fetch ${stub.count}`, 2_000);
  return waited;
}

let n = 0;
/** A URL no other test used: the page caches answers per URL. */
const freshUrl = () => `https://calls.example/ice-servers?case=${n++}`;

describe('IceServers', () => {
  let stub: { count: number; restore(): void } | null = null;
  afterEach(() => stub?.restore());

  it('finds /ice-servers at the origin of the server attribute', () => {
    expect(iceServersUrl('https://calls.example:8443/peerjs')).to.equal('https://calls.example:8443/ice-servers');
    expect(iceServersUrl('wss://calls.example/peerjs')).to.equal('https://calls.example/ice-servers');
    expect(iceServersUrl('https://calls.example')).to.equal('https://calls.example/ice-servers');
    // An rtc-server behind a path prefix: beside its PeerServer.
    expect(iceServersUrl('https://example.com/calls/peerjs')).to.equal('https://example.com/calls/ice-servers');
    expect(iceServersUrl('https://example.com/calls/peerjs/?x=1')).to.equal('https://example.com/calls/ice-servers');
    expect(iceServersUrl('')).to.equal(new URL('/ice-servers', location.href).href);
    expect(iceServersUrl('not a url')).to.equal(null);
  });

  it('asked ahead, while its code loads, is asked once: the first fetch takes that answer', async () => {
    stub = stubFetch(() => grant(600, 1));
    const url = freshUrl();
    askAhead(url);
    askAhead(url);
    expect(stub.count, 'asked at once, and once').to.equal(1);
    const ice = new IceServers(askIceServers);
    await ice.prepare(url);
    expect(usernames(ice.iceServers)).to.deep.equal(['1:x']);
    expect(stub.count, 'the answer asked ahead was used').to.equal(1);
    // Asked ahead of another URL: not the answer for this one.
    askAhead(freshUrl());
    const other = new IceServers(askIceServers);
    await other.prepare(freshUrl());
    expect(stub.count).to.equal(3);
  });

  it('takes a good answer, and refuses hostile ones without asking again', async () => {
    const good = { iceServers: [{ urls: ['turn:127.0.0.1:3478'], username: '1:x', credential: 'c' }], ttl: 600 };
    stub = stubFetch(() => json(good));
    const ice = new IceServers(askIceServers);
    await ice.prepare(freshUrl());
    expect(ice.iceServers).to.deep.equal(good.iceServers);
    stub.restore();

    const hostile: unknown[] = [
      { iceServers: [{ urls: ['https://127.0.0.1/not-ice'] }], ttl: 600 },
      { iceServers: [{ urls: 'turn:127.0.0.1', credential: 'x'.repeat(600) }], ttl: 600 },
      { iceServers: Array(9).fill({ urls: 'turn:127.0.0.1' }), ttl: 600 },
      { iceServers: [], ttl: 'soon' },
      { iceServers: [{ urls: ['turn:127.0.0.1'], username: 1 }], ttl: 60 },
      // The browser refuses a TURN server without credentials, and every connection with it.
      { iceServers: [{ urls: ['stun:127.0.0.1', 'turn:127.0.0.1'] }], ttl: 60 },
      'x'.repeat(20_000),
    ];
    for (const body of hostile) {
      stub = stubFetch(() => json(body));
      const failed: string[] = [];
      const target = { setIceServers: () => failed.push('applied') };
      const other = new IceServers(askIceServers);
      await other.prepare(freshUrl());
      other.start(target, (reason) => failed.push(reason));
      await new Promise((resolve) => queueMicrotask(() => resolve(undefined)));
      expect(other.iceServers, JSON.stringify(body).slice(0, 60)).to.deep.equal([]);
      expect(failed).to.deep.equal(['unavailable']);
      expect(stub.count, 'not asked again').to.equal(1);
      other.stop();
      stub.restore();
    }
  });

  it('stops reading an answer with no length past 16 KB, and reads one that comes a byte at a time', async () => {
    let pulled = 0;
    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 4 * 1024 * 1024) return controller.close();
        pulled += 4096;
        controller.enqueue(new Uint8Array(4096).fill(0x20));
      },
      cancel: () => void (cancelled = true),
    });
    stub = stubFetch(() => new Response(endless));
    const failed: string[] = [];
    const ice = new IceServers(askIceServers);
    await ice.prepare(freshUrl());
    ice.start({ setIceServers: () => failed.push('applied') }, (reason) => failed.push(reason));
    await until(() => failed.length > 0, 'no verdict');
    expect(failed).to.deep.equal(['unavailable']);
    expect(pulled, 'bytes read').to.be.below(32 * 1024);
    expect(cancelled, 'the rest is not downloaded').to.equal(true);
    ice.stop();
    stub.restore();

    const good = { iceServers: [{ urls: ['turn:127.0.0.1:3478'], username: '1:é', credential: 'ç' }], ttl: 600 };
    const bytes = new TextEncoder().encode(JSON.stringify(good));
    let at = 0;
    const trickle = new ReadableStream<Uint8Array>({
      pull: (controller) => (at < bytes.length ? controller.enqueue(bytes.slice(at, ++at)) : controller.close()),
    });
    stub = stubFetch(() => new Response(trickle));
    const other = new IceServers(askIceServers);
    await other.prepare(freshUrl());
    expect(other.iceServers).to.deep.equal(good.iceServers);
  });

  it('a page that gives its own servers fetches nothing', async () => {
    stub = stubFetch(() => json({ iceServers: [], ttl: 60 }));
    const ice = new IceServers(askIceServers);
    await ice.prepare(null);
    expect(ice.active).to.equal(false);
    expect(stub.count).to.equal(0);
  });

  it('keeps renewing through a long outage, at most a minute apart or as late as Retry-After says, and says so once the credential expired', async () => {
    const fake = fakeTiming();
    let answer = () => grant(600, 1);
    stub = stubFetch(() => answer());
    const ice = new IceServers(askIceServers, fake.timing);
    const applied: (string | undefined)[][] = [];
    const failed: string[] = [];
    await ice.prepare(freshUrl());
    ice.start({ setIceServers: (s) => applied.push(usernames(s)) }, (reason) => failed.push(reason));
    expect(applied).to.deep.equal([['1:x']]);
    const step = () => nextFetch(fake, stub!);

    // The server is gone for 20 minutes, from just before the renewal.
    answer = () => new Response('down', { status: 500 });
    expect(await step(), 'renewed at half the lifetime').to.equal(300_000);
    let down = 0;
    const waits: number[] = [];
    while (down < 1_200_000) {
      const wait = await step();
      waits.push(wait);
      down += wait;
      if (down < 300_000) expect(failed, 'quiet while the credential lasts').to.deep.equal([]);
    }
    expect(Math.max(...waits)).to.be.at.most(RETRY_MAX);
    expect(waits.slice(0, 3)).to.deep.equal([1_750, 3_500, 7_000]);
    expect(failed, 'once the credential expired').to.deep.equal(['unavailable']);

    answer = () => new Response('busy', { status: 429, headers: { 'Retry-After': '120' } });
    await step();
    expect(await step(), 'not before Retry-After').to.be.at.least(120_000);
    answer = () => grant(600, 2);
    await step();
    expect(applied).to.deep.equal([['1:x'], ['2:x']]);
    expect(await step(), 'the next renewal at half the new lifetime').to.equal(300_000);
    expect(failed).to.deep.equal(['unavailable']);
    ice.stop();
    expect(fake.timers.size, 'nothing left when the session ends').to.equal(0);
  });

  it('sets no timer when the session ended during a fetch', async () => {
    const fake = fakeTiming();
    let answer: () => Response | Promise<Response> = () => grant(60, 1);
    stub = stubFetch(() => answer());
    const ice = new IceServers(askIceServers, fake.timing);
    await ice.prepare(freshUrl());
    ice.start({ setIceServers: () => {} }, null);
    let release = () => {};
    answer = () => new Promise((resolve) => (release = () => resolve(new Response('down', { status: 503, headers: { 'Retry-After': '5' } }))));
    fake.next();
    expect(stub.count).to.equal(2);
    ice.stop();
    release();
    // The answer is handled in microtasks, which all run before the next task.
    await new Promise((resolve) => setTimeout(resolve));
    expect(fake.timers.size).to.equal(0);
  });

  it('after the machine slept past the lifetime, a join on the page fetches new credentials', async () => {
    const fake = fakeTiming();
    let id = 1;
    stub = stubFetch(() => grant(3600, id++));
    const url = freshUrl();
    const first = new IceServers(askIceServers, fake.timing);
    await first.prepare(url);
    first.stop();
    const second = new IceServers(askIceServers, fake.timing);
    await second.prepare(url);
    expect(stub.count, 'while fresh, the page asks once').to.equal(1);
    second.stop();
    // Asleep for two hours: the browser's monotonic clock and its timers stood still.
    fake.sleep(7_200_000);
    const again = new IceServers(askIceServers, fake.timing);
    await again.prepare(url);
    expect(stub.count, 'the expired credential is not reused').to.equal(2);
    expect(usernames(again.iceServers)).to.deep.equal(['2:x']);
    again.stop();
  });

  it('after the machine slept past the lifetime, a call renews within a minute', async () => {
    const fake = fakeTiming();
    let id = 1;
    stub = stubFetch(() => grant(3600, id++));
    const call = new IceServers(askIceServers, fake.timing);
    await call.prepare(freshUrl());
    const applied: (string | undefined)[][] = [];
    call.start({ setIceServers: (s) => applied.push(usernames(s)) }, null);
    fake.sleep(7_200_000);
    expect(await nextFetch(fake, stub)).to.be.at.most(60_000);
    expect(applied).to.deep.equal([['1:x'], ['2:x']]);
    call.stop();
  });

  it('keeps to the lifetime when the wall clock is set back', async () => {
    const fake = fakeTiming();
    stub = stubFetch(() => grant(600, 1));
    const ice = new IceServers(askIceServers, fake.timing);
    await ice.prepare(freshUrl());
    ice.start({ setIceServers: () => {} }, null);
    fake.sleep(-3_600_000);
    expect(await nextFetch(fake, stub)).to.equal(300_000);
    ice.stop();
  });

  it('waits after a failure two seconds doubling up to a minute, spread out, and never before Retry-After', () => {
    const lowest = (failures: number, wait: number | null = null) => retryDelay(failures, wait, () => 1);
    const highest = (failures: number, wait: number | null = null) => retryDelay(failures, wait, () => 0);
    expect([1, 2, 3, 4].map(highest)).to.deep.equal([2_000, 4_000, 8_000, 16_000]);
    expect([1, 2, 3, 4].map((f) => lowest(f))).to.deep.equal([1_500, 3_000, 6_000, 12_000]);
    expect(highest(7)).to.equal(RETRY_MAX);
    expect(highest(10_000)).to.equal(RETRY_MAX);
    expect(lowest(1, 120_000)).to.equal(150_000);
    expect(highest(1, 120_000)).to.equal(120_000);
    expect(retryAfter('120')).to.equal(120_000);
    expect(retryAfter(' 0 ')).to.equal(0);
    expect(retryAfter('86400')).to.equal(RETRY_AFTER_MAX);
    expect(retryAfter('9'.repeat(400))).to.equal(RETRY_AFTER_MAX);
    for (const bad of [null, '', '-5', '1.5', 'Wed, 21 Oct 2015 07:28:00 GMT']) expect(retryAfter(bad), String(bad)).to.equal(null);
  });
});
