import { expect } from '@open-wc/testing';
import { MAX_HAND_FOR, MAX_MEDIA_SECTIONS, encodeFrame, parseFrame } from './frames.js';
import { MAX_FRAME_LENGTH, PROTOCOL, isValidPeerId, otherVersion, parseFull, parseIntro, parseWelcome } from './protocol.js';
import { beaconIdFor, newMemberId } from './ids.js';

/** A description with `n` media sections. */
const sdpWith = (n: number) => 'v=0\r\n' + 'm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:x\r\n'.repeat(n);

describe('room protocol frames', () => {
  it('round-trips every core frame', () => {
    const frames = [
      { t: 'hello', name: 'Ada', media: true, mic: true, cam: false, beacon: false, peers: ['rtc-b'] },
      { t: 'peers', ids: ['rtc-b', 'rtc-c'] },
      { t: 'state', media: true, mic: false, cam: true },
      { t: 'state', media: true, mic: false, cam: true, screen: '{0b1c-screen}' },
      { t: 'state', media: false, mic: false, cam: false, name: 'Ada L.' },
      { t: 'state', media: true, mic: true, cam: true, name: 'Ada', hand: true },
      { t: 'hello', name: 'Ada', media: true, mic: true, cam: false, beacon: false, peers: [], hand: true },
      { t: 'hello', name: 'Ada', media: true, mic: true, cam: false, beacon: false, peers: [], hand: true, handFor: 0 },
      { t: 'state', media: true, mic: true, cam: true, hand: true, handFor: MAX_HAND_FOR },
      { t: 'hello', name: 'Ada', media: true, mic: true, cam: false, beacon: false, peers: [], react: true },
      { t: 'react', emoji: '👍' },
      // A reaction of a later version: taken, not shown (membership.ts).
      { t: 'react', emoji: '🦄' },
      { t: 'view', height: 180 },
      { t: 'view', height: 180, paused: true },
      { t: 'view', height: 180, screenPaused: true },
      { t: 'view', height: 180, paused: true, screenPaused: true },
      { t: 'hello', name: 'Ada', media: true, mic: true, cam: true, beacon: false, peers: [], view: 240 },
      { t: 'sdp', description: { type: 'offer', sdp: 'v=0\r\n' } },
      { t: 'ice', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 } },
      { t: 'beacon' },
      { t: 'beacon', nonce: 'a1b2c3d4e5f6' },
      { t: 'admit', id: 'rtc-c', name: 'Cy', media: true },
      { t: 'auth', nonce: 'AAAAAAAAAAAAAAAAAAAAAA' },
      { t: 'proof', proof: 'x'.repeat(43) },
      { t: 'ping' },
      { t: 'bye' },
    ] as const;
    for (const frame of frames) expect(parseFrame(encodeFrame(frame))).to.deep.equal({ core: frame });
  });

  it('drops malformed and hostile frames', () => {
    const hostile: unknown[] = [
      'not json',
      '[]',
      'null',
      JSON.stringify({ t: 'hello' }), // no version
      JSON.stringify({ v: 2, t: 'ping' }),
      JSON.stringify({ v: 1, t: 'hello', name: 'x', media: 'yes', mic: true, cam: true, beacon: false, peers: [] }),
      JSON.stringify({ v: 1, t: 'peers', ids: ['ok', '<script>'] }),
      JSON.stringify({ v: 1, t: 'peers', ids: Array.from({ length: 300 }, (_, i) => `p${i}`) }),
      JSON.stringify({ v: 1, t: 'state', media: 1, mic: true, cam: true }),
      JSON.stringify({ v: 1, t: 'x'.repeat(40) }),
      JSON.stringify({ v: 1, t: 'beacon', nonce: 42 }),
      JSON.stringify({ v: 1, t: 'proof', proof: 'x'.repeat(65) }),
      JSON.stringify({ v: 1, t: 'sdp', description: { type: 'rollback', sdp: 'v=0' } }),
      JSON.stringify({ v: 1, t: 'sdp', description: { type: 'offer', sdp: 42 } }),
      JSON.stringify({ v: 1, t: 'sdp', description: { type: 'offer', sdp: sdpWith(MAX_MEDIA_SECTIONS + 1) } }),
      JSON.stringify({ v: 1, t: 'ice', candidate: { candidate: 'c', sdpMLineIndex: -1 } }),
      JSON.stringify({ v: 1, t: 'ice', candidate: 'candidate:1' }),
      JSON.stringify({ v: 1, t: 'state', media: true, mic: true, cam: true, screen: 'x'.repeat(65) }),
      JSON.stringify({ v: 1, t: 'admit', id: '<b>', name: 'x', media: true }),
      JSON.stringify({ v: 1, t: 'view', height: 0 }),
      JSON.stringify({ v: 1, t: 'hello', name: 'x', media: true, mic: true, cam: true, beacon: false, peers: [], view: -1 }),
      JSON.stringify({ v: 1, t: 'view', height: 180.5 }),
      JSON.stringify({ v: 1, t: 'view', height: 1e9 }),
      JSON.stringify({ v: 1, t: 'view', height: '180' }),
      JSON.stringify({ v: 1, t: 'view', height: 180, paused: 'yes' }),
      JSON.stringify({ v: 1, t: 'view', height: 180, screenPaused: 1 }),
      JSON.stringify({ v: 1, t: 'state', media: true, mic: true, cam: true, name: ['Ada'] }),
      JSON.stringify({ v: 1, t: 'state', media: true, mic: true, cam: true, hand: 'yes' }),
      JSON.stringify({ v: 1, t: 'hello', name: 'x', media: true, mic: true, cam: true, beacon: false, peers: [], hand: 1 }),
      JSON.stringify({ v: 1, t: 'hello', name: 'x', media: true, mic: true, cam: true, beacon: false, peers: [], react: 'yes' }),
      JSON.stringify({ v: 1, t: 'state', media: true, mic: true, cam: true, hand: true, handFor: -1 }),
      JSON.stringify({ v: 1, t: 'state', media: true, mic: true, cam: true, hand: true, handFor: 1.5 }),
      JSON.stringify({ v: 1, t: 'state', media: true, mic: true, cam: true, hand: true, handFor: MAX_HAND_FOR + 1 }),
      JSON.stringify({ v: 1, t: 'hello', name: 'x', media: true, mic: true, cam: true, beacon: false, peers: [], hand: true, handFor: '5' }),
      JSON.stringify({ v: 1, t: 'react' }),
      JSON.stringify({ v: 1, t: 'react', emoji: '' }),
      JSON.stringify({ v: 1, t: 'react', emoji: 1 }),
      JSON.stringify({ v: 1, t: 'react', emoji: '👍'.repeat(9) }),
      `{"v":1,"t":"ping","pad":"${'x'.repeat(MAX_FRAME_LENGTH)}"}`,
      new ArrayBuffer(8),
      42,
    ];
    for (const data of hostile) expect(parseFrame(data), String(data).slice(0, 60)).to.equal(null);
    // A hand not raised is said by leaving it out; `false` is read the same.
    expect(parseFrame(JSON.stringify({ v: 1, t: 'state', media: true, mic: true, cam: true, hand: false }))).to.deep.equal({ core: { t: 'state', media: true, mic: true, cam: true } });
    // How long a hand has been up means nothing while it is down.
    expect(parseFrame(JSON.stringify({ v: 1, t: 'state', media: true, mic: true, cam: true, handFor: 5 }))).to.deep.equal({ core: { t: 'state', media: true, mic: true, cam: true } });
    const most = JSON.stringify({ v: 1, t: 'sdp', description: { type: 'offer', sdp: sdpWith(MAX_MEDIA_SECTIONS) } });
    expect(parseFrame(most), 'a description with as many media sections as allowed').to.not.equal(null);
  });

  it('cleans display names: control, direction and invisible characters out, length capped', () => {
    const name = `A\u0000\u0007b\u202e\u200b${'c'.repeat(200)}`;
    const intro = parseIntro({ proto: PROTOCOL, kind: 'intro', name, media: true, nonce: 'n0nce123' });
    expect(intro).to.deep.equal({ name: `Ab${'c'.repeat(62)}`, media: true, nonce: 'n0nce123' });
    const state = parseFrame(JSON.stringify({ v: 1, t: 'state', media: true, mic: true, cam: true, name }));
    expect(state, 'a new name in a state frame').to.deep.equal({ core: { t: 'state', media: true, mic: true, cam: true, name: `Ab${'c'.repeat(62)}` } });
  });

  it('reads introductions, welcomes and refusals, each with its nonce, and nothing malformed', () => {
    const member = { id: 'rtc-a', name: 'A', media: false };
    const nonce = 'abcdef0123456789';
    expect(parseWelcome({ proto: PROTOCOL, kind: 'mesh', welcome: [member], nonce })).to.deep.equal({ members: [member], nonce });
    expect(parseWelcome({ proto: PROTOCOL, kind: 'media', welcome: [member], nonce }), 'a call is not a mesh connection').to.equal(null);
    expect(parseWelcome({ proto: PROTOCOL, kind: 'mesh', welcome: [member] }), 'no nonce: answers nobody').to.equal(null);
    expect(parseWelcome({ proto: PROTOCOL, kind: 'mesh' }), 'a plain mesh connection').to.equal(null);
    expect(parseFull({ proto: PROTOCOL, kind: 'full', max: 4, nonce })).to.deep.equal({ max: 4, nonce });
    const hostile: unknown[] = [
      null,
      'intro',
      { proto: 'rtc-room/1', kind: 'intro', name: 'x', media: true, nonce },
      { proto: PROTOCOL, kind: 'intro', name: 'x', media: 'yes', nonce },
      { proto: PROTOCOL, kind: 'intro', name: 'x', media: true, nonce: 'short' },
      { proto: PROTOCOL, kind: 'mesh', welcome: [{ id: '<img>', name: 'x', media: true }], nonce },
      { proto: PROTOCOL, kind: 'mesh', welcome: [{ id: 'rtc-a', name: 'x' }], nonce },
      { proto: PROTOCOL, kind: 'mesh', welcome: Array.from({ length: 300 }, (_, i) => ({ id: `p${i}`, name: '', media: true })), nonce },
    ];
    for (const value of hostile) {
      expect(parseIntro(value), JSON.stringify(value)?.slice(0, 60)).to.equal(null);
      expect(parseWelcome(value), JSON.stringify(value)?.slice(0, 60)).to.equal(null);
    }
    expect(parseFull({ proto: PROTOCOL, kind: 'mesh', max: 4, nonce })).to.equal(null);
    expect(otherVersion({ proto: 'rtc-room/1', kind: 'intro' })).to.equal('rtc-room/1');
    expect(otherVersion({ proto: PROTOCOL, kind: 'intro' })).to.equal(null);
  });

  it('passes frames of other types to extensions', () => {
    expect(parseFrame(JSON.stringify({ v: 1, t: 'chat', text: 'hi' }))).to.deep.equal({ extension: { v: 1, t: 'chat', text: 'hi' } });
  });
});

