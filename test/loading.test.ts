// What a page pays before anyone joins: the elements load without the session layer, and PeerJS
// probes the browser (with a throwaway RTCPeerConnection) only when a join makes its first peer.
// Pointing at Join loads the session layer and the code that fetches the ICE servers early, and
// asks the server for them, and still builds nothing.
// This file imports nothing that reaches src/session: the count starts before any of it loads.
import { expect, fixture, html } from '@open-wc/testing';
import type { RtcCall } from '../src/components/call/call.js';
import { sendMouse } from '@web/test-runner-commands';
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

  it('creates no RTCPeerConnection and fetches no session code while a <rtc-call> waits to be joined; pointing at Join fetches it and the ICE servers, joining builds', async () => {
    await import('../src/bundle.js');
    const el = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom()} server=${rtcServer} audio-only></rtc-call>`);
    expect(part(el, 'join-button')).to.have.length(1);
    const fetched = (pattern: RegExp) => () => performance.getEntriesByType('resource').some((r) => pattern.test(r.name));
    const sessionCode = fetched(/\/src\/session\/|peerjs/);
    const iceCode = fetched(/\/src\/controllers\/ice-servers\./);
    const iceServers = fetched(/\/ice-servers$/);
    // Long enough for anything scheduled at load.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(constructed, 'RTCPeerConnections before joining').to.equal(0);
    expect(sessionCode(), 'session code fetched before joining').to.equal(false);
    expect(iceCode(), 'ICE servers code fetched before joining').to.equal(false);
    expect(iceServers(), 'ICE servers asked for before joining').to.equal(false);

    // The visitor points at Join: the session code loads (and runs), and builds nothing.
    const box = part(el, 'join-button')[0].getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
    await until(sessionCode, 'no session code fetched when pointing at Join');
    await until(iceServers, 'the ICE servers were not asked for when pointing at Join');
    expect(iceCode(), 'ICE servers code fetched when pointing at Join').to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(constructed, 'RTCPeerConnections after pointing at Join').to.equal(0);
    expect(el.phase, 'pointing is not joining').to.equal('idle');

    await el.join();
    expect(constructed, 'RTCPeerConnections once joined (PeerJS probes the browser)').to.be.greaterThan(0);
    await el.leave();
    await sendMouse({ type: 'move', position: [0, 0] });
  });

  it('joins with autojoin', async () => {
    await import('../src/bundle.js');
    const el = await fixture<RtcCall>(html`<rtc-call room=${uniqueRoom()} server=${rtcServer} audio-only autojoin></rtc-call>`);
    await until(() => el.phase === 'in-call', 'never joined');
    expect(constructed).to.be.greaterThan(0);
    await el.leave();
  });
});
