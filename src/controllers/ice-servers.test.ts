import { expect } from '@open-wc/testing';
import { IceServers, iceServersUrl } from './ice-servers.js';

/** Answers every fetch with `respond()`, counting the requests. */
function stubFetch(respond: () => Response | Promise<Response>): { count: number; restore(): void } {
  const original = window.fetch;
  const stub = { count: 0, restore: () => (window.fetch = original) };
  window.fetch = () => (stub.count++, Promise.resolve(respond()));
  return stub;
}

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
let n = 0;
/** A URL no other test used: the page caches answers per URL. */
const freshUrl = () => `https://calls.example/ice-servers?case=${n++}`;

describe('IceServers', () => {
  let stub: { count: number; restore(): void } | null = null;
  afterEach(() => stub?.restore());

  it('finds /ice-servers at the origin of the server attribute', () => {
    expect(iceServersUrl('https://calls.example:8443/peerjs')).to.equal('https://calls.example:8443/ice-servers');
    expect(iceServersUrl('wss://calls.example/peerjs')).to.equal('https://calls.example/ice-servers');
    expect(iceServersUrl('')).to.equal(new URL('/ice-servers', location.href).href);
    expect(iceServersUrl('not a url')).to.equal(null);
  });

  it('takes a good answer, and refuses hostile ones without asking again', async () => {
    const good = { iceServers: [{ urls: ['turn:127.0.0.1:3478'], username: '1:x', credential: 'c' }], ttl: 600 };
    stub = stubFetch(() => json(good));
    const ice = new IceServers();
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
      const other = new IceServers();
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

  it('a page that gives its own servers fetches nothing', async () => {
    stub = stubFetch(() => json({ iceServers: [], ttl: 60 }));
    const ice = new IceServers();
    await ice.prepare(null);
    expect(ice.active).to.equal(false);
    expect(stub.count).to.equal(0);
  });
});