describe('peer ids', () => {
  it('makes a fresh valid id for every join, ordered by time', () => {
    const a = newMemberId(1_700_000_000_000);
    const b = newMemberId(1_700_000_000_000);
    const c = newMemberId(1_700_000_000_001);
    expect(isValidPeerId(a) && isValidPeerId(b) && isValidPeerId(c)).to.equal(true);
    expect(a).to.not.equal(b);
    expect(a < c && b < c).to.equal(true);
  });

  it('maps any room name to a valid beacon id that depends on room and key', async () => {
    const ids = [
      beaconIdFor('team standup', 'peerjs'),
      beaconIdFor('team standup', 'other-key'),
      beaconIdFor('Team standup', 'peerjs'),
      beaconIdFor('日本語 / 🎥 <b>', 'peerjs'),
    ];
    for (const id of ids) expect(isValidPeerId(id), id).to.equal(true);
    expect(new Set(ids).size).to.equal(4);
    expect(beaconIdFor('team standup', 'peerjs')).to.equal(ids[0]);
    // The first 32 hex digits of SHA-256("rtc-room/1\npeerjs\nteam standup"), as docs/protocol.md says.
    const data = new TextEncoder().encode('rtc-room/1\npeerjs\nteam standup');
    const hex = [...new Uint8Array(await crypto.subtle.digest('SHA-256', data))].map((b) => b.toString(16).padStart(2, '0')).join('');
    expect(ids[0]).to.equal(`rtc-room-${hex.slice(0, 32)}`);
  });
});

describe('sha256', () => {
  it('matches WebCrypto', async () => {
    const { sha256 } = await import('./sha256.js');
    const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    for (const length of [0, 1, 55, 56, 63, 64, 65, 200]) {
      const data = crypto.getRandomValues(new Uint8Array(length));
      expect(hex(sha256(data)), `length ${length}`).to.equal(hex(new Uint8Array(await crypto.subtle.digest('SHA-256', data))));
    }
    expect(hex(sha256(new TextEncoder().encode('abc')))).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
