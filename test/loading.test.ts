// What a page pays before anyone joins: the elements load without the session layer, so PeerJS
// (which builds an RTCPeerConnection as it loads, to probe the browser) comes only with a join.
// This file imports nothing that reaches src/session: the count starts before any of it loads.
import { expect, fixture, html } from '@open-wc/testing';
import type { RtcCall } from '../src/components/call/call.js';
import { rtcServer } from './env.js';
import { part, uniqueRoom, until } from './helpers.js';

let constructed = 0;
const Native = window.RTCPeerConnection;
window.RTCPeerConnection = class extends Native {
  constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
    super(...args);
    constructed++;
  }
};

describe('loading', () => {
  after(() => {
    window.RTCPeerConnection = Native;
  });

  it('creates no RTCPeerConnection and fetches no session code while a <rtc-call> waits to be joined; joining loads it', async () => {
    await import('../src/bundle.js');
    const el = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom()} server=${rtcServer} audio-only></rtc-call>`);
    expect(part(el, 'join-button')).to.have.length(1);
    // Long enough for anything scheduled at load (PeerJS's probe ran at module evaluation).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(constructed, 'RTCPeerConnections before joining').to.equal(0);
    expect(performance.getEntriesByType('resource').some((r) => /\/src\/session\/|peerjs/.test(r.name)), 'session code fetched before joining').to.equal(false);

    await el.join();
    expect(performance.getEntriesByType('resource').some((r) => /\/src\/session\/index\.ts/.test(r.name)), 'session code fetched on join').to.equal(true);
    await el.leave();
  });

  it('joins with autojoin', async () => {
    await import('../src/bundle.js');
    const el = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom()} server=${rtcServer} audio-only autojoin></rtc-call>`);
    await until(() => el.phase === 'in-call', 'never joined');
    expect(constructed).to.be.greaterThan(0);
    await el.leave();
  });
});
